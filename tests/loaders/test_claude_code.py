"""Claude Code transcripts: stream-json output and session logs, one trace per session."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engram.extract import default_extractors, extract_features
from engram.loaders import Problem, load_file
from engram.loaders.claude_code import sniff
from engram.loaders.sniffing import first_object
from engram.trace import Trace
from tests.loaders.builders import (
    INSTRUCTION,
    MODEL,
    SESSION,
    session_entries,
    stream_events,
    write_lines,
)


def one_trace(path: Path) -> Trace:
    items = list(load_file(path))
    traces = [i for i in items if isinstance(i, Trace)]
    assert len(traces) == 1, items
    return traces[0]


def test_a_stream_json_run_becomes_one_trace_with_its_calls_and_result(tmp_path: Path) -> None:
    trace = one_trace(write_lines(tmp_path / "run.jsonl", stream_events()))
    assert [(s.tool, s.is_error) for s in trace.steps] == [
        ("Read", False), ("Edit", True), ("Edit", False), ("Bash", False)]  # fmt: skip
    assert (trace.agent.name, trace.agent.model, trace.run_id) == ("claude-code", MODEL, SESSION)
    assert trace.outcome.status == "unmeasured"  # no verifier judged it
    assert (trace.metrics.input_tokens, trace.metrics.output_tokens) == (40, 20)
    assert trace.metrics.cost_usd == 0.02 and trace.metrics.duration_s == 42.0
    # Only the edit that worked changed the file: one line out, one in.
    assert (trace.changes.files, trace.changes.added, trace.changes.removed) == (
        ("/workspace/src/cache.py",), 1, 1)  # fmt: skip
    features = extract_features(trace, default_extractors())
    assert {"tool:Edit", "tool_error:Edit", "cmd:pytest", "verified:after_edit"} <= features


@pytest.mark.parametrize(
    ("subtype", "is_error", "text", "status", "failure"),
    [
        ("success", False, "Done.", "unmeasured", None),  # the agent's word, not a verdict
        ("error_max_turns", True, "", "unmeasured", None),
        ("error_max_budget_usd", True, "", "unmeasured", None),
        ("error_during_execution", True, "API Error: 529 overloaded_error", "error", "model_provider"),
        ("success", True, "API Error: Connection error. ECONNRESET", "error", "infrastructure"),
        ("error_during_execution", True, "something odd", "unmeasured", None),
    ],
)  # fmt: skip
def test_the_result_subtype_decides_the_outcome(
    tmp_path: Path, subtype: str, is_error: bool, text: str, status: str, failure: str | None
) -> None:
    events = stream_events(result_subtype=subtype, is_error=is_error, result_text=text)
    trace = one_trace(write_lines(tmp_path / "run.jsonl", events))
    assert (trace.outcome.status, trace.outcome.failure_class) == (status, failure)


def test_usage_is_counted_once_per_api_message_without_a_result(tmp_path: Path) -> None:
    events = stream_events()[:-1]  # cut off before the result: usage comes from the messages
    trace = one_trace(write_lines(tmp_path / "run.jsonl", events))
    assert (trace.metrics.input_tokens, trace.metrics.output_tokens) == (20, 10)  # 2 messages
    assert trace.outcome.status == "unmeasured" and not trace.outcome.valid


def test_a_session_log_gives_the_same_run_and_its_instruction(tmp_path: Path) -> None:
    stream = one_trace(write_lines(tmp_path / "run.jsonl", stream_events()))
    session = one_trace(write_lines(tmp_path / f"{SESSION}.jsonl", session_entries()))
    assert session.task.instruction == INSTRUCTION and session.task.category == "bug_fix"
    assert [(s.tool, s.input, s.is_error) for s in session.steps] == [
        (s.tool, s.input, s.is_error) for s in stream.steps]  # fmt: skip
    assert session.run_id == SESSION and session.agent.model == MODEL


def test_side_chains_are_steps_under_a_parent(tmp_path: Path) -> None:
    entries = session_entries()
    for entry in entries[4:6]:
        entry["isSidechain"] = True
    trace = one_trace(write_lines(tmp_path / "s.jsonl", entries))
    assert [s.parent for s in trace.steps][:3] == [None, "sidechain", None]


def test_two_runs_in_one_file_are_two_traces(tmp_path: Path) -> None:
    second = [
        {**event, "session_id": "another"}
        for event in stream_events(result_subtype="error_max_turns")
    ]
    items = list(load_file(write_lines(tmp_path / "two.jsonl", stream_events() + second)))
    traces = [t for t in items if isinstance(t, Trace)]
    assert [t.outcome.error_message for t in traces] == [None, "ClaudeCode: error_max_turns"]
    assert [t.run_id for t in traces][1] == "another"


def test_damaged_lines_are_named_and_the_rest_is_read(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "run.jsonl", stream_events())
    lines = path.read_text().splitlines()
    lines.insert(3, '{"type": "assistant", "message": {"content": [')
    path.write_text("\n".join(lines) + "\n")
    items = list(load_file(path))
    problems = [i for i in items if isinstance(i, Problem)]
    assert len(problems) == 1 and problems[0].label == "line 4"
    assert sum(isinstance(i, Trace) for i in items) == 1


def test_sniff_tells_transcripts_from_aggregated_traces() -> None:
    assert sniff(
        first_object(b'{"type":"system","subtype":"init","session_id":"x"}\n'), Path("t.jsonl")
    )
    assert sniff(
        first_object(b'{"type":"summary","summary":"s","leafUuid":"u"}\n{"type":"user"}\n'),
        Path("t.jsonl"),
    )
    assert not sniff(first_object(b'{"task_id":"t","status":"pass"}\n'), Path("t.jsonl"))
    assert not sniff(
        first_object(b'[{"task_id":"t","transcript":[{"type":"system"}]}]'), Path("t.json")
    )


@pytest.mark.parametrize("layout", ["nested", "beside"])
def test_sub_agent_logs_join_their_session(tmp_path: Path, layout: str) -> None:
    write_lines(tmp_path / f"{SESSION}.jsonl", session_entries())
    folder = tmp_path / SESSION / "subagents" if layout == "nested" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    sub = [{**entry, "isSidechain": True, "agentId": "a1"} for entry in session_entries()[1:4]]
    text = json.dumps(sub).replace("toolu_00", "toolu_sub")  # the sub-agent's own call
    write_lines(folder / "agent-a1.jsonl", json.loads(text))
    traces = [t for path in sorted(tmp_path.rglob("*.jsonl")) for t in load_file(path)]
    assert len(traces) == 1 and isinstance(traces[0], Trace)
    assert [s.parent for s in traces[0].steps] == [None] * 4 + ["sidechain"]


def test_the_json_array_of_verbose_json_output_is_one_run(tmp_path: Path) -> None:
    path = tmp_path / "out.json"
    path.write_text(json.dumps(stream_events(), indent=2))
    trace = one_trace(path)
    assert len(trace.steps) == 4 and trace.outcome.status == "unmeasured"
    single = tmp_path / "result.json"
    single.write_text(
        json.dumps(stream_events(result_subtype="error_max_turns", is_error=True)[-1])
    )
    assert one_trace(single).outcome.error_message == "ClaudeCode: error_max_turns"


def test_an_array_of_aggregated_traces_with_transcripts_is_not_a_transcript() -> None:
    from tests.loaders.builders import aggregated_record

    array = json.dumps([aggregated_record()]).encode()
    assert not sniff(first_object(array), Path("traces.json"))
    assert sniff(first_object(json.dumps(stream_events()).encode()), Path("out.json"))


def test_a_sessions_instruction_is_the_users_request_not_a_wrapper(tmp_path: Path) -> None:
    entries = session_entries("Fix the flaky cache test.")
    common = {k: entries[1][k] for k in ("sessionId", "version", "cwd", "isSidechain")}
    wrappers = [
        "Caveat: The messages below were generated by the user while running local commands.",
        "<command-name>/clear</command-name>\n<command-message>clear</command-message>"
        "\n<command-args></command-args>",
        "<bash-input>ls -la</bash-input>",
        "<local-command-stdout>total 8</local-command-stdout>",
    ]
    before = [{**common, "type": "user", "uuid": f"w-{i}",
               "message": {"role": "user", "content": text}} for i, text in enumerate(wrappers)]  # fmt: skip
    trace = one_trace(write_lines(tmp_path / "s.jsonl", [entries[0], *before, *entries[1:]]))
    assert trace.task.instruction == "Fix the flaky cache test."
    assert trace.outcome.status == "unmeasured"  # an interactive session: nothing judged it


FIXTURES = Path(__file__).parent / "fixtures" / "claude_code"
SESSION_21 = FIXTURES / "3f6c1d2a-5b4e-4c8d-9a71-0e2f4b6d8c10.jsonl"


def test_a_2_1_session_opening_with_bookkeeping_records_is_one_run() -> None:
    from engram.loaders.sniffing import head_of

    assert sniff(head_of(SESSION_21.read_bytes()[:65536]), SESSION_21)
    newer = b'{"type":"a-newer-kind","x":1}\n' + SESSION_21.read_bytes()
    assert sniff(head_of(newer[:65536]), SESSION_21)  # known by the records after it
    assert not sniff(first_object(newer), SESSION_21)  # its first line alone says nothing
    items = list(load_file(SESSION_21))
    (trace,) = items
    assert isinstance(trace, Trace) and trace.run_id == "3f6c1d2a-5b4e-4c8d-9a71-0e2f4b6d8c10"
    assert [(s.tool, s.is_error) for s in trace.steps] == [
        ("Read", False), ("Edit", True), ("Edit", False), ("Bash", False)]  # fmt: skip
    assert trace.task.instruction.startswith("The stock report counts returned items twice")
    assert trace.changes.files == ("/home/dev/projects/inventory/src/inventory/report.py",)


def test_a_session_of_snapshots_only_is_empty_not_broken() -> None:
    (item,) = load_file(FIXTURES / "0d9c8b7a-6f5e-4d3c-8b2a-19f0e1d2c3b4.jsonl")
    assert isinstance(item, Problem) and item.empty and not item.skipped
    assert "empty session" in item.message


def test_record_kinds_of_a_newer_version_are_read_around_with_a_warning(tmp_path: Path) -> None:
    entries = session_entries()
    entries.insert(2, {"type": "worktree-handoff", "sessionId": SESSION, "target": "b"})
    entries.insert(4, {"type": "worktree-handoff", "sessionId": SESSION, "target": "c"})
    items = list(load_file(write_lines(tmp_path / "s.jsonl", entries)))
    warnings = [i for i in items if isinstance(i, Problem)]
    assert [(w.label, w.warning) for w in warnings] == [("line 3", True)]
    assert "2 record(s) of kind 'worktree-handoff'" in warnings[0].message
    assert sum(isinstance(i, Trace) for i in items) == 1


def test_a_folder_of_sessions_counts_sub_agent_logs_with_their_session(tmp_path: Path) -> None:
    from engram.loaders import Reading, expand_paths, read_path

    write_lines(tmp_path / f"{SESSION}.jsonl", session_entries())
    sub = [{**entry, "isSidechain": True, "agentId": "a1"} for entry in session_entries()[1:4]]
    (tmp_path / SESSION / "subagents").mkdir(parents=True)
    write_lines(tmp_path / SESSION / "subagents" / "agent-a1.jsonl", sub)
    readings = [
        item for path in expand_paths([tmp_path]) for item in read_path(path)
        if isinstance(item, Reading)
    ]  # fmt: skip
    assert [(Path(r.source).name, r.companion) for r in readings] == [
        ("agent-a1.jsonl", True), (f"{SESSION}.jsonl", False)]  # fmt: skip


def test_rules_a_hook_gave_the_session_are_read_from_its_attachments(tmp_path: Path) -> None:
    """Claude Code 2.1 records a hook's additionalContext as a ``hook_additional_context``
    attachment; engram's block there names the rules the session was given."""
    block = "<!-- engram:begin rules=r_0123456789 -->\n- DO: …\n<!-- engram:end -->"
    lines = []
    for line in (FIXTURES / "3f6c1d2a-5b4e-4c8d-9a71-0e2f4b6d8c10.jsonl").read_text().splitlines():
        record = json.loads(line)
        if record.get("type") == "attachment":
            record["attachment"]["content"] = ["notes: session registered", block]
        lines.append(json.dumps(record))
    path = tmp_path / "3f6c1d2a-5b4e-4c8d-9a71-0e2f4b6d8c10.jsonl"
    path.write_text("\n".join(lines) + "\n")
    (trace,) = [item for item in load_file(path) if isinstance(item, Trace)]
    assert trace.injected_rules == ("r_0123456789",)
    (plain,) = [item for item in load_file(FIXTURES / path.name) if isinstance(item, Trace)]
    assert plain.injected_rules == ()


