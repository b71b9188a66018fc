"""Similar message templates clustered: TF-IDF over their words, agglomerative on cosine."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from engram.mining.linkage import agglomerate
from engram.mining.textvectors import tfidf

#: Templates this far apart (cosine distance, average linkage) or closer share a cluster.
DISTANCE = 0.5
#: The most frequent templates clustered exactly; rarer ones join their nearest cluster.
MAX_CLUSTERED = 2_000
_TOKEN = r"<[A-Z]+>|[A-Za-z_][A-Za-z_]+|[^\sA-Za-z_<>]"
_WORDS = re.compile(_TOKEN)


def cluster_templates(
    templates: Sequence[str], weights: Sequence[int], distance: float = DISTANCE
) -> list[int]:
    """A cluster label per distinct template (labels 0, 1, … in order of first appearance)."""
    if len(templates) <= 1:
        return [0] * len(templates)
    vectors = tfidf(templates, token_pattern=_TOKEN, lowercase=False, ngrams=2)
    order = np.argsort(-np.asarray(weights), kind="stable")
    head, tail = order[:MAX_CLUSTERED], order[MAX_CLUSTERED:]
    labels = np.full(len(templates), -1)
    if len(head) == 1:
        labels[head] = 0
    else:
        similarity = (vectors[head] @ vectors[head].T).toarray()
        similarity = np.maximum(similarity, _positional([templates[i] for i in head]))
        distances = np.clip(1.0 - similarity, 0.0, 2.0)
        labels[head] = agglomerate(distances, distance, "average")
    if len(tail):
        nearest = vectors[tail] @ vectors[head].T
        best = np.asarray(nearest.argmax(axis=1)).ravel()
        best_similarity = np.asarray(nearest.max(axis=1).toarray()).ravel()
        next_label = int(labels.max()) + 1
        for index, match, similarity in zip(tail, best, best_similarity, strict=True):
            if 1.0 - similarity <= distance:
                labels[index] = labels[head[match]]
            else:
                labels[index], next_label = next_label, next_label + 1
    return _renumber(labels.tolist())


def _positional(templates: Sequence[str]) -> np.ndarray:
    """Drain's similarity: for templates of as many words with the same first word, the share
    of positions whose words agree (counted only when two or more do).

    TF-IDF alone underrates this case: many variants of one message that differ in one word
    (``undefined: OrderIndex``, ``undefined: CacheToken``) make that word rare and the shared
    ones common, so the variants look unlike each other.
    """
    similarity = np.zeros((len(templates), len(templates)))
    words = [t.split(" ") for t in templates]
    by_shape: dict[tuple[int, str], list[int]] = {}
    for index, tokens in enumerate(words):
        by_shape.setdefault((len(tokens), tokens[0]), []).append(index)
    vocabulary: dict[str, int] = {}
    for (length, _), members in by_shape.items():
        if len(members) < 2 or length < 2:
            continue
        codes = np.array(
            [[vocabulary.setdefault(w, len(vocabulary)) for w in words[i]] for i in members]
        )
        for start in range(0, len(members), 64):  # bounded memory: 64 rows at a time
            block = codes[start : start + 64]
            agree = (block[:, None, :] == codes[None, :, :]).sum(axis=2)
            share = np.where(agree >= 2, agree / length, 0.0)
            rows = np.array(members[start : start + 64])
            similarity[np.ix_(rows, np.array(members))] = share
    return similarity


def cluster_name(templates: Sequence[str], weights: Sequence[int]) -> str:
    """A cluster's name: its most frequent template, with the word positions where members of
    the same shape disagree shown as ``<*>`` (as a Drain template miner would)."""
    ranked = sorted(zip(weights, range(len(templates)), templates, strict=True), reverse=True)
    name = ranked[0][2].split(" ")
    for _, _, template in ranked[1:50]:
        words = template.split(" ")
        if len(words) == len(name):
            name = [a if a == b else "<*>" for a, b in zip(name, words, strict=True)]
    return " ".join(name)


def _renumber(labels: list[int]) -> list[int]:
    seen: dict[int, int] = {}
    return [seen.setdefault(label, len(seen)) for label in labels]
