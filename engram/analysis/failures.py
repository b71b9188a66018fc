"""``engram failures``: failure classes and message clusters over the selected runs."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engram.mining.clusters import cluster_name, cluster_templates

if TYPE_CHECKING:
    import pandas as pd

    from engram.store import Store

#: Runs that ended in an error not of the agent's making (not measurements) are the
#: environment's; failed runs that were measured are the agent's.
SIDES = ("agent", "environment")
SILENT = "none"  # the source of the stand-in failure of a run that reported none
EXAMPLES = 5


@dataclass(slots=True)
class FailureClass:
    name: str
    side: str
    runs: int
    share: float  # of the selected runs
    categories: dict[str, int]
    agents: dict[str, int]
    examples: list[str]


@dataclass(slots=True)
class FailureCluster:
    id: str
    side: str
    template: str  # the cluster's name: its main template, varying words as <*>
    kind: str  # the error kind most of its failures have
    runs: int
    share: float
    tasks: int
    categories: dict[str, int]
    agents: dict[str, int]
    classes: dict[str, int]
    tests: dict[str, int]  # failing tests seen in it, most frequent first
    members: list[str]  # the distinct templates it gathered
    trace_ids: list[str]
    run_ids: list[str | None]

    @property
    def examples(self) -> list[str]:
        return self.trace_ids[:EXAMPLES]


@dataclass(slots=True)
class FailureModes:
    selectors: dict[str, str]
    runs: int  # selected runs that something judged (unmeasured ones are apart)
    failed: int  # runs that did not pass: fail, partial or error
    unmeasured: int = 0  # runs nothing judged: counted, never failures
    classes: list[FailureClass] = field(default_factory=list)
    clusters: list[FailureCluster] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "selectors": self.selectors,
            "runs": self.runs,
            "failed": self.failed,
            "unmeasured": self.unmeasured,
            "classes": [_class_dict(c) for c in self.classes],
            "clusters": [_cluster_dict(c) for c in self.clusters],
        }


def failure_modes(store: Store, selectors: dict[str, str] | None = None) -> FailureModes:
    """Classes and clusters of the selected runs' failures, each side apart."""
    selectors = dict(selectors or {})
    every = store.run_frame(selectors)
    runs = every[every["status"] != "unmeasured"]
    failed = runs[~runs["passed"].astype(bool)]
    modes = FailureModes(selectors, runs=len(runs), failed=len(failed),
                         unmeasured=len(every) - len(runs))  # fmt: skip
    modes.classes = _classes(failed, len(runs))
    failures = store.failure_frame(selectors)
    modes.clusters = cluster_failures(_with_silent_runs(failures, failed), len(runs))
    return modes


def _with_silent_runs(failures: pd.DataFrame, failed: pd.DataFrame) -> pd.DataFrame:
    """The failures, plus a row for each failed run that reported none, so that every run
    that did not pass is in exactly one cluster (its class's "no error message" one)."""
    import pandas as pd

    reported = set(failures.loc[failures["position"] == 0, "trace_id"])
    silent = failed[~failed["trace_id"].isin(reported)]
    if silent.empty:
        return failures
    classes = silent["failure_class"].fillna("unknown")
    rows = silent[["trace_id", "run_id", "task_id", "category", "agent", "model", "status"]].assign(
        failure_class=classes,
        position=0,
        source=SILENT,
        test=None,
        kind="unknown",
        message="",
        template="(no error message: " + classes + ")",
    )
    return pd.concat([failures, rows[failures.columns]], ignore_index=True)


def side_of(status: str) -> str:
    return "environment" if status == "error" else "agent"


