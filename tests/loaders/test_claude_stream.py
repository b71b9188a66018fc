"""Claude Code stream-json events (``claude -p --output-format stream-json``) into steps."""

from __future__ import annotations

import glob
import json
from pathlib import Path
from typing import Any

import pytest

from engram.loaders.claude_stream import (
    INPUT_LIMIT,
    OUTPUT_LIMIT,
    edit_lines,
    read_events,
    result_text,
    summarize_input,
)

SAMPLES = Path("/work/shared/samples")
SIMPLE_STREAM = SAMPLES / "claude-code-stream-json" / "claude-stream-json-simple.jsonl"


def init(**overrides: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "system",
        "subtype": "init",
        "session_id": "s-1",
        "tools": ["Task", "Bash", "Read", "Edit", "mcp__sourcegraph__deep_search"],
        "mcp_servers": [{"name": "sourcegraph", "status": "connected"}],
        "model": "claude-sonnet-4-5-20250929",
    }
    event.update(overrides)
    return event


def use(
    call_id: str, name: str, message_id: str = "msg_1", parent: str | None = None, **tool_input: Any
) -> dict[str, Any]:
    block = {"type": "tool_use", "id": call_id, "name": name, "input": tool_input}
    return assistant([block], message_id, parent)


def assistant(
    content: list[Any], message_id: str = "msg_1", parent: str | None = None
) -> dict[str, Any]:
    return {
        "type": "assistant",
        "message": {"id": message_id, "role": "assistant", "content": content},
        "parent_tool_use_id": parent,
        "session_id": "s-1",
    }


def result(
    call_id: str, content: Any = "ok", is_error: bool | None = None, parent: str | None = None
) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "tool_result", "tool_use_id": call_id, "content": content}
    if is_error is not None:
        block["is_error"] = is_error
    return {
        "type": "user",
        "message": {"role": "user", "content": [block]},
        "parent_tool_use_id": parent,
    }


def final(**overrides: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "result",
        "subtype": "success",
        "is_error": False,
        "num_turns": 4,
        "result": "Done.",
    }
    event.update(overrides)
    return event


def read_sample(path: Path) -> list[Any]:
    """The events of a real capture, read by hand (the file is never copied or written)."""
    if not path.is_file():
        pytest.skip(f"sample {path} is not available")
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


# --- init ------------------------------------------------------------------------------


def test_tools_mcp_servers_and_model_come_from_system_init() -> None:
    summary = read_events([init()])
    assert summary.tools == ("Task", "Bash", "Read", "Edit", "mcp__sourcegraph__deep_search")
    assert summary.mcp_servers == ("sourcegraph",)
    assert summary.model == "claude-sonnet-4-5-20250929"
    assert summary.steps == []
    assert summary.result is None


def test_mcp_servers_given_as_plain_names_are_read() -> None:
    summary = read_events([init(mcp_servers=["docs", {"name": "sourcegraph"}, 5, {"x": 1}, ""])])
    assert summary.mcp_servers == ("docs", "sourcegraph")


def test_tool_names_that_are_not_strings_are_dropped() -> None:
    assert read_events([init(tools=["Bash", 3, None, {"name": "x"}, "Read"])]).tools == (
        "Bash",
        "Read",
    )


def test_an_init_without_tools_gives_none() -> None:
    summary = read_events([{"type": "system", "subtype": "init"}])
    assert (summary.tools, summary.mcp_servers, summary.model) == ((), (), None)


def test_other_system_events_do_not_replace_the_tool_list() -> None:
    summary = read_events([init(), {"type": "system", "subtype": "compact_boundary", "tools": []}])
    assert "Bash" in summary.tools


def test_an_mcp_server_that_failed_to_connect_is_not_available() -> None:
    servers = [{"name": "sourcegraph", "status": "failed"}, {"name": "docs", "status": "connected"}]
    assert read_events([init(mcp_servers=servers)]).mcp_servers == ("docs",)


def test_the_model_falls_back_to_the_first_assistant_message() -> None:
    event = assistant([{"type": "text", "text": "hi"}])
    event["message"]["model"] = "claude-haiku-4-5-20251001"
    assert read_events([event]).model == "claude-haiku-4-5-20251001"
    assert read_events([init(), event]).model == "claude-sonnet-4-5-20250929"


# --- tool calls -------------------------------------------------------------------------


