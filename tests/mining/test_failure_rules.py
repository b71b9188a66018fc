"""Failure rules name something an agent can act on, or are not made."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import engram
from engram.mining.failure_rules import says_something
from engram.store import open_store


@pytest.mark.parametrize(
    ("template", "specific"),
    [
        ("unknown error", False),  # a failing test that printed no message
        ("assertion error", False),
        ("AssertionError", False),
        ("Error: Command failed with exit code <NUM>", False),
        ("Process exited with non-zero exit code <NUM>", False),
        ("Failed: Timeout ><NUM>s", True),
        ("ModuleNotFoundError: No module named <STR>", True),
        ("AssertionError: expected <NUM> records, got <NUM>", True),
    ],
)
def test_a_template_says_something_only_with_words_of_its_own(
    template: str, specific: bool
) -> None:
    assert says_something(template) is specific


def test_failing_tests_that_print_no_message_make_no_rule(tmp_path: Path) -> None:
    records = []
    for i in range(200):
        failed = i % 2 == 0
        records.append({
            "task_id": f"task-{i % 40}__{i}", "task_instruction": f"Fix {i % 40}.\nCategory: docs",
            "status": "fail" if failed else "pass", "test_reward": 0.0 if failed else 1.0,
            "test_output": f"FAILED tests/test_core.py::test_handler_{i % 7}" if failed else "",
            "code_changes": "diff --git a/x.py b/x.py\n+x = 1\n",
        })  # fmt: skip
    path = tmp_path / "runs.json"
    path.write_text(json.dumps(records))
    engram.learn([path])
    with open_store() as store:
        rules = store.rules()
    assert not [r for r in rules if r.is_failure], [r.text for r in rules]
