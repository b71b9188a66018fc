"""Damaged files of every format say what is wrong; no file's words pick its format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engram.loaders import Problem, load_file
from tests.loaders.reading import read


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