def cluster_failures(failures: pd.DataFrame, total_runs: int) -> list[FailureCluster]:
    """Cluster each failed run's main failure by its template, the two sides apart."""
    main = failures[(failures["position"] == 0) & (failures["status"] != "pass")]
    clusters: list[FailureCluster] = []
    for side in SIDES:
        rows = main[main["status"].map(side_of) == side]
        if rows.empty:
            continue
        counts = rows["template"].value_counts(sort=False)
        spoken = rows.loc[rows["source"] != SILENT, "template"].value_counts(sort=False)
        templates, weights = list(spoken.index), [int(n) for n in spoken.to_numpy()]
        labels = dict(zip(templates, cluster_templates(templates, weights), strict=True))
        for template in rows.loc[rows["source"] == SILENT, "template"].unique():
            labels[template] = len(labels) + 1_000_000  # never clustered with messages
        tests = _tests_by_run(failures, rows)
        for _, members in rows.groupby(rows["template"].map(labels), sort=False):
            clusters.append(_cluster(side, members, counts, tests, total_runs))
    clusters.sort(key=lambda c: (c.side != "agent", -c.runs, c.template))
    return clusters


def _cluster(
    side: str,
    rows: pd.DataFrame,
    counts: pd.Series,
    tests: dict[str, list[str]],
    total_runs: int,
) -> FailureCluster:
    members = list(dict.fromkeys(rows["template"]))
    weights = [int(counts[m]) for m in members]
    name = cluster_name(members, weights)
    trace_ids = list(rows["trace_id"])
    test_counts = Counter(test for trace_id in trace_ids for test in tests.get(trace_id, ()))
    digest = hashlib.sha256(f"{side}\0{members[weights.index(max(weights))]}".encode())
    return FailureCluster(
        id="c_" + digest.hexdigest()[:10],
        side=side,
        template=name,
        kind=Counter(rows["kind"]).most_common(1)[0][0],
        runs=len(rows),
        share=round(len(rows) / total_runs, 4) if total_runs else 0.0,
        tasks=int(rows["task_id"].nunique()),
        categories=_counts(rows["category"]),
        agents=_counts(rows["agent"]),
        classes=_counts(rows["failure_class"]),
        tests=dict(test_counts.most_common(10)),
        members=members[:20],
        trace_ids=trace_ids,
        run_ids=[None if r is None else str(r) for r in rows["run_id"]],
    )


def _tests_by_run(failures: pd.DataFrame, main: pd.DataFrame) -> dict[str, list[str]]:
    named = failures[failures["trace_id"].isin(main["trace_id"]) & failures["test"].notna()]
    return {str(t): list(group) for t, group in named.groupby("trace_id")["test"]}


def _classes(failed: pd.DataFrame, total_runs: int) -> list[FailureClass]:
    found = []
    keys = [failed["status"].map(side_of), failed["failure_class"].fillna("unknown")]
    for (side, name), rows in failed.groupby(keys):
        found.append(
            FailureClass(
                name=str(name),
                side=str(side),
                runs=len(rows),
                share=round(len(rows) / total_runs, 4) if total_runs else 0.0,
                categories=_counts(rows["category"]),
                agents=_counts(rows["agent"]),
                examples=list(rows["trace_id"][:EXAMPLES]),
            )
        )
    found.sort(key=lambda c: (c.side != "agent", -c.runs, c.name))
    return found


def top_counts(counts: dict[str, int], shown: int = 3) -> str:
    """``refactoring 12, docs 3, +2 more``: the largest counts, for a line of text."""
    items = list(counts.items())
    text = ", ".join(f"{name} {n}" for name, n in items[:shown])
    return text + (f", +{len(items) - shown} more" if len(items) > shown else "")


def _counts(column: pd.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in column.dropna().value_counts().items()}


def _class_dict(found: FailureClass) -> dict[str, Any]:
    return {
        "class": found.name,
        "side": found.side,
        "runs": found.runs,
        "share": found.share,
        "categories": found.categories,
        "agents": found.agents,
        "examples": found.examples,
    }


def _cluster_dict(cluster: FailureCluster) -> dict[str, Any]:
    return {
        "id": cluster.id,
        "side": cluster.side,
        "template": cluster.template,
        "kind": cluster.kind,
        "runs": cluster.runs,
        "share": cluster.share,
        "tasks": cluster.tasks,
        "categories": cluster.categories,
        "agents": cluster.agents,
        "classes": cluster.classes,
        "tests": cluster.tests,
        "members": cluster.members,
        "examples": cluster.examples,
        "trace_ids": cluster.trace_ids,
        "run_ids": cluster.run_ids,
    }
