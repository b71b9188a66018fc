"""Near-duplicate rules make one: in the same scope and of the same kind, rules whose
features mean the same (the same name but for case and punctuation) or whose texts say the
same (TF-IDF cosine similarity of at least ``SIMILAR_TEXT``) are merged into the best scored.

The merged rule lists the others' features; the others are retired with the id they were
merged into, so their evidence stays in the store.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from engram.mining.textvectors import tfidf
from engram.rules import Rule

SIMILAR_TEXT = 0.85
_PUNCTUATION = re.compile(r"[^a-z0-9:]+")


def merge_near_duplicates(rules: Sequence[Rule]) -> tuple[list[Rule], dict[str, str]]:
    """The rules with near-duplicates merged, and which rule each merged one went into."""
    groups: dict[tuple[str, str, str], list[Rule]] = defaultdict(list)
    for rule in rules:
        groups[(rule.scope_kind, rule.scope_value, rule.kind)].append(rule)
    kept: list[Rule] = []
    merged_into: dict[str, str] = {}
    for members in groups.values():
        members = sorted(members, key=lambda r: (-r.score, r.id))
        pairs = _same(members)
        home: dict[str, Rule] = {}
        for rule in members:  # best first: each rule joins the best one it duplicates
            target = next(
                (home[o.id] for o in members if (o.id, rule.id) in pairs and o.id in home), None
            )
            if target is None:
                home[rule.id] = rule
                kept.append(rule)
                continue
            home[rule.id] = target
            merged_into[rule.id] = target.id
            for feature in (rule.feature, *rule.merged_features):
                if feature != target.feature and feature not in target.merged_features:
                    target.merged_features.append(feature)
    return kept, merged_into


def _same(rules: Sequence[Rule]) -> set[tuple[str, str]]:
    """Ordered pairs (better, worse) of rules that say the same."""
    pairs: set[tuple[str, str]] = set()
    if len(rules) < 2:
        return pairs
    keys = [_PUNCTUATION.sub("", r.feature.lower()) for r in rules]
    texts = [" ".join(r.text.lower().split()) for r in rules]
    similar = _text_similarity([r.text for r in rules])
    for i in range(len(rules)):
        for j in range(i + 1, len(rules)):
            failure = rules[i].is_failure or rules[j].is_failure
            same_text = texts[i] == texts[j] or (not failure and similar[i][j] >= SIMILAR_TEXT)
            if keys[i] == keys[j] or same_text:
                pairs.add((rules[i].id, rules[j].id))
    return pairs


def _text_similarity(texts: list[str]) -> list[list[float]]:
    matrix = tfidf(texts)
    return (matrix @ matrix.T).toarray().tolist()
