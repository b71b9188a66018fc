"""``failure_modes`` recovers planted failure clusters and keeps the two sides apart."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from sklearn.metrics import adjusted_rand_score

import engram
from engram.analysis.failures import failure_modes
from engram.datasets.failures import FAILURE_MODES
from engram.datasets.synthetic import default_scenario, iter_records, write_corpus
from engram.store import open_store

SCENARIO = replace(default_scenario(runs=900, seed=21), infra_rate=0.06, provider_rate=0.03)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("failures") / "traces.json"
    write_corpus(SCENARIO, path)
    return path


def truth() -> dict[str, str]:
    return {r["task_id"]: r["failure_mode"] for r in iter_records(SCENARIO) if "failure_mode" in r}


def test_planted_clusters_are_recovered(corpus: Path) -> None:
    engram.learn([corpus])
    with open_store() as store:
        modes = failure_modes(store)
    planted = truth()
    found = {run: c.id for c in modes.clusters for run in c.run_ids if run is not None}
    runs = sorted(planted)
    assert set(found) == set(runs)  # every failed run with a message is in one cluster
    for side in ("agent", "environment"):
        on_side = [r for r in runs if (planted[r] in FAILURE_MODES) == (side == "agent")]
        score = adjusted_rand_score([planted[r] for r in on_side], [found[r] for r in on_side])
        assert score >= 0.9, side
    agent_clusters = [c for c in modes.clusters if c.side == "agent"]
    assert len(agent_clusters) == len(FAILURE_MODES)


def test_no_cluster_mixes_the_agent_with_the_environment(corpus: Path) -> None:
    engram.learn([corpus])
    with open_store() as store:
        modes = failure_modes(store)
    planted = truth()
    for cluster in modes.clusters:
        kinds = {planted[run] in FAILURE_MODES for run in cluster.run_ids if run}
        assert kinds == {cluster.side == "agent"}
    infra = [c for c in modes.clusters if "Docker compose" in c.template]
    assert len(infra) == 1 and infra[0].side == "environment"
    assert infra[0].classes == {"infrastructure": infra[0].runs}


def test_classes_count_every_run_that_did_not_pass(corpus: Path) -> None:
    engram.learn([corpus])
    with open_store() as store:
        modes = failure_modes(store)
        runs = store.run_frame()
    assert modes.runs == len(runs)
    assert sum(c.runs for c in modes.classes) == modes.failed == int((~runs["passed"]).sum())
    sides = {c.name: c.side for c in modes.classes}
    assert sides["infrastructure"] == sides["model_provider"] == "environment"
    assert sides["tests_failed"] == "agent"


def test_selectors_narrow_the_runs(corpus: Path) -> None:
    engram.learn([corpus])
    with open_store() as store:
        everything = failure_modes(store)
        one = failure_modes(store, {"category": "refactoring"})
    assert 0 < one.runs < everything.runs
    assert all(set(c.categories) == {"refactoring"} for c in one.clusters)


def test_json_lists_every_run_of_a_cluster(corpus: Path) -> None:
    engram.learn([corpus])
    with open_store() as store:
        data = failure_modes(store).as_dict()
    json.dumps(data)
    for cluster in data["clusters"]:
        assert len(cluster["trace_ids"]) == cluster["runs"] == len(cluster["run_ids"])
        assert cluster["examples"] == cluster["trace_ids"][:5]


def test_a_failed_run_that_reported_nothing_has_a_cluster_of_its_class(tmp_path: Path) -> None:
    runs = [
        {"task_id": f"quiet-{n}", "task_instruction": "Category: docs", "status": "fail",
         "test_reward": 0.0, "code_changes": "diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1 +1 @@\n-x\n+y\n"}
        for n in range(3)
    ] + [{"task_id": "loud", "task_instruction": "Category: docs", "status": "fail",
          "test_reward": 0.0, "test_output": "FAILED tests/test_a.py::test_x - AssertionError: no"}]  # fmt: skip
    path = tmp_path / "runs.json"
    path.write_text(json.dumps(runs))
    engram.learn([path])
    with open_store() as store:
        modes = failure_modes(store)
    names = {c.template: sorted(r for r in c.run_ids if r) for c in modes.clusters}
    assert names == {
        "(no error message: tests_failed)": ["quiet-0", "quiet-1", "quiet-2"],
        "AssertionError: no": ["loud"],
    }
