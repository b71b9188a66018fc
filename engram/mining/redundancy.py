"""One rule per signal: merge features that occur together, drop those another explains.

Two steps, within one scope, over the features that passed the significance filter:

1. features whose runs almost coincide (Jaccard similarity over runs at or above a threshold)
   are clustered with scikit-learn's agglomerative clustering and make one group;
2. a group whose effect disappears once a related group is held fixed (a Mantel–Haenszel
   stratified test, within the strata of comparable runs) is explained by it: ``tool:Bash``
   once ``cmd:pytest`` is known. When each explains the other away they are one signal and
   merge. Groups are related when their occurrence is correlated (|phi| ≥ 0.2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engram.mining.stratified import run_sums
from engram.mining.templates import priority


@dataclass(slots=True)
class Group:
    """Features that make one rule; ``test`` is the representative's 2×2 table."""

    test: Any  # engram.mining.miner.Test
    merged: list[str] = field(default_factory=list)
    column: int = 0


@dataclass(slots=True)
class Dropped:
    feature: str
    reason: str


def reduce_scope(
    tests: Sequence[Any],
    passed: Sequence[bool],
    members: Sequence[np.ndarray],
    *,
    strata: np.ndarray | None = None,
    jaccard: float,
    alpha: float,
    min_difference: float,
) -> tuple[list[Group], list[Dropped]]:
    """Groups that stand as rules, and what was dropped and why.

    ``members[i]`` is a boolean array over the scope's valid runs: which have ``tests[i]``'s
    feature; ``passed`` and ``strata`` (each run's group of comparable runs) are aligned with it.
    """
    if not tests:
        return [], []
    matrix = np.column_stack(members) if members else np.zeros((len(passed), 0), dtype=bool)
    outcome = np.asarray(passed, dtype=bool)
    base = np.zeros(len(outcome), dtype=np.int64) if strata is None else np.asarray(strata)
    groups = _cluster(tests, matrix, jaccard)
    groups.sort(key=lambda g: (-g.test.score, g.test.feature))
    kept: list[Group] = []
    dropped: list[Dropped] = []
    for group in groups:
        column = matrix[:, group.column]
        absorbed = False
        for other in kept:
            other_column = matrix[:, other.column]
            if not _related(column, other_column) or _holds(
                column, other_column, outcome, base, group.test.difference, alpha, min_difference
            ):
                continue
            if _holds(other_column, column, outcome, base, other.test.difference, alpha, min_difference):
                dropped.append(Dropped(group.test.feature, f"explained by {other.test.feature}"))
            else:  # neither stands without the other: one signal, shown by the clearer feature
                _merge(other, group)
            absorbed = True
            break
        if absorbed:
            continue
        # The group holds given every kept one; does it explain any of them away?
        survivors = []
        for other in kept:
            other_column = matrix[:, other.column]
            if _related(column, other_column) and not _holds(
                other_column, column, outcome, base, other.test.difference, alpha, min_difference
            ):
                dropped.append(Dropped(other.test.feature, f"explained by {group.test.feature}"))
            else:
                survivors.append(other)
        kept = [*survivors, group]
    kept.sort(key=lambda g: (-g.test.score, g.test.feature))
    return kept, dropped


def _merge(into: Group, other: Group) -> None:
    """Fold ``other`` into ``into``; the representative is the behaviour that says most."""
    features = [into.test.feature, *into.merged, other.test.feature, *other.merged]
    if _rank(other.test) < _rank(into.test):
        into.test, into.column = other.test, other.column
    into.merged = sorted(f for f in dict.fromkeys(features) if f != into.test.feature)


def _rank(test: Any) -> tuple[int, float, str]:
    return priority(test.feature), -abs(test.difference), test.feature


def _cluster(tests: Sequence[Any], matrix: np.ndarray, jaccard: float) -> list[Group]:
    count = len(tests)
    if count == 1:
        return [Group(tests[0], column=0)]
    as_float = matrix.astype(np.float32)
    both = as_float.T @ as_float
    sizes = np.diag(both)
    either = sizes[:, None] + sizes[None, :] - both
    similarity = np.divide(both, either, out=np.zeros_like(both), where=either > 0)
    signs = np.sign([t.difference for t in tests])
    similarity[signs[:, None] != signs[None, :]] = 0.0  # never merge opposite effects
    distance = np.clip(1.0 - similarity, 0.0, 1.0)
    np.fill_diagonal(distance, 0.0)

    from sklearn.cluster import AgglomerativeClustering

    labels = (
        AgglomerativeClustering(
            n_clusters=None,
            metric="precomputed",
            linkage="complete",
            distance_threshold=1.0 - jaccard + 1e-9,
        )
        .fit(distance)
        .labels_
    )
    groups = []
    for label in sorted(set(labels)):
        indices = [i for i in range(count) if labels[i] == label]
        best = min(indices, key=lambda i: _rank(tests[i]))
        merged = sorted(tests[i].feature for i in indices if i != best)
        groups.append(Group(tests[best], merged=merged, column=best))
    return groups


def _related(
    first: np.ndarray, second: np.ndarray, min_phi: float = 0.2, min_containment: float = 0.8
) -> bool:
    """Whether two features go together (or apart) enough for one to stand in for the other:
    correlated (|phi|), or one found almost only with the other (a rare bigram of a tool).

    Unrelated features are never judged against each other: holding one fixed cannot explain
    the other, and a borderline effect would fail the stricter stratified test by chance.
    """
    n = len(first)
    if n == 0:
        return False
    p_first, p_second = first.mean(), second.mean()
    spread = p_first * (1 - p_first) * p_second * (1 - p_second)
    if spread <= 0:
        return False
    both = (first & second).mean()
    phi = (both - p_first * p_second) / np.sqrt(spread)
    containment = both / min(p_first, p_second)
    return bool(abs(phi) >= min_phi or containment >= min_containment)


def _holds(
    feature: np.ndarray,
    given: np.ndarray,
    outcome: np.ndarray,
    strata: np.ndarray,
    difference: float,
    alpha: float,
    min_difference: float,
) -> bool:
    """Whether ``feature`` keeps its effect among comparable runs that agree on ``given``."""
    sums = run_sums(feature, outcome, strata * 2 + given.astype(np.int64))
    return (
        sums.p_value <= alpha
        and np.sign(sums.difference) == np.sign(difference)
        and abs(sums.difference) >= min_difference / 2
    )
