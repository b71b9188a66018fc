"""What every test-output test checks of a parse."""

from __future__ import annotations

from engram.parse.testoutput import (
    ERROR_KINDS,
    MESSAGE_LIMIT,
    TestFailure,
    parse_test_output,
)


def failures(text: str, limit: int = 50) -> list[tuple[str | None, str, str]]:
    """(test, kind, message) of each failure, checking every failure's invariants on the way."""
    found = parse_test_output(text, limit)
    for failure in found:
        assert isinstance(failure, TestFailure)
        assert failure.kind in ERROR_KINDS
        assert len(failure.message) <= MESSAGE_LIMIT
        assert "\x1b" not in failure.message and "\n" not in failure.message
    return [(f.test, f.kind, f.message) for f in found]


def runners(text: str) -> set[str]:
    return {failure.runner for failure in parse_test_output(text)}
