"""One signal, one rule: merge features that occur together, absorb those the chosen explain.

Within one scope, over the features that passed the significance filter:

1. features whose runs almost coincide (Jaccard similarity over runs at or above a threshold)
   are clustered with scikit-learn's agglomerative clustering and make one group;
2. conditional selection: groups are taken strongest first, and each is tested given every
   group already chosen (``engram.mining.conditional``: a linear probability model with one
   intercept per stratum of comparable runs, so the adjustment never crosses agents or tasks).
   One that keeps its effect is chosen; one whose effect vanishes is absorbed into the chosen
   group(s) that explain it, with the reason ("explained by cmd:pytest"), and is never a rule
   of its own; when each explains the other away they are one signal and merge. Then every
   chosen group is tested again given all the others, weakest first, so that an early shadow
   of a later cause is absorbed too.

The significance a group must keep is the one the discoveries themselves met (the
Benjamini–Hochberg cut-off over every test of the learn), so every candidate considered counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engram.mining.conditional import Within
from engram.mining.linkage import agglomerate
from engram.mining.templates import priority


@dataclass(slots=True)
class Group:
    """Features that make one rule; ``test`` is the representative's 2×2 table."""

    test: Any  # engram.mining.miner.Test
    merged: list[str] = field(default_factory=list)
    column: int = 0
    absorbed: list[tuple[str, str]] = field(default_factory=list)  # feature, why


@dataclass(slots=True)
class Dropped:
    feature: str
    reason: str


def reduce_scope(
    tests: Sequence[Any],
    passed: Sequence[bool] | np.ndarray,
    members: Sequence[np.ndarray],
    *,
    strata: np.ndarray | None = None,
    jaccard: float,
    alpha: float,
    min_difference: float,
) -> tuple[list[Group], list[Dropped]]:
    """Groups that stand as rules, and what was dropped and why (nothing is: a feature the
    chosen explain is absorbed into the group that explains it).

    ``members[i]`` is a boolean array over the scope's valid runs: which have ``tests[i]``'s
    feature; ``passed`` and ``strata`` (each run's group of comparable runs) are aligned with it.
    """
    if not tests:
        return [], []
    matrix = np.column_stack(members) if members else np.zeros((len(passed), 0), dtype=bool)
    base = np.zeros(len(passed), dtype=np.int64) if strata is None else np.asarray(strata)
    within = Within(np.asarray(passed, dtype=bool), base)
    judge = _Judge(within, matrix, alpha, min_difference)
    groups = _cluster(tests, matrix, jaccard)
    groups.sort(key=lambda g: (-g.test.score, g.test.feature))
    chosen: list[Group] = []
    for group in groups:
        if judge.holds(group, chosen):
            chosen.append(group)
        else:
            _absorb(group, judge.explainers(group, chosen), judge)
    while True:  # backward: a chosen group that the others explain, weakest first
        for group in sorted(chosen, key=lambda g: (g.test.score, g.test.feature)):
            others = [g for g in chosen if g is not group]
            if others and not judge.holds(group, others):
                chosen.remove(group)
                _absorb(group, judge.explainers(group, others), judge)
                break
        else:
            break
    chosen.sort(key=lambda g: (-g.test.score, g.test.feature))
    return chosen, []


class _Judge:
    """Whether a group keeps its effect given others, within the strata of comparable runs."""

    def __init__(self, within: Within, matrix: np.ndarray, alpha: float, minimum: float) -> None:
        self.within, self.matrix, self.alpha, self.minimum = within, matrix, alpha, minimum

    def effect(self, group: Group, given: Sequence[Group]) -> tuple[float, float]:
        """The group's adjusted difference and its p-value given ``given``."""
        columns = [self.within.column(g.column, self.matrix[:, g.column]) for g in (group, *given)]
        fit = self.within.fit(columns)
        return fit.difference, fit.p_value

    def holds(self, group: Group, given: Sequence[Group]) -> bool:
        if not given:
            return True
        difference, p_value = self.effect(group, given)
        return (
            p_value <= self.alpha
            and np.sign(difference) == np.sign(group.test.difference)
            and abs(difference) >= self.minimum / 2
        )

    def explainers(self, group: Group, chosen: Sequence[Group]) -> list[Group]:
        """The fewest chosen groups, most explaining first, given which the group's effect
        vanishes (all of them at most)."""
        alone = {id(c): self.effect(group, [c]) for c in chosen}
        ranked = sorted(chosen, key=lambda c: (-alone[id(c)][1], abs(alone[id(c)][0])))
        for size in range(1, len(ranked) + 1):
            if not self.holds(group, ranked[:size]):
                return ranked[:size]
        return ranked


def _absorb(group: Group, explainers: list[Group], judge: _Judge) -> None:
    """Fold ``group`` into the first of its explainers, saying why; when each explains the
    other away they are one signal, shown by the clearer feature."""
    target = explainers[0]
    if len(explainers) == 1 and not judge.holds(target, [group]):
        _merge(target, group)
        return
    names = [e.test.feature for e in explainers]
    why = names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]} together"
    target.absorbed.extend(
        [(group.test.feature, f"explained by {why}"),
         *((feature, f"explained by {why}") for feature in group.merged)]
    )  # fmt: skip
    target.absorbed.extend(group.absorbed)
    features = [*target.merged, group.test.feature, *group.merged]
    target.merged = sorted(f for f in dict.fromkeys(features) if f != target.test.feature)


def _merge(into: Group, other: Group) -> None:
    """Fold ``other`` into ``into``; the representative is the behaviour that says most."""
    features = [into.test.feature, *into.merged, other.test.feature, *other.merged]
    if _rank(other.test) < _rank(into.test):
        into.test, into.column = other.test, other.column
    into.merged = sorted(f for f in dict.fromkeys(features) if f != into.test.feature)
    into.absorbed.extend(other.absorbed)


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

    labels = agglomerate(distance, 1.0 - jaccard + 1e-9, "complete")
    groups = []
    for label in range(max(labels) + 1):
        indices = [i for i in range(count) if labels[i] == label]
        best = min(indices, key=lambda i: _rank(tests[i]))
        merged = sorted(tests[i].feature for i in indices if i != best)
        groups.append(Group(tests[best], merged=merged, column=best))
    return groups
