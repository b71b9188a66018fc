"""Message templates mask what varies and keep what a failure is."""

from __future__ import annotations

import pytest

from engram.parse.messages import failures_of, mask
from engram.trace import Failure, Outcome


@pytest.mark.parametrize(
    ("message", "template"),
    [
        ("AssertionError: expected 3, got 5 in /src/app/util_7.py",
         "AssertionError: expected <NUM>, got <NUM> in <PATH>"),
        ("ModuleNotFoundError: No module named 'storage.cache'",
         "ModuleNotFoundError: No module named <STR>"),
        ('KeyError: "user_id" at 0x7ffe12ab', "KeyError: <STR> at <HEX>"),
        ("./cache_token.go:41:7: undefined: OrderIndex",
         "<PATH>:<NUM>:<NUM>: undefined: OrderIndex"),
        ("panicked at src/lib.rs:12:5", "panicked at <PATH>:<NUM>:<NUM>"),
        ("commit 3f9a2bc1d0 failed, see https://ci.example.com/run/88",
         "commit <HEX> failed, see <URL>"),
        ("request 123e4567-e89b-12d3-a456-426614174000 timed out after 30.5s",
         "request <ID> timed out after <NUM>s"),
        ("RuntimeError: Docker compose command failed", "RuntimeError: Docker compose command failed"),
        ("it's   not\n quoted", "it's not quoted"),
        ("\x1b[31mE   assert 1 == 2\x1b[0m", "E assert <NUM> == <NUM>"),
    ],
)  # fmt: skip
def test_mask(message: str, template: str) -> None:
    assert mask(message) == template


def test_the_same_failure_with_other_values_has_one_template() -> None:
    first = mask("AssertionError: expected 41 records, got 0 (tests/test_io.py:88)")
    second = mask("AssertionError: expected 7 records, got 1 (tests/test_user.py:301)")
    assert first == second


def test_a_passed_run_reports_no_failures() -> None:
    assert failures_of(Outcome("pass", 1.0), "FAILED tests/test_a.py::test_x - assert 0") == ()


def test_an_error_run_leads_with_its_own_error() -> None:
    outcome = Outcome(
        "error", None, "infrastructure", "RuntimeError", "Docker compose command failed"
    )
    found = failures_of(outcome, "FAILED tests/test_a.py::test_x - AssertionError: no")
    assert found[0] == Failure("error", "runtime", "RuntimeError: Docker compose command failed")
    assert [f.source for f in found] == ["error", "test"]


def test_a_failed_run_leads_with_its_failing_tests() -> None:
    output = (
        "FAILED tests/test_a.py::test_x - AssertionError: wrong total\n"
        "FAILED tests/test_b.py::test_y - ModuleNotFoundError: No module named 'b'\n"
    )
    found = failures_of(Outcome("fail", 0.0, "tests_failed"), output)
    assert [(f.source, f.test, f.kind) for f in found] == [
        ("test", "tests/test_a.py::test_x", "assertion"),
        ("test", "tests/test_b.py::test_y", "import"),
    ]


def test_reported_errors_follow_the_tests() -> None:
    reported = [Failure("tool", "lint", "ruff: F401 unused import")]
    found = failures_of(Outcome("fail", 0.0, "tests_failed"), None, reported)
    assert found == tuple(reported)