def test_each_tool_use_is_one_step_in_order() -> None:
    summary = read_events(
        [
            init(),
            use("toolu_1", "Bash", command="python -m pytest -x"),
            use("toolu_2", "Read", "msg_2", file_path="/repo/src/a.py"),
            use("toolu_3", "mcp__sourcegraph__deep_search", "msg_3", query="where is parse"),
        ]
    )
    assert [(s.tool, s.input, s.path) for s in summary.steps] == [
        ("Bash", "python -m pytest -x", None),
        ("Read", "/repo/src/a.py", "/repo/src/a.py"),
        ("mcp__sourcegraph__deep_search", "where is parse", None),
    ]


def test_a_message_split_over_events_sharing_its_id_counts_each_call() -> None:
    """Claude Code sends one content block per event; all share the API message id."""
    summary = read_events(
        [
            assistant([{"type": "text", "text": "I'll look around."}], "msg_A"),
            use("toolu_1", "Glob", "msg_A", pattern="**/*.go"),
            use("toolu_2", "Grep", "msg_A", pattern="func"),
            use("toolu_3", "Read", "msg_A", file_path="main.go"),
        ]
    )
    assert [s.tool for s in summary.steps] == ["Glob", "Grep", "Read"]


def test_a_tool_use_repeated_in_a_later_event_of_the_same_message_counts_once() -> None:
    first = {"type": "tool_use", "id": "toolu_1", "name": "Glob", "input": {"pattern": "*.py"}}
    second = {"type": "tool_use", "id": "toolu_2", "name": "Read", "input": {"file_path": "a.py"}}
    summary = read_events(
        [
            assistant([first], "msg_A"),
            assistant([first, second], "msg_A"),
            assistant([{"type": "text", "text": "done"}, first, second], "msg_A"),
        ]
    )
    assert [s.tool for s in summary.steps] == ["Glob", "Read"]


def test_two_calls_of_the_same_tool_with_different_ids_are_two_steps() -> None:
    summary = read_events(
        [use("toolu_1", "Bash", command="ls"), use("toolu_2", "Bash", command="ls")]
    )
    assert len(summary.steps) == 2


def test_a_tool_use_without_a_name_is_ignored() -> None:
    blocks = [
        {"type": "tool_use", "id": "toolu_1", "input": {}},
        {"type": "tool_use", "id": "toolu_2", "name": "", "input": {}},
        {"type": "tool_use", "id": "toolu_3", "name": 7, "input": {}},
    ]
    assert read_events([assistant(blocks)]).steps == []


# --- results ---------------------------------------------------------------------------


def test_results_are_matched_to_their_calls_by_id_whatever_their_order() -> None:
    summary = read_events(
        [
            use("toolu_1", "Bash", command="make test"),
            use("toolu_2", "Read", file_path="Makefile"),
            result("toolu_2", "all:\n\tgo build"),
            result("toolu_1", "Exit code 2\nmake: *** [test] Error 1", is_error=True),
        ]
    )
    bash, read = summary.steps
    assert (bash.is_error, read.is_error) == (True, False)
    assert bash.output == "Exit code 2\nmake: *** [test] Error 1"
    assert read.output == "all:\n\tgo build"


@pytest.mark.parametrize("flag", [False, None, "true", 1])
def test_only_is_error_true_marks_a_failed_call(flag: Any) -> None:
    event = result("toolu_1", "fine")
    event["message"]["content"][0]["is_error"] = flag
    (step,) = read_events([use("toolu_1", "Bash", command="ls"), event]).steps
    assert step.is_error is False


def test_a_result_given_as_content_blocks_keeps_their_text() -> None:
    content = [
        {"type": "text", "text": "first"},
        {"type": "image"},
        {"type": "text", "text": "second"},
    ]
    (step,) = read_events(
        [use("toolu_1", "Task", prompt="explore"), result("toolu_1", content)]
    ).steps
    assert step.output == "first\nsecond"


def test_a_result_for_an_unknown_call_is_ignored() -> None:
    summary = read_events(
        [use("toolu_1", "Bash", command="ls"), result("toolu_404", "boom", is_error=True)]
    )
    (step,) = summary.steps
    assert (step.is_error, step.output) == (False, "")


def test_a_result_before_its_call_does_not_mark_it() -> None:
    summary = read_events(
        [result("toolu_1", "boom", is_error=True), use("toolu_1", "Bash", command="ls")]
    )
    assert [(s.tool, s.is_error) for s in summary.steps] == [("Bash", False)]


