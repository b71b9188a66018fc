"""CTRF reports: the failed tests, their messages and kinds, from any tool that writes CTRF."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from engram.parse.testoutput import parse_ctrf, read_ctrf
from tests.parse.testoutput.helpers import failures, runners


def report(tests: list[dict[str, Any]], tool: str = "pytest") -> dict[str, Any]:
    failed = sum(t["status"] == "failed" for t in tests)
    return {
        "reportFormat": "CTRF",
        "specVersion": "0.0.0",
        "results": {
            "tool": {"name": tool},
            "summary": {"tests": len(tests), "passed": len(tests) - failed, "failed": failed,
                        "pending": 0, "skipped": 0, "other": 0, "start": 1, "stop": 2},
            "tests": tests,
        },
    }  # fmt: skip


PYTEST_CTRF = report([
    {"name": "test_outputs.py::test_file_exists", "status": "passed", "duration": 0.01},
    {"name": "test_outputs.py::test_header", "status": "failed", "duration": 0.02,
     "message": "AssertionError: assert 'a,b' == 'id,name'",
     "trace": "def test_header():\n>       assert rows[0] == 'id,name'\nE       AssertionError: "
              "assert 'a,b' == 'id,name'\n\ntest_outputs.py:9: AssertionError"},
    {"name": "test_outputs.py::test_import", "status": "failed", "duration": 0.0,
     "trace": "E   ModuleNotFoundError: No module named 'inventory'"},
    {"name": "test_outputs.py::test_slow", "status": "skipped", "duration": 0.0},
])  # fmt: skip


def test_the_failed_tests_of_a_report_with_their_messages_and_kinds() -> None:
    assert failures(json.dumps(PYTEST_CTRF)) == [
        ("test_outputs.py::test_header", "assertion", "AssertionError: assert 'a,b' == 'id,name'"),
        ("test_outputs.py::test_import", "import", "ModuleNotFoundError: No module named 'inventory'"),
    ]  # fmt: skip
    assert runners(json.dumps(PYTEST_CTRF)) == {"pytest"}


def test_suites_name_the_test_and_other_tools_are_ctrf() -> None:
    data = report([{"name": "adds", "status": "failed", "suite": ["calc", "sum"],
                    "message": "expected 3 to equal 4"}], tool="mocha")  # fmt: skip
    (failure,) = parse_ctrf(data)
    assert (failure.test, failure.kind, failure.runner) == (
        "calc > sum > adds",
        "assertion",
        "ctrf",
    )
    assert parse_ctrf(report([], tool="jest")) == []


def test_anything_that_is_not_a_report_gives_nothing() -> None:
    for value in (None, [], {"results": {}}, {"results": {"tests": {}}}, "text", 3):
        assert parse_ctrf(value) == []
    broken = {
        "results": {"tool": 5, "tests": [None, 7, {"status": ["failed"]}, {"status": "FAILED"}]}
    }
    assert [(f.test, f.message) for f in parse_ctrf(broken)] == [(None, "")]


def test_a_report_file_or_the_reason_it_cannot_be_read(tmp_path: Path) -> None:
    good = tmp_path / "ctrf.json"
    good.write_text(json.dumps(PYTEST_CTRF))
    found, problem = read_ctrf(good)
    assert problem is None and found is not None and len(found) == 2
    bad = tmp_path / "bad.json"
    bad.write_text('{"results": ')
    assert read_ctrf(bad)[0] is None and "not valid JSON" in str(read_ctrf(bad)[1])
    other = tmp_path / "other.json"
    other.write_text("{}")
    assert "not a CTRF report" in str(read_ctrf(other)[1])
    assert "cannot read" in str(read_ctrf(tmp_path / "missing.json")[1])
