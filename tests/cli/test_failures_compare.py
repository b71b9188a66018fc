"""``engram failures`` and ``engram compare`` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from engram.datasets.synthetic import BASELINE_AGENT, MCP_AGENT, seed_pilot_records
from tests.cli.conftest import Invoke


def test_failures_lists_the_agents_failures_apart_from_the_environments(
    invoke: Invoke, learned: Path
) -> None:
    text = invoke("failures").stdout
    agent, _, environment = text.partition("not the agent's doing")
    assert "the agent's failures" in agent and "tests_failed" in agent
    assert "ModuleNotFoundError: No module named <STR>" in agent
    assert "[infrastructure] RuntimeError: Docker compose command failed" in environment
    assert "[model_provider] APIError:" in environment  # labelled by what broke, not error kind
    assert "Docker" not in agent


def test_failures_json_and_selectors(invoke: Invoke, learned: Path) -> None:
    everything = json.loads(invoke("failures", "--format", "json").stdout)
    narrowed = json.loads(
        invoke("failures", "--category", "refactoring", "--format", "json").stdout
    )
    same = json.loads(invoke("failures", "category=refactoring", "--format", "json").stdout)
    assert narrowed == same
    assert narrowed["selectors"] == {"category": "refactoring"}
    assert 0 < narrowed["runs"] < everything["runs"]


def test_failures_rejects_an_unknown_selector(invoke: Invoke, learned: Path) -> None:
    result = invoke("failures", "colour=blue")
    assert result.exit_code == 1
    assert "unknown selector key 'colour'" in result.stderr


def test_compare_on_the_seed_pilot(invoke: Invoke, tmp_path: Path) -> None:
    for side, records in seed_pilot_records().items():
        path = tmp_path / f"{side}.json"
        path.write_text(json.dumps(records))
        assert invoke("learn", str(path), "--tag", side).exit_code == 0
    text = invoke("compare", "--baseline", f"agent={BASELINE_AGENT}",
                  "--treatment", f"agent={MCP_AGENT}").stdout  # fmt: skip
    assert "8/9 → 9/9 on the same 9 tasks: +11 points, not significant" in text
    assert "sgt-002" in text and "fail → pass" in text
    options = ["--treatment", "tag=mcp", "--by", "category", "--format", "json"]
    data = json.loads(invoke("compare", "--baseline", "tag=baseline", *options).stdout)
    assert data["excluded"][0]["reason"] == "infrastructure"
    assert data["paired"]["p_value"] == 1.0 and data["significant"] is False
    assert set(data["by"]) == {"cross_module_bug_fix"}


def test_compare_needs_two_different_selections(invoke: Invoke, learned: Path) -> None:
    result = invoke("compare", "--baseline", "tag=x", "--treatment", "tag=x")
    assert result.exit_code == 1 and "same runs" in result.stderr


def renamed_runs(tmp_path: Path, tasks: int = 30) -> tuple[Path, Path]:
    """The same tasks, named ``ccx-agentic-N`` on one side, ``mcp_ccx-agentic-N_<hash>`` on
    the other (as a real baseline-vs-MCP export names them)."""
    sides = []
    for side, agent in (("base", "ClaudeCode"), ("mcp", "ClaudeCodeMCP")):
        records = []
        for n in range(tasks):
            task = f"ccx-agentic-{n}" if side == "base" else f"mcp_ccx-agentic-{n}_{n * 7919:08x}"
            records.append({"task_id": task, "task_instruction": f"Fix {n}.\nCategory: docs",
                            "status": "pass" if (n + (side == "mcp")) % 3 else "fail",
                            "agent_config": {"agent": {"name": agent}}})  # fmt: skip
        path = tmp_path / f"{side}.json"
        path.write_text(json.dumps(records))
        sides.append(path)
    return sides[0], sides[1]


def test_compare_pairs_renamed_tasks_by_a_task_key_and_suggests_one(
    invoke: Invoke, tmp_path: Path
) -> None:
    base, mcp = renamed_runs(tmp_path)
    assert invoke("learn", str(base), str(mcp), "-q").exit_code == 0
    sides = ["--baseline", "agent=ClaudeCode", "--treatment", "agent=ClaudeCodeMCP"]
    unkeyed = json.loads(invoke("compare", *sides, "--format", "json").stdout)
    suggestion = r"^(?:mcp_)?(.+?)(?:_[0-9a-f]{8})?$"
    assert unkeyed["paired"]["tasks"] == 0
    assert unkeyed["task_key"]["suggested_task_key"] == suggestion
    assert f"try --task-key '{suggestion}'" in unkeyed["verdict"]
    keyed = json.loads(invoke("compare", *sides, "--task-key", suggestion, "--format", "json").stdout)
    assert keyed["paired"]["tasks"] == 30 and "suggested_task_key" not in keyed["task_key"]
    assert keyed["task_key"]["pattern"] == suggestion and keyed["task_key"]["unmatched_runs"] == 0
    text = invoke("compare", *sides, "--task-key", suggestion).stdout
    assert text.startswith(f"tasks keyed by --task-key {suggestion}")
    assert "on the same 30 tasks" in text


def test_a_bad_task_key_is_bad_usage(invoke: Invoke, learned: Path) -> None:
    result = invoke("compare", "--baseline", "tag=a", "--treatment", "tag=b", "--task-key", "x")
    assert result.exit_code == 2 and "no group" in result.stderr


def test_failures_shows_the_failing_tests_of_terminal_bench_runs(
    invoke: Invoke, tmp_path: Path
) -> None:
    from tests.loaders.builders import terminal_bench_run

    terminal_bench_run(tmp_path, "r1", "terminus", "anthropic/claude-sonnet-4",
                       {"fix-git": False, "hello-world": True, "oom": False})  # fmt: skip
    assert invoke("learn", str(tmp_path)).exit_code == 0
    data = json.loads(invoke("failures", "--format", "json").stdout)
    tests = {test for cluster in data["clusters"] for test in cluster["tests"]}
    assert tests == {"test_fix-git", "test_oom"}
    assert "test_fix-git failed" in invoke("failures").stdout


def test_compare_pairs_the_shared_tasks_of_two_terminal_bench_agents(
    invoke: Invoke, tmp_path: Path
) -> None:
    from tests.loaders.builders import terminal_bench_run

    shared = {f"task-{n}": n % 3 != 0 for n in range(9)}  # 9 tasks both agents ran
    terminal_bench_run(tmp_path / "runs", "2026-02-01__10-00-00", "terminus", "openai/gpt-5",
                       {**shared, "only-terminus": True})  # fmt: skip
    treatment = {task: True for task in shared}
    treatment["task-4"] = None  # never graded: not a measurement, not paired
    terminal_bench_run(tmp_path / "runs", "2026-02-02__10-00-00", "claude-code",
                       "anthropic/claude-opus-4", {**treatment, "only-claude": False},
                       failure_modes={"task-4": "test_timeout"})  # fmt: skip
    learned = json.loads(invoke("learn", str(tmp_path / "runs"), "--json").stdout)
    assert learned["formats"]["terminal_bench"] == {"files": 2, "traces": 20, "empty": 0,
                                                    "companions": 0}  # fmt: skip
    data = json.loads(invoke("compare", "--baseline", "agent=terminus", "--treatment",
                             "agent=claude-code", "--format", "json").stdout)  # fmt: skip
    assert data["paired"]["tasks"] == 8
    assert (data["paired"]["both_pass"], data["paired"]["only_treatment"]) == (5, 3)
    assert (data["baseline"]["runs"], data["treatment"]["runs"]) == (10, 10)
    assert [(e["task_id"], e["side"], e["reason"]) for e in data["excluded"]] == [
        ("task-4", "treatment", "verifier")]  # fmt: skip
