"""Which runs are compared with which: the store's strata pooled into groups of comparable
runs, and every feature's stratified sums over the groups of each scope.

A group is one agent configuration (agent and model) on one task, in its category, where the
configuration ran that task more than once; its single runs of other tasks are pooled into one
group per configuration, category and difficulty (where tasks name one), so a sweep of one run
per task is compared within its configuration only. Nothing is ever compared across
configurations, categories or difficulties.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from engram.mining.stratified import Sums, sum_columns, sums_at

if TYPE_CHECKING:
    from engram.store.strata import StratumRows

POOLED = "*"  # the task key of a group that pools a configuration's single runs
_SCOPE_COLUMNS = {"category": "categories", "agent": "agents", "model": "models"}


@dataclass(slots=True)
class Comparable:
    """Groups of comparable runs and the stratified sums of every feature in every scope."""

    group_of_stratum: dict[int, int]  # stratum id: group
    agents: list[str]  # per group
    models: list[str]
    categories: list[str]
    task_level: np.ndarray  # per group: whether it holds one task (not a pool of single runs)
    features: list[str]
    feature_index: dict[str, int]
    row_group: np.ndarray  # per (group, feature) row
    row_feature: np.ndarray
    row_runs: np.ndarray  # valid runs with the feature in the group
    row_passed: np.ndarray  # ... and of them, those that passed
    group_runs: np.ndarray
    group_passed: np.ndarray
    _scopes: dict[str, tuple[dict[str, int], dict[str, np.ndarray]]] = field(default_factory=dict)

    def sums(self, scope_kind: str, scope_value: str, feature: str) -> Sums:
        """The feature's stratified sums over the groups of a scope (empty when unknown)."""
        column = self.feature_index.get(feature)
        values, arrays = self._scope(scope_kind)
        row = values.get(scope_value if scope_kind != "all" else "")
        if column is None or row is None:
            return Sums()
        return sums_at(arrays, (row, column))

    def scope_values(self, scope_kind: str) -> list[str]:
        return list(self._scope(scope_kind)[0])

    def informed_by(self, scope_kind: str, scope_value: str, feature: str) -> tuple[list[str], bool]:
        """The agents whose groups in the scope compare runs with and without the feature,
        and whether any of those groups holds one task."""
        column = self.feature_index.get(feature)
        if column is None:
            return [], False
        rows = self.row_feature == column
        groups = self.row_group[rows]
        with_feature = self.row_runs[rows]
        informative = (with_feature > 0) & (with_feature < self.group_runs[groups])
        groups = groups[informative]
        if scope_kind != "all":
            labels = getattr(self, _SCOPE_COLUMNS[scope_kind])
            groups = np.array([g for g in groups if labels[g] == scope_value], dtype=np.int64)
        if groups.size == 0:
            return [], False
        agents = sorted({self.agents[g] for g in groups if self.agents[g]})
        return agents, bool(self.task_level[groups].any())

    def tables(
        self, scope_kind: str, scope_value: str, feature: str
    ) -> list[tuple[int, int, int, int]]:
        """The feature's 2×2 table in each group of the scope: (pass with, with, pass
        without, without)."""
        column = self.feature_index.get(feature)
        if column is None:
            return []
        rows = np.flatnonzero(self.row_feature == column)
        if scope_kind != "all":
            labels = getattr(self, _SCOPE_COLUMNS[scope_kind])
            rows = np.array([r for r in rows if labels[self.row_group[r]] == scope_value],
                            dtype=np.int64)  # fmt: skip
        found = []
        for r in rows:
            g = self.row_group[r]
            n_with, pass_with = int(self.row_runs[r]), int(self.row_passed[r])
            n_without = int(self.group_runs[g]) - n_with
            found.append((pass_with, n_with, int(self.group_passed[g]) - pass_with, n_without))
        return found

    def run_groups(self, stratum_ids: np.ndarray) -> np.ndarray:
        """Each run's group, from its stratum id (-1 for a stratum not known)."""
        return np.array([self.group_of_stratum.get(int(s), -1) for s in stratum_ids],
                        dtype=np.int64)  # fmt: skip

    def _scope(self, scope_kind: str) -> tuple[dict[str, int], dict[str, np.ndarray]]:
        if scope_kind not in self._scopes:
            self._scopes[scope_kind] = self._compute(scope_kind)
        return self._scopes[scope_kind]

    def _compute(self, scope_kind: str) -> tuple[dict[str, int], dict[str, np.ndarray]]:
        if scope_kind == "all":
            values = {"": 0}
            of_group = np.zeros(len(self.agents), dtype=np.int64)
        else:
            labels = getattr(self, _SCOPE_COLUMNS[scope_kind])
            values = {v: i for i, v in enumerate(sorted({label for label in labels if label}))}
            of_group = np.array([values.get(label, -1) for label in labels], dtype=np.int64)
        scope = of_group[self.row_group]
        keep = scope >= 0
        width = len(self.features)
        columns = sum_columns(
            scope[keep] * width + self.row_feature[keep],
            self.row_passed[keep],
            self.row_runs[keep],
            self.group_passed[self.row_group[keep]],
            self.group_runs[self.row_group[keep]],
            len(values) * width,
        )
        return values, {name: v.reshape(len(values), width) for name, v in columns.items()}


def comparable(rows: StratumRows) -> Comparable:
    """Pool the store's strata into groups of comparable runs and sum their counts."""
    keys: dict[tuple[str, str, str, str, str], int] = {}
    group_of_stratum: dict[int, int] = {}
    stratum_group = np.zeros(len(rows.ids), dtype=np.int64)
    for i, stratum_id in enumerate(rows.ids):
        task = rows.task_keys[i] if rows.task_keys[i] and rows.runs[i] >= 2 else POOLED
        key = (rows.agents[i], rows.models[i], task, rows.categories[i], rows.difficulties[i])
        group = keys.setdefault(key, len(keys))
        stratum_group[i] = group
        group_of_stratum[int(stratum_id)] = group
    size = len(keys)
    ordered = sorted(keys, key=keys.__getitem__)
    features = sorted(set(rows.count_feature))
    feature_index = {f: i for i, f in enumerate(features)}
    width = max(len(features), 1)
    cell = stratum_group[rows.count_stratum] * width + np.array(
        [feature_index[f] for f in rows.count_feature], dtype=np.int64
    )
    cells, inverse = np.unique(cell, return_inverse=True)
    result = Comparable(
        group_of_stratum=group_of_stratum,
        agents=[k[0] for k in ordered],
        models=[k[1] for k in ordered],
        categories=[k[3] for k in ordered],
        task_level=np.array([k[2] != POOLED for k in ordered], dtype=bool),
        features=features,
        feature_index=feature_index,
        row_group=cells // width,
        row_feature=cells % width,
        row_runs=np.bincount(inverse, weights=rows.count_runs, minlength=len(cells)),
        row_passed=np.bincount(inverse, weights=rows.count_passed, minlength=len(cells)),
        group_runs=np.bincount(stratum_group, weights=rows.runs, minlength=size),
        group_passed=np.bincount(stratum_group, weights=rows.passed, minlength=size),
    )
    return result