def test_long_inputs_and_outputs_are_capped() -> None:
    summary = read_events(
        [use("toolu_1", "Bash", command="echo " + "a" * 5000), result("toolu_1", "b" * 50_000)]
    )
    (step,) = summary.steps
    assert len(step.input) == INPUT_LIMIT
    assert len(step.output) == OUTPUT_LIMIT


# --- sub-agents and the final result ------------------------------------------------------


def test_sub_agent_steps_carry_the_parent_tool_use_id() -> None:
    summary = read_events(
        [
            use("toolu_task", "Task", subagent_type="Explore", prompt="look around"),
            use("toolu_sub1", "Glob", "msg_sub", parent="toolu_task", pattern="**/*"),
            use("toolu_sub2", "Read", "msg_sub", parent="toolu_task", file_path="README.md"),
            result("toolu_sub2", "EISDIR", is_error=True, parent="toolu_task"),
            result("toolu_task", [{"type": "text", "text": "summary"}]),
            use("toolu_top", "Bash", "msg_2", command="go test ./..."),
        ]
    )
    assert [(s.tool, s.parent) for s in summary.steps] == [
        ("Task", None),
        ("Glob", "toolu_task"),
        ("Read", "toolu_task"),
        ("Bash", None),
    ]
    assert [s.is_error for s in summary.steps] == [False, False, True, False]
    assert summary.steps[0].input == "Explore"


def test_a_parent_that_is_not_a_string_is_no_parent() -> None:
    (step,) = read_events([use("toolu_1", "Bash", parent=42, command="ls")]).steps  # type: ignore[arg-type]
    assert step.parent is None


def test_the_final_result_event_is_kept() -> None:
    end = final(subtype="error_max_turns", is_error=True, num_turns=50)
    summary = read_events([init(), use("toolu_1", "Bash", command="ls"), end])
    assert summary.result == end


def test_garbage_events_are_ignored() -> None:
    events: list[Any] = [
        None,
        5,
        "text",
        ["list"],
        {},
        {"type": "assistant"},
        {"type": "assistant", "message": "not an object"},
        {"type": "assistant", "message": {"content": "not a list"}},
        {"type": "assistant", "message": {"content": [None, 3, "x", {"type": "tool_use"}]}},
        {"type": "user", "message": None},
        {"type": "user", "message": {"content": [{"type": "tool_result"}, "x"]}},
        {"type": "stream_event", "event": {"type": "content_block_delta"}},
        {"type": "system", "subtype": "init", "tools": "Bash", "mcp_servers": {"name": "x"}},
        use("toolu_1", "Bash", command="ls"),
        result("toolu_1", None),
        final(),
    ]
    summary = read_events(events)
    assert [(s.tool, s.input, s.is_error, s.output) for s in summary.steps] == [
        ("Bash", "ls", False, "")
    ]
    assert summary.tools == () and summary.mcp_servers == ()
    assert summary.result == final()
    assert summary.events == sum(isinstance(e, dict) for e in events)


def test_no_events_give_an_empty_summary() -> None:
    summary = read_events([])
    assert (summary.steps, summary.tools, summary.result, summary.events) == ([], (), None, 0)


# --- input summaries ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tool", "tool_input", "expected"),
    [
        ("Bash", {"command": "git status", "description": "Show status"}, ("git status", None)),
        ("Bash", {"command": ["pytest", "-q"]}, ("pytest -q", None)),
        ("Edit", {"file_path": "/r/a.py", "old_string": "x"}, ("/r/a.py", "/r/a.py")),
        ("NotebookEdit", {"notebook_path": "n.ipynb"}, ("n.ipynb", "n.ipynb")),
        ("Grep", {"pattern": "TODO", "path": "src"}, ("TODO", "src")),
        (
            "WebFetch",
            {"url": "https://example.com", "prompt": "read"},
            ("https://example.com", None),
        ),
        ("Task", {"subagent_type": "Explore", "prompt": "look"}, ("Explore", None)),
        ("mcp__x__y", {"repo": "acme/x"}, ("acme/x", None)),
        ("mcp__x__y", {"n": 3}, ("", None)),
        ("Bash", "raw text", ("raw text", None)),
        ("Bash", None, ("", None)),
    ],
)
def test_an_input_is_summarized_by_its_most_telling_field(
    tool: str, tool_input: Any, expected: tuple[str, str | None]
) -> None:
    assert summarize_input(tool, tool_input) == expected


def test_result_text_accepts_strings_blocks_and_rubbish() -> None:
    assert result_text("plain") == "plain"
    assert result_text([{"type": "text", "text": "a"}, "b"]) == "a\nb"
    assert result_text(None) == ""
    assert result_text(42) == ""


