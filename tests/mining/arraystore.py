"""The reads the miner makes of a Store, answered from runs held in memory, so that mining can
be tested on 100,000 runs in seconds (the Store's own reads are tested against the database)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable

import numpy as np

from engram.parse.tasks import TaskKey
from engram.store.frames import MainFailure
from engram.store.store import MICROS, TOTAL, CountRow, scopes_of
from engram.store.strata import SelectionRuns, StratumRows, stratum_of
from engram.trace import Trace


class ArrayStore:
    def __init__(self, runs: Iterable[tuple[Trace, frozenset[str]]]) -> None:
        key = TaskKey()
        self.runs = [(trace, features) for trace, features in runs if trace.outcome.valid]
        self.strata: dict[tuple[str, str, str, str, str], int] = {}
        self.stratum = [self.strata.setdefault(stratum_of(t, key), len(self.strata) + 1)
                        for t, _ in self.runs]  # fmt: skip

    def feature_counts(self, scope_kinds: Collection[str]) -> list[CountRow]:
        runs: Counter[tuple[str, str, str]] = Counter()
        passed: Counter[tuple[str, str, str]] = Counter()
        for trace, features in self.runs:
            for kind, value in scopes_of(trace):
                if kind not in scope_kinds:
                    continue
                keys = [(kind, value, f) for f in (TOTAL, *features)]
                runs.update(keys)
                if trace.outcome.passed:
                    passed.update(keys)
        return [CountRow(k, v, f, n, passed[(k, v, f)], passed[(k, v, f)] * MICROS)
                for (k, v, f), n in runs.items()]  # fmt: skip

    def stratum_rows(self) -> StratumRows:
        ids = sorted(self.strata.values())
        keys = {i: k for k, i in self.strata.items()}
        totals: Counter[int] = Counter(self.stratum)
        passes: Counter[int] = Counter(s for s, (t, _) in zip(self.stratum, self.runs, strict=True)
                                       if t.outcome.passed)  # fmt: skip
        cells: Counter[tuple[int, str]] = Counter()
        cell_passes: Counter[tuple[int, str]] = Counter()
        for s, (trace, features) in zip(self.stratum, self.runs, strict=True):
            cells.update((s, f) for f in features)
            if trace.outcome.passed:
                cell_passes.update((s, f) for f in features)
        position = {s: i for i, s in enumerate(ids)}
        rows = sorted(cells)
        return StratumRows(
            ids=np.array(ids), agents=[keys[i][0] for i in ids], models=[keys[i][1] for i in ids],
            task_keys=[keys[i][2] for i in ids], categories=[keys[i][3] for i in ids],
            difficulties=[keys[i][4] for i in ids],
            runs=np.array([totals[i] for i in ids]), passed=np.array([passes[i] for i in ids]),
            count_stratum=np.array([position[s] for s, _ in rows], dtype=np.int64),
            count_feature=[f for _, f in rows],
            count_runs=np.array([cells[r] for r in rows]),
            count_passed=np.array([cell_passes[r] for r in rows]),
        )  # fmt: skip

    def selection_runs(self, scope_kinds: Collection[str], features: Collection[str]) -> SelectionRuns:
        kinds = [kind for kind in scope_kinds if kind != "all"]
        scopes = [dict(scopes_of(trace)) for trace, _ in self.runs]
        return SelectionRuns(
            ids=np.arange(len(self.runs), dtype=np.int64),
            passed=np.array([trace.outcome.passed for trace, _ in self.runs], dtype=bool),
            strata=np.array(self.stratum, dtype=np.int64),
            values={kind: np.array([s.get(kind) for s in scopes], dtype=object) for kind in kinds},
            members={
                f: np.array([f in found for _, found in self.runs], dtype=bool) for f in features
            },
        )

    def main_failures(self, statuses: Collection[str]) -> list[MainFailure]:
        return []
