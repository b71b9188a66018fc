"""Rules from recurring failures: an agent-caused failure cluster that hits a real share of a
scope's runs, across several tasks, becomes an ``avoid`` or ``note`` rule.

"Recurring" is a test, not a count: a one-sided binomial test that the cluster's share of the
scope's measured runs exceeds ``FLOOR``, with Benjamini–Hochberg over every cluster and scope
tested. The rule's evidence is the cluster's runs against the scope's other runs; its interval
is the Wilson interval of the share, whose lower end is the score.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from engram.mining.clusters import cluster_name, cluster_templates
from engram.mining.distributions import binom_greater_p
from engram.mining.stats import bh_qvalues, wilson_interval
from engram.rules import Evidence, Rule, rule_id
from engram.store import TOTAL

if TYPE_CHECKING:
    from engram.store import Store
    from engram.store.frames import MainFailure

FLOOR = 0.05  # a failure recurs when it ends more than this share of a scope's runs
MIN_TASKS = 2  # ... and shows up in at least this many tasks
MIN_WORDS = 2  # a failure worth a rule names something: not a bare "AssertionError"
PREFIX = "failure:"
MAX_MEMBERS = 50
SNIPPET_LIMIT = 90
_MASK = re.compile(r"<[A-Z*]+>")
_MASKS = re.compile(r"<[A-Z*]+>(?:[:.,/]*<[A-Z*]+>)*")
_WORD = re.compile(r"[A-Za-z]{2,}")
_UNSAFE = re.compile(r"[^A-Za-z0-9 _.:<>*()=,/+#\[\]…-]")
#: Words every failure message may have; a template of only these says nothing.
_GENERIC = frozenset({
    "unknown", "error", "errors", "err", "failed", "failure", "failures", "fail", "fails",
    "exception", "exceptions", "test", "tests", "assertion", "assertionerror", "exit", "code",
    "status", "with", "the", "an", "of", "in", "at", "on", "and", "or", "message", "returned",
    "non", "zero", "nonzero", "process", "command", "exited",
})  # fmt: skip
#: Error kinds the agent can prevent before finishing: ``avoid`` rules; the rest are notes.
_TEXTS = {
    "import": ("avoid", "Check that every import resolves before finishing; runs here failed with `{t}`."),
    "syntax": ("avoid", "Check that edited files still parse before finishing; runs here failed with `{t}`."),
    "compile": ("avoid", "Build the project after your last edit; runs here failed to compile with `{t}`."),
    "lint": ("avoid", "Run the linter before finishing; runs here failed on `{t}`."),
    "timeout": ("avoid", "Watch for slow or hanging code paths; tests here timed out with `{t}`."),
    "assertion": ("note", "Tests here often fail with `{t}`; check that behaviour before finishing."),
    "runtime": ("note", "Runs here often fail with `{t}`; guard against it before finishing."),
    "unknown": ("note", "Runs here often fail with `{t}`."),
}  # fmt: skip
_KIND_ONLY = frozenset(f"{kind} error" for kind in _TEXTS)  # what a failure with no message is


def failure_rules(
    store: Store,
    scope_kinds: Sequence[str],
    *,
    min_support: int = 5,
    alpha: float = 0.05,
    confidence: float = 0.95,
) -> list[Rule]:
    """Rules for recurring agent-caused failure clusters, over all runs and each scope kind."""
    failures = store.main_failures(("fail", "partial"))  # the agent's own, measured
    if not failures:
        return []
    kinds = ("all", *[k for k in scope_kinds if k != "all"])
    totals = {(r.scope_kind, r.scope_value): (r.runs, r.passed)
              for r in store.feature_counts(kinds) if r.feature == TOTAL}  # fmt: skip
    counts = Counter(failure.template for failure in failures)  # in order of first appearance
    templates = list(counts)
    labels = dict(zip(templates, cluster_templates(templates, list(counts.values())), strict=True))
    clusters: dict[int, list[MainFailure]] = {}
    for failure in failures:
        clusters.setdefault(labels[failure.template], []).append(failure)
    names = {label: _name(members) for label, members in sorted(clusters.items())}
    specific = {label for label, (name, *_) in names.items() if says_something(name)}

    candidates = []
    for scope_kind in kinds:
        for scope_value, by_cluster in _scopes(scope_kind, failures, labels, specific):
            n, passed = totals.get((scope_kind, scope_value), (0, 0))
            for label, rows in sorted(by_cluster.items()):
                k = len(rows)
                if k < min_support or len({r.task_id for r in rows}) < MIN_TASKS or n - k < 1:
                    continue
                p_value = binom_greater_p(k, n, FLOOR)
                candidates.append((scope_kind, scope_value, label, rows, n, passed, p_value))
    if not candidates:
        return []
    q_values = bh_qvalues([c[-1] for c in candidates])
    rules: dict[str, Rule] = {}
    global_clusters = set()
    for (kind, value, label, rows, n, passed, p_value), q in sorted(
        zip(candidates, q_values, strict=True), key=lambda c: c[0][0] != "all"
    ):
        if q > alpha or (kind != "all" and label in global_clusters):
            continue  # a global rule about the same failure already reaches this scope
        if kind == "all":
            global_clusters.add(label)
        rule = _rule(kind, value, names[label], rows, (n, passed), p_value, float(q), confidence)
        rules[rule.id] = rule
    return list(rules.values())


def says_something(template: str) -> bool:
    """Whether a failure's template names something an agent can act on: not a bare kind
    ("unknown error", for a failing test that printed no message), not only generic words."""
    if template in _KIND_ONLY:
        return False
    words = [word.lower() for word in _WORD.findall(_MASK.sub(" ", template))]
    return len(words) >= MIN_WORDS and any(word not in _GENERIC for word in words)


def _scopes(
    scope_kind: str,
    failures: Sequence[MainFailure],
    labels: dict[str, int],
    clusters: Collection[int],
) -> list[tuple[str, dict[int, list[MainFailure]]]]:
    """Each value of the scope kind (in order) with its failures in the given clusters."""
    scopes: dict[str, dict[int, list[MainFailure]]] = {}
    for failure in failures:
        label = labels[failure.template]
        value = "" if scope_kind == "all" else getattr(failure, scope_kind)
        if label in clusters and value is not None:
            scopes.setdefault(str(value)[:200], {}).setdefault(label, []).append(failure)
    return sorted(scopes.items())


def _name(members: Sequence[MainFailure]) -> tuple[str, str, str, list[str]]:
    """A cluster's name, its most common error kind (the first by name among the most
    common), a key stable across learns, and its member templates, most frequent first (kept
    with the rule, so that its runs can be found again)."""
    counts = Counter(failure.template for failure in members).most_common()
    templates = [template for template, _ in counts]
    name = cluster_name(templates, [n for _, n in counts])
    key = hashlib.sha256(templates[0].encode()).hexdigest()[:10]
    kinds = Counter(failure.kind for failure in members)
    kind = min(kinds, key=lambda k: (-kinds[k], k))
    return name, kind, key, templates[:MAX_MEMBERS]


def _rule(
    scope_kind: str,
    scope_value: str,
    name: tuple[str, str, str, list[str]],
    rows: Sequence[MainFailure],
    scope_totals: tuple[int, int],
    p_value: float,
    q_value: float,
    confidence: float,
) -> Rule:
    template, error_kind, key, members = name
    kind, text = _TEXTS.get(error_kind, _TEXTS["unknown"])
    k, (n, passed) = len(rows), scope_totals
    low, high = wilson_interval(k, n, confidence)
    feature = f"{PREFIX}{error_kind}:{key}"
    return Rule(
        id=rule_id(scope_kind, scope_value, kind, feature),
        kind=kind,
        scope_kind=scope_kind,
        scope_value=scope_value,
        feature=feature,
        text=text.format(t=snippet(template)),
        evidence=Evidence(
            n_with=k,
            pass_with=0,
            n_without=n - k,
            pass_without=passed,
            difference=k / n,
            ci_low=low,
            ci_high=high,
            p_value=p_value,
            q_value=q_value,
        ),
        score=low,
        merged_features=[f"template:{member}" for member in members],
        agents=sorted({row.agent for row in rows if row.agent is not None}),
    )


def snippet(template: str) -> str:
    """A failure template fit to quote in guidance: masked parts as "…", plain characters
    only, and short."""
    cleaned = _MASKS.sub("…", template)
    cleaned = " ".join(_UNSAFE.sub(" ", cleaned).split())
    if len(cleaned) > SNIPPET_LIMIT:
        cleaned = cleaned[: SNIPPET_LIMIT - 1].rstrip() + "…"
    return cleaned or "an unnamed error"
