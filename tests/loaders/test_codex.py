"""Codex CLI rollouts: shell calls, exit codes in their three shapes, patches."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.loaders.builders import write_lines
from tests.loaders.reading import features, read


def codex_rollout(aborted: bool = False) -> list[dict[str, Any]]:
    def line(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        return {"timestamp": "2026-01-01T00:00:00Z", "type": kind, "payload": payload}

    patch = "*** Begin Patch\n*** Update File: src/a.py\n@@\n-x\n+y\n*** End Patch"
    rows = [
        line("session_meta", {"id": "sess-1", "cwd": "/repo", "cli_version": "0.50.0"}),
        line("turn_context", {"model": "gpt-5-codex", "cwd": "/repo"}),
        line("event_msg", {"type": "user_message", "message": "Category: bug_fix\nFix the cache"}),
        line("response_item", {"type": "function_call", "name": "shell", "call_id": "c1",
                               "arguments": json.dumps({"command": ["bash", "-lc", "pytest -q"]})}),
        line("response_item", {"type": "function_call_output", "call_id": "c1", "output":
             json.dumps({"output": "1 failed", "metadata": {"exit_code": 1}})}),
        line("response_item", {"type": "custom_tool_call", "name": "apply_patch", "call_id": "c2",
                               "input": patch}),
        line("response_item", {"type": "custom_tool_call_output", "call_id": "c2",
                               "output": "Success. Updated the following files:\nM src/a.py"}),
        line("response_item", {"type": "function_call", "name": "exec_command", "call_id": "c3",
                               "arguments": json.dumps({"cmd": "ruff check ."})}),
        line("response_item", {"type": "function_call_output", "call_id": "c3", "output":
             "Chunk ID: 1\nWall time: 0.2 seconds\nProcess exited with code 0\nOutput:\nok"}),
        line("event_msg", {"type": "token_count", "info": {"total_token_usage": {
             "input_tokens": 1200, "cached_input_tokens": 1000, "output_tokens": 90}}}),
    ]  # fmt: skip
    if aborted:
        rows.append(line("event_msg", {"type": "turn_aborted", "reason": "interrupted"}))
    return rows


def test_a_codex_rollout_reads_shell_calls_exit_codes_and_patches(tmp_path: Path) -> None:
    (trace,), problems = read(write_lines(tmp_path / "rollout-2026.jsonl", codex_rollout()))
    assert problems == []
    assert [(s.tool, s.input, s.is_error) for s in trace.steps] == [
        ("shell", "pytest -q", True), ("apply_patch", "src/a.py", False),
        ("exec_command", "ruff check .", False)]  # fmt: skip
    assert (trace.agent.name, trace.agent.model, trace.run_id) == ("codex", "gpt-5-codex", "sess-1")
    assert (trace.changes.files, trace.changes.added, trace.changes.removed) == (
        ("src/a.py",),
        1,
        1,
    )
    assert trace.metrics.input_tokens == 1200 and trace.task.category == "bug_fix"
    assert {"cmd:pytest", "cmd:ruff", "tool:apply_patch"} <= features(trace)
    (aborted,), _ = read(write_lines(tmp_path / "rollout-b.jsonl", codex_rollout(aborted=True)))
    assert aborted.outcome.status == "error"