# --- real captures (read-only, skipped when absent) ------------------------------------------


def test_the_simple_stream_sample_has_its_tools_mcp_servers_and_model() -> None:
    summary = read_events(read_sample(SIMPLE_STREAM))
    assert summary.mcp_servers == ("perplexity-mcp", "sequential-thinking")
    assert summary.model == "claude-sonnet-4-5-20250929"
    assert len(summary.tools) == 19
    assert [t for t in summary.tools if t.startswith("mcp__")] == [
        "mcp__perplexity-mcp__perplexity_ask",
        "mcp__perplexity-mcp__perplexity_reason",
        "mcp__sequential-thinking__sequentialthinking",
    ]


def test_the_simple_stream_sample_has_21_distinct_tool_calls() -> None:
    summary = read_events(read_sample(SIMPLE_STREAM))
    assert len(summary.steps) == 21
    # The first API message arrives as eight events sharing one message id.
    assert [s.tool for s in summary.steps[:7]] == [
        "Glob", "Grep", "Read", "Task", "Task", "WebSearch", "TodoWrite",
    ]  # fmt: skip
    assert summary.steps[-1].tool == "TodoWrite"


def test_the_simple_stream_samples_one_error_is_reading_a_directory() -> None:
    summary = read_events(read_sample(SIMPLE_STREAM))
    failed = [s for s in summary.steps if s.is_error]
    assert len(failed) == 1
    (step,) = failed
    assert (step.tool, step.input, step.path) == (
        "Read",
        "/home/user/project",
        "/home/user/project",
    )
    assert "EISDIR" in step.output
    assert step.parent == "toolu_014ZNMnsnumfmXfL43RcsT8z"


def test_the_simple_stream_samples_sub_agents_own_their_steps() -> None:
    summary = read_events(read_sample(SIMPLE_STREAM))
    explore, locator = "toolu_014ZNMnsnumfmXfL43RcsT8z", "toolu_01Xnzv79g9egnUYoGxEL9fir"
    assert sum(s.parent == explore for s in summary.steps) == 7
    assert sum(s.parent == locator for s in summary.steps) == 6
    assert sum(s.parent is None for s in summary.steps) == 8
    tasks = [s for s in summary.steps if s.tool == "Task"]
    assert [t.input for t in tasks] == ["Explore", "codebase-locator"]
    assert all(t.parent is None and t.output for t in tasks)


def test_the_simple_stream_samples_result_event_is_kept() -> None:
    summary = read_events(read_sample(SIMPLE_STREAM))
    assert summary.result is not None
    assert summary.result["subtype"] == "success"
    assert summary.result["num_turns"] == 19
    assert summary.result["permission_denials"] == []


def test_the_harbor_trial_sample_has_a_failed_read_then_a_write() -> None:
    found = sorted(glob.glob(str(SAMPLES / "harbor-trial" / "*" / "agent" / "claude-code.txt")))
    if not found:
        pytest.skip("the harbor-trial sample is not available")
    summary = read_events(read_sample(Path(found[0])))
    assert summary.model == "claude-opus-4-5-20251101"
    assert summary.mcp_servers == ()
    assert len(summary.tools) == 18 and "Bash" in summary.tools
    assert [(s.tool, s.path, s.is_error) for s in summary.steps] == [
        ("Read", "/workspace/submission.json", True),
        ("Write", "/workspace/submission.json", False),
    ]
    assert "File does not exist" in summary.steps[0].output
    assert summary.result is not None
    assert (summary.result["subtype"], summary.result["is_error"], summary.result["num_turns"]) == (
        "success",
        False,
        3,
    )


@pytest.mark.parametrize(
    ("old", "new"),
    [("a", "b"), ("a", "a"), ("", "a"), ("a", ""), ("", ""), ("a\n", "a"), (None, "x"),
     ("a", 3), ("a\nb", "a"), ("a\nb\nc", "a\nc"), ("x", "a\nx\nb"), ("a\r\nb", "b")],
)  # fmt: skip
def test_lines_an_edit_changes_are_what_a_line_diff_counts(old: Any, new: Any) -> None:
    import difflib

    before = old.splitlines() if isinstance(old, str) else []
    after = new.splitlines() if isinstance(new, str) else []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    same = sum(block.size for block in matcher.get_matching_blocks())
    assert edit_lines("Edit", {"old_string": old, "new_string": new}) == (
        len(after) - same,
        len(before) - same,
    )
