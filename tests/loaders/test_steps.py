"""Tool calls as steps: their exit codes in every form agents write them, and what failed."""

from __future__ import annotations

from pathlib import Path

import pytest

from engram.loaders.steps import exit_code, json_arguments, looks_failed, read_json, step


@pytest.mark.parametrize(("output", "code"), [
    ("<returncode>1</returncode>\nboom", 1),
    ("Process exited with code 0", 0),
    ("tests failed\nexit code: 2", 2),
    ("Exited with code -9", -9),
    ("[The command completed with exit code 127.]", 127),
    ("all good", None),
])  # fmt: skip
def test_the_exit_code_a_tool_reports(output: str, code: int | None) -> None:
    assert exit_code(output) == code


def test_an_exit_code_at_the_end_of_a_long_output_is_found() -> None:
    assert exit_code("x" * 100_000 + "\nProcess exited with code 3") == 3


def test_output_without_a_code_fails_when_it_reads_as_an_error() -> None:
    assert looks_failed("bash: pytst: command not found")
    assert looks_failed("Traceback (most recent call last):\n  File ...")
    assert not looks_failed("3 passed in 0.1s")


def test_a_step_is_judged_by_its_code_first_then_its_words() -> None:
    assert step("Bash", {"command": "pytest"}, "Process exited with code 1").is_error
    assert not step("Bash", {"command": "pytest"}, "error: a word\nProcess exited with code 0").is_error
    assert step("Bash", {"command": "ls"}, "ls: x: No such file or directory").is_error
    assert not step("Bash", {"command": "ls"}, "whatever", failed=False).is_error
    assert step("Bash", {"command": "cd repo && pytest -x"}).input.startswith("cd repo && pytest")


def test_arguments_given_as_json_text_are_parsed_and_plain_text_is_kept() -> None:
    assert json_arguments('{"command": "ls"}', "command") == {"command": "ls"}
    assert json_arguments("ls -la", "command") == {"command": "ls -la"}
    assert json_arguments({"path": "a.py"}, "command") == {"path": "a.py"}


def test_a_json_file_is_read_or_its_reason_given(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text('{"a": [1, 2]}')
    bad.write_text('{"a": [1, 2')
    assert read_json(good) == ({"a": [1, 2]}, None)
    data, reason = read_json(bad)
    assert data is None and reason is not None and reason.startswith("invalid JSON")
    data, reason = read_json(tmp_path / "missing.json")
    assert data is None and reason == "cannot read the file: No such file or directory"
