"""SWE-agent and mini-swe-agent trajectories: normal, failed, a newer format."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.loaders.reading import PATCH, features, read


def swe_traj(exit_status: str = "submitted", **info: Any) -> dict[str, Any]:
    return {
        "environment": "swe_main",
        "trajectory": [
            {"action": 'find_file "cache.py"\n', "observation": "Found 1 matches", "thought": "."},
            {"action": "python -m pytest -q tests/\n", "observation": "1 failed\nexit code 1"},
            {"action": "str_replace_editor str_replace /repo/src/a.py --old_str x --new_str y",
             "observation": "The file /repo/src/a.py has been edited."},
            {"action": "cat missing.txt", "observation": "cat: missing.txt: No such file or directory"},
            {"action": "submit", "observation": PATCH},
        ],
        "history": [
            {"role": "system", "content": "SETTING: you are an autonomous programmer"},
            {"role": "user", "content": "demo", "is_demo": True},
            {"role": "user", "content": [{"type": "text", "text": "Category: bug_fix\nFix the cache"}]},
        ],
        "replay_config": json.dumps({"agent": {"model": {"name": "openai/gpt-4o"}}}),
        "info": {"exit_status": exit_status, "submission": PATCH,
                 "model_stats": {"instance_cost": 0.5, "tokens_sent": 5000, "tokens_received": 300,
                                 "api_calls": 5}, **info},
    }  # fmt: skip


def test_a_swe_agent_trajectory_gives_steps_changes_and_cost(tmp_path: Path) -> None:
    path = tmp_path / "repo__issue-12.traj"
    path.write_text(json.dumps(swe_traj(resolved=True), indent=2))
    (trace,), problems = read(path)
    assert problems == []
    assert [s.tool for s in trace.steps] == [
        "find_file", "bash", "str_replace_editor", "bash", "submit"]  # fmt: skip
    assert [s.is_error for s in trace.steps] == [False, True, False, True, False]
    assert (trace.task.id, trace.task.category, trace.agent.model) == (
        "repo__issue-12", "bug_fix", "gpt-4o")  # fmt: skip
    assert trace.changes.files == ("src/a.py",) and trace.metrics.cost_usd == 0.5
    assert trace.outcome.status == "pass"
    assert {"cmd:pytest", "tool:str_replace_editor", "cmd:cat"} <= features(trace)


@pytest.mark.parametrize(
    ("exit_status", "status", "failure"),
    [("submitted", "unmeasured", None), ("exit_cost", "fail", "budget"),
     ("submitted (exit_context)", "fail", "budget"), ("exit_api", "error", "model_provider"),
     ("exit_environment_error", "error", "infrastructure")],
)  # fmt: skip
def test_a_swe_agent_exit_status_without_a_verdict(
    tmp_path: Path, exit_status: str, status: str, failure: str
) -> None:
    path = tmp_path / "x.traj"
    path.write_text(json.dumps(swe_traj(exit_status)))
    (trace,), _ = read(path)
    assert (trace.outcome.status, trace.outcome.failure_class) == (status, failure)


def mini_traj(trajectory_format: str = "mini-swe-agent-1.1") -> dict[str, Any]:
    call = {"id": "call_1", "type": "function",
            "function": {"name": "bash", "arguments": json.dumps({"command": "pytest -q"})}}  # fmt: skip
    return {
        "trajectory_format": trajectory_format,
        "instance_id": "acme__cache-3",
        "messages": [
            {"role": "system", "content": "You are a helpful assistant"},
            {"role": "user", "content": "<pr_description>Fix the cache</pr_description>"},
            {"role": "assistant", "content": "Run tests", "tool_calls": [call],
             "extra": {"response": {"usage": {"prompt_tokens": 100, "completion_tokens": 7}}}},
            {"role": "tool", "tool_call_id": "call_1", "content": "<returncode>1</returncode>",
             "extra": {"returncode": 1}},
            {"role": "assistant", "content": "Look\n```bash\nls -la\n```"},
            {"role": "user", "content": "<returncode>0</returncode>\n<output>a.py</output>"},
        ],
        "info": {"exit_status": "LimitsExceeded", "submission": "",
                 "model_stats": {"instance_cost": 0.1, "api_calls": 2},
                 "config": {"model": {"model_name": "deepseek/deepseek-chat"}}},
    }  # fmt: skip


def test_a_mini_swe_agent_trajectory_reads_tool_calls_and_bash_blocks(tmp_path: Path) -> None:
    path = tmp_path / "acme__cache-3.traj.json"
    path.write_text(json.dumps(mini_traj()))
    (trace,), problems = read(path)
    assert problems == []
    assert [(s.tool, s.input, s.is_error) for s in trace.steps] == [
        ("bash", "pytest -q", True), ("bash", "ls -la", False)]  # fmt: skip
    assert (trace.outcome.status, trace.outcome.failure_class) == ("fail", "budget")
    assert (trace.metrics.input_tokens, trace.agent.model) == (100, "deepseek-chat")
    assert trace.changes.known and trace.changes.files == ()


def test_a_newer_trajectory_format_is_read_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "x.traj.json"
    path.write_text(json.dumps(mini_traj("mini-swe-agent-9")))
    (trace,), (warning,) = read(path)
    assert warning.warning and "newer" in warning.message and len(trace.steps) == 2
