"""SWE-agent, mini-swe-agent, OpenHands, Codex, OpenTelemetry and execution records: each
read from fixtures written after its public description, normal, failed and damaged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from engram.extract import default_extractors, extract_features
from engram.loaders import Problem, load_file
from engram.trace import Trace
from tests.loaders.builders import write_lines

PATCH = "diff --git a/src/a.py b/src/a.py\n--- a/src/a.py\n+++ b/src/a.py\n@@ -1 +1 @@\n-x\n+y\n"


def read(path: Path) -> tuple[list[Trace], list[Problem]]:
    items = list(load_file(path))
    return [i for i in items if isinstance(i, Trace)], [i for i in items if isinstance(i, Problem)]


def features(trace: Trace) -> set[str]:
    return set(extract_features(trace, default_extractors()))


# ---------------------------------------------------------------------------- SWE-agent


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


# ---------------------------------------------------------------------------- OpenHands


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


# ---------------------------------------------------------------------------- Codex


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


# ---------------------------------------------------------------------------- OpenTelemetry


def kv(key: str, value: Any) -> dict[str, Any]:
    kind = {bool: "boolValue", int: "intValue", float: "doubleValue"}.get(
        type(value), "stringValue"
    )
    return {"key": key, "value": {kind: str(value) if kind == "intValue" else value}}


def otlp(spans: list[dict[str, Any]]) -> dict[str, Any]:
    return {"resourceSpans": [{"resource": {"attributes": [kv("service.name", "agent")]},
                               "scopeSpans": [{"scope": {"name": "x"}, "spans": spans}]}]}  # fmt: skip


def span(span_id: str, parent: str | None, name: str, attrs: dict[str, Any], error: bool = False,
         trace: str = "a" * 32) -> dict[str, Any]:  # fmt: skip
    return {"traceId": trace, "spanId": span_id, "parentSpanId": parent or "", "name": name,
            "startTimeUnixNano": "1000000000", "endTimeUnixNano": "3000000000",
            "attributes": [kv(k, v) for k, v in attrs.items()],
            "status": {"code": 2 if error else 1}}  # fmt: skip


def test_genai_and_openinference_spans_become_steps(tmp_path: Path) -> None:
    genai = [
        span("1", None, "invoke_agent fixer", {"gen_ai.operation.name": "invoke_agent",
             "gen_ai.agent.name": "fixer", "engram.reward": 1.0}),
        span("2", "1", "chat gpt-4o", {"gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o",
             "gen_ai.usage.input_tokens": 300, "gen_ai.usage.output_tokens": 20}),
        span("3", "1", "execute_tool run_shell", {"gen_ai.operation.name": "execute_tool",
             "gen_ai.tool.name": "run_shell", "gen_ai.tool.call.arguments": '{"command": "pytest"}'},
             error=True),
    ]  # fmt: skip
    openinference = [
        span("9", None, "agent", {"openinference.span.kind": "AGENT"}, error=True, trace="b" * 32),
        span("8", "9", "llm", {"openinference.span.kind": "LLM", "llm.model_name": "claude-x",
             "llm.token_count.prompt": 50}, trace="b" * 32),
        span("7", "9", "search_docs", {"openinference.span.kind": "TOOL", "tool.name": "search_docs",
             "input.value": '{"query": "cache"}'}, trace="b" * 32),
    ]  # fmt: skip
    path = tmp_path / "traces.json"
    path.write_text(json.dumps(otlp(genai)) + "\n" + json.dumps(otlp(openinference)) + "\n")
    (first, second), problems = read(path)
    assert problems == []
    assert [(s.tool, s.is_error) for s in first.steps] == [("run_shell", True)]
    assert (first.agent.name, first.agent.model, first.metrics.input_tokens) == (
        "fixer",
        "gpt-4o",
        300,
    )
    assert first.outcome.status == "pass" and first.metrics.duration_s == 2.0
    assert [(s.tool, s.is_error) for s in second.steps] == [("search_docs", False)]
    assert second.outcome.status == "error" and second.agent.model == "claude-x"


# ---------------------------------------------------------------------------- execution records


def test_execution_records_in_both_spellings(tmp_path: Path) -> None:
    errors = [{"tool": "ruff", "severity": "error", "message": "F401 unused import", "file": "a.py",
               "line": 3, "column": 1}]  # fmt: skip
    rows = [
        {"trace_id": "tr-1", "timestamp": "2026-01-01", "bead_id": "bd-7",
         "task_description": "Category: lint\nClean up imports",
         "execution_results": [{"runner": "ruff", "command": "ruff check .", "status": "fail",
                                "errors": errors},
                               {"runner": "pytest", "command": "python -m pytest", "status": "pass",
                                "errors": []}],
         "discovered_issues": [], "outcome": "failure"},
    ]  # fmt: skip
    (row,), problems = read(write_lines(tmp_path / "executions.jsonl", rows))
    assert problems == []
    assert [(s.input, s.is_error) for s in row.steps] == [("ruff check .", True),
                                                         ("python -m pytest", False)]  # fmt: skip
    assert "F401 unused import" in row.steps[0].output
    assert (row.outcome.status, row.task.id, row.task.category) == ("fail", "bd-7", "lint")
    assert {"cmd:ruff", "cmd:pytest"} <= features(row)
    assert [(f.source, f.kind, f.message) for f in row.failures] == [
        ("tool", "lint", "ruff: F401 unused import")
    ]
    capture = {"beadId": "bd-8", "taskDescription": "Add tests", "outcome": "success",
               "executions": [{"runner": "go", "command": "go test ./...", "status": "pass"}],
               "discoveredIssues": []}  # fmt: skip
    path = tmp_path / "capture.json"
    path.write_text(json.dumps(capture, indent=2))
    (single,), _ = read(path)
    assert (single.outcome.status, single.task.id) == ("pass", "bd-8")


# ---------------------------------------------------------------------------- damaged and unknown


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.traj", '{"trajectory": [', "invalid JSON"),
        ("b.traj.json", '["not", "a", "trajectory"]', "not a trajectory"),
        ("rollout.jsonl", '{"timestamp": "t", "type": "session_meta", "payload": {}}\n{"type": ',
         "truncated"),
        ("spans.json", '{"resourceSpans": []}', "no spans"),
    ],
)  # fmt: skip
def test_damaged_files_say_what_is_wrong(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    _, problems = read(path)
    assert problems and message in problems[0].message


def test_a_file_of_no_known_format_lists_what_was_tried(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("just some notes")
    (problem,) = list(load_file(path))
    assert isinstance(problem, Problem)
    for name in ("claude_code", "codex", "otel", "swe_agent", "openhands", "aggregated"):
        assert name in problem.message


def test_words_in_trace_text_never_change_the_format(tmp_path: Path) -> None:
    from tests.loaders.builders import aggregated_record

    record = aggregated_record()
    record["task_instruction"] += (
        'Mentions "resourceSpans", "trajectory", "history", "action", "source", "args", '
        '"execution_results", "bead_id" and "schema_version": "ATIF-v1.6".'
    )
    for shape, text in (("array", json.dumps([record])), ("lines", json.dumps(record) + "\n"),
                        ("container", json.dumps({"job_dir": "j", "traces": [record]}, indent=1))):  # fmt: skip
        path = tmp_path / f"{shape}.json"
        path.write_text(text)
        (trace,), problems = read(path)
        assert problems == [] and trace.task.id == "fix-flaky-cache", shape


# ---------------------------------------------------------------------------- OpenHands resolver

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
