"""OpenHands event streams, evaluation rows and resolver output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.loaders.builders import write_lines
from tests.loaders.reading import PATCH, read


def openhands_events(error: bool = False) -> list[dict[str, Any]]:
    meta = {"function_name": "execute_bash", "tool_call_id": "t1",
            "model_response": {"model": "claude-3-5-sonnet-20241022"}}  # fmt: skip
    events = [
        {"id": 0, "source": "user", "action": "message", "message": "Fix the cache",
         "args": {"content": "Category: bug_fix\nFix the cache"}},
        {"id": 1, "source": "agent", "action": "run", "args": {"command": "pytest -q"},
         "tool_call_metadata": meta},
        {"id": 2, "source": "agent", "observation": "run", "cause": 1, "content": "1 failed",
         "extras": {"command": "pytest -q", "metadata": {"exit_code": 1}}},
        {"id": 3, "source": "agent", "action": "edit",
         "args": {"path": "/workspace/a.py", "command": "str_replace", "old_str": "x", "new_str": "y"}},
        {"id": 4, "source": "agent", "observation": "error", "cause": 3, "content": "No match",
         "extras": {}},
        {"id": 5, "source": "agent", "action": "finish", "args": {"outputs": {}}},
    ]  # fmt: skip
    if error:
        events.append({"id": 6, "source": "environment", "observation": "agent_state_changed",
                       "content": "", "extras": {"agent_state": "error",
                       "reason": "RuntimeError: litellm.RateLimitError: rate limit exceeded"}})  # fmt: skip
    return events


def test_an_openhands_event_stream_pairs_actions_with_their_observations(tmp_path: Path) -> None:
    path = tmp_path / "events.json"
    path.write_text(json.dumps(openhands_events()))
    (trace,), problems = read(path)
    assert problems == []
    assert [(s.tool, s.is_error) for s in trace.steps] == [
        ("execute_bash", True), ("edit", True), ("finish", False)]  # fmt: skip
    assert trace.agent.model == "claude-3-5-sonnet-20241022" and trace.task.category == "bug_fix"


def test_openhands_evaluation_rows_carry_verdict_patch_and_errors(tmp_path: Path) -> None:
    rows = [
        {"instance_id": "acme__1", "instruction": "Fix it", "history": openhands_events(),
         "metadata": {"agent_class": "CodeActAgent", "llm_config": {"model": "anthropic/claude"}},
         "metrics": {"accumulated_cost": 0.3,
                     "accumulated_token_usage": {"prompt_tokens": 900, "completion_tokens": 80}},
         "test_result": {"git_patch": PATCH, "report": {"resolved": True}}, "error": None},
        {"instance_id": "acme__2", "instruction": "Fix it", "history": openhands_events(error=True),
         "metadata": {"agent_class": "CodeActAgent"}, "metrics": {}, "test_result": {},
         "error": None},
        {"instance_id": "acme__3", "history": [[openhands_events()[1], openhands_events()[2]]],
         "test_result": {"report": {"resolved": False}}},
    ]  # fmt: skip
    (first, second, third), problems = read(write_lines(tmp_path / "output.jsonl", rows))
    assert problems == []
    assert (first.outcome.status, first.agent.name, first.metrics.input_tokens) == (
        "pass", "CodeActAgent", 900)  # fmt: skip
    assert first.changes.files == ("src/a.py",) and first.metrics.cost_usd == 0.3
    assert (second.outcome.status, second.outcome.failure_class) == ("error", "model_provider")
    assert third.outcome.status == "fail" and [s.tool for s in third.steps] == ["execute_bash"]


RESOLVER = Path(__file__).parent / "fixtures" / "openhands" / "resolver" / "output.jsonl"


def test_openhands_resolver_rows_are_runs_judged_by_the_resolvers_success() -> None:
    (fixed, unfixed), problems = read(RESOLVER)
    assert problems == []
    assert (fixed.task.id, fixed.task.repository, fixed.run_id) == (
        "acme/inventory#142", "acme/inventory", "acme/inventory#142")  # fmt: skip
    assert fixed.task.title == "Stock report counts returns twice"
    assert (fixed.outcome.status, fixed.outcome.reward) == ("pass", 1.0)
    assert [(s.tool, s.is_error) for s in fixed.steps] == [
        ("execute_bash", True), ("str_replace_editor", False), ("finish", False)]  # fmt: skip
    assert (fixed.metrics.cost_usd, fixed.metrics.input_tokens) == (0.1834, 41233)
    assert fixed.changes.files == ("src/inventory/report.py",)
    assert (unfixed.outcome.status, unfixed.outcome.failure_class) == ("fail", "no_changes")
