"""``engram compare`` on the seed's own pilot, and its statistics on known tables."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import engram
from engram.analysis.compare import compare
from engram.datasets.synthetic import BASELINE_AGENT, MCP_AGENT, seed_pilot_records
from engram.store import open_store

BASE = {"agent": BASELINE_AGENT}
MCP = {"agent": MCP_AGENT}


@pytest.fixture
def pilot(tmp_path: Path) -> None:
    for side, records in seed_pilot_records().items():
        path = tmp_path / f"{side}.json"
        path.write_text(json.dumps({"job_dir": f"jobs/{side}", "traces": records}))
        engram.learn([path], tags=[side])


def test_the_seed_pilot_is_not_significant_and_the_tls_error_is_infrastructure(pilot: None) -> None:
    with open_store() as store:
        result = compare(store, BASE, MCP).as_dict()
    assert result["excluded"] == [
        {"task_id": "sgt-005", "side": "baseline", "trace_id": result["excluded"][0]["trace_id"],
         "reason": "infrastructure", "task_left_out": True}
    ]  # fmt: skip
    assert result["baseline"] | {"ci": None, "errors": None} == {
        "selector": f"agent={BASELINE_AGENT}", "runs": 10, "valid": 9, "passed": 8,
        "pass_rate": 0.8889, "ci": None, "mean_reward": 0.8889, "errors": None, "tasks": 10,
        "unmeasured": 0,
    }  # fmt: skip
    assert result["baseline"]["errors"] == {"infrastructure": 1}
    assert result["treatment"]["passed"] == result["treatment"]["valid"] == 10
    paired = result["paired"]
    assert (paired["tasks"], paired["both_pass"], paired["only_treatment"]) == (9, 8, 1)
    assert (paired["only_baseline"], paired["both_fail"]) == (0, 0)
    assert paired["test"] == "mcnemar_exact" and paired["p_value"] == 1.0
    assert result["significant"] is False
    verdict = result["verdict"]
    assert verdict.startswith("8/9 → 9/9 on the same 9 tasks: +11 points, not significant")
    assert "exact McNemar p = 1" in verdict and "sgt-005 (baseline: infrastructure)" in verdict
    assert "paired tasks would be needed to detect an 11-point gain with 80% power" in verdict
    outcomes = {row["task_id"]: row["outcome"] for row in result["tasks"]}
    assert outcomes["sgt-002"] == "fail → pass"
    assert outcomes["sgt-005"] == "error on baseline: left out"
    assert outcomes["sgt-001"] == "pass → pass"


def test_selectors_by_tag_pick_the_same_runs(pilot: None) -> None:
    with open_store() as store:
        by_agent = compare(store, BASE, MCP).as_dict()
        by_tag = compare(store, {"tag": "baseline"}, {"tag": "mcp"}).as_dict()
    assert by_tag["paired"] == by_agent["paired"]
    assert by_tag["baseline"]["selector"] == "tag=baseline"


def test_by_category_repeats_the_comparison(pilot: None) -> None:
    with open_store() as store:
        result = compare(store, BASE, MCP, by="category").as_dict()
    assert list(result["by"]) == ["cross_module_bug_fix"]
    assert result["by"]["cross_module_bug_fix"]["paired"] == result["paired"]


def test_every_paired_task_is_counted_in_exactly_one_column(tmp_path: Path) -> None:
    """Repeated runs: per-task rates that are equal but partial are 'tied', not lost."""
    outcomes = {  # task: (baseline statuses, treatment statuses)
        "same-half": (["pass", "fail"], ["fail", "pass"]),
        "better": (["fail", "fail"], ["pass", "fail"]),
        "worse": (["pass", "pass"], ["pass", "fail"]),
        "both-pass": (["pass", "pass"], ["pass", "pass"]),
        "both-fail": (["fail", "fail"], ["fail", "fail"]),
    }
    records = [
        {"task_id": task, "task_instruction": f"Fix {task}. Category: docs", "status": status,
         "agent_config": {"agent": agent}, "metrics": {"turns": n}}
        for task, sides in outcomes.items()
        for agent, statuses in zip(("A", "B"), sides, strict=True)
        for n, status in enumerate(statuses)
    ]  # fmt: skip
    path = tmp_path / "runs.json"
    path.write_text(json.dumps(records))
    engram.learn([path])
    with open_store() as store:
        paired = compare(store, {"agent": "A"}, {"agent": "B"}).as_dict()["paired"]
    columns = ("both_pass", "only_treatment", "only_baseline", "both_fail", "tied")
    assert {c: paired[c] for c in columns} == {"both_pass": 1, "only_treatment": 1,
                                               "only_baseline": 1, "both_fail": 1, "tied": 1}  # fmt: skip
    assert sum(paired[c] for c in columns) == paired["tasks"] == 5