def test_generated_session_logs_read_as_their_runs_with_nothing_skipped(tmp_path: Path) -> None:
    """The session folders ``benchmarks/bench_sessions.py`` times are read as real ones are."""
    from engram.datasets.synthetic import default_scenario, iter_records, write_session_logs
    from engram.loaders import expand_paths

    scenario = default_scenario(12, seed=3)
    assert write_session_logs(scenario, tmp_path / "projects") == 12
    files = [p for p in expand_paths([tmp_path / "projects"]) if isinstance(p, Path)]
    items = [item for path in files for item in load_file(path)]
    traces = [item for item in items if isinstance(item, Trace)]
    assert len(files) == len(traces) == 12 and len(items) == 12  # no problem, no warning
    records = {r["task_instruction"].strip(): r for r in iter_records(scenario)}
    for trace in traces:
        record = records[trace.task.instruction.strip()]
        calls = [block["name"] for event in record["transcript"] if event.get("type") == "assistant"
                 for block in event["message"]["content"] if block.get("type") == "tool_use"]  # fmt: skip
        assert [step.tool for step in trace.steps] == calls
        assert trace.outcome.status == "unmeasured"  # a session alone is judged by nothing


def test_a_project_folder_is_looked_through_once_for_all_its_sessions_while_it_stays_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Thousands of sessions share a project folder: each looking through it again for its
    sub-agents' logs made reading the folder quadratic."""
    import os

    from engram.loaders import claude_code

    sessions = [f"{SESSION[:-2]}{n:02d}" for n in range(20)]
    for session in sessions:
        entries = [{**e, "sessionId": session} for e in session_entries()]
        write_lines(tmp_path / f"{session}.jsonl", entries)

    def agent_log(name: str, session: str) -> None:
        sub = [{**e, "sessionId": session, "isSidechain": True} for e in session_entries()[1:4]]
        write_lines(tmp_path / name, json.loads(json.dumps(sub).replace("toolu_00", "toolu_s")))

    agent_log("agent-a1.jsonl", sessions[3])
    os.utime(tmp_path, ns=(0, 0))  # settled long ago
    reads: list[Path] = []
    first_event = claude_code._first_event
    monkeypatch.setattr(claude_code, "_first_event", lambda p: reads.append(p) or first_event(p))
    monkeypatch.setattr(claude_code, "_BESIDE", {}, raising=False)

    def steps() -> dict[str, int]:
        return {t.run_id: len(t.steps) for s in sessions
                for t in load_file(tmp_path / f"{s}.jsonl") if isinstance(t, Trace)}  # fmt: skip

    assert steps() == {s: 5 if s == sessions[3] else 4 for s in sessions}
    assert reads == [tmp_path / "agent-a1.jsonl"]  # once, not once a session
    agent_log("agent-a2.jsonl", sessions[5])
    assert steps()[sessions[5]] == 5  # a new log changes the folder: looked through again
