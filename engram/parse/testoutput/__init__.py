"""Failing tests and errors parsed from test-runner output (a verifier's stdout and stderr).

Recognizes pytest, unittest, Jest and Vitest, ``go test``, ``cargo test``, JUnit (Maven
Surefire and Gradle text, JUnit XML) and CTRF JSON reports. Output that matches none of them but has a clear error line
(a Python traceback, a line starting ``error:``) yields that one error, with runner ``"unknown"``.

Parsing never raises, uses no backtracking-prone patterns, and looks at most at ``MAX_CHARS`` of
text: the first 1.5 MB and the last 0.5 MB, where runners print their summaries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from engram.parse.testoutput.base import (
    ERROR_KINDS,
    MAX_CHARS,
    MESSAGE_LIMIT,
    RUNNERS,
    Found,
    TestFailure,
)
from engram.parse.testoutput.ctrf import parse_ctrf, parse_ctrf_text, read_ctrf
from engram.parse.testoutput.detect import detect_runner, detected
from engram.parse.testoutput.fallback import looks_passing, parse_unknown
from engram.parse.testoutput.go import parse_go
from engram.parse.testoutput.javascript import parse_jest
from engram.parse.testoutput.jvm import parse_junit
from engram.parse.testoutput.kinds import error_kind
from engram.parse.testoutput.python import parse_pytest, parse_unittest
from engram.parse.testoutput.rust import parse_cargo
from engram.parse.testoutput.text import as_text, clean_lines

__all__ = [
    "ERROR_KINDS",
    "MAX_CHARS",
    "MESSAGE_LIMIT",
    "RUNNERS",
    "TestFailure",
    "detect_runner",
    "error_kind",
    "parse_ctrf",
    "parse_test_output",
    "read_ctrf",
]

_PARSERS: dict[str, Callable[[list[str]], list[Found]]] = {
    "pytest": parse_pytest,
    "unittest": parse_unittest,
    "jest": parse_jest,
    "go": parse_go,
    "cargo": parse_cargo,
    "junit": parse_junit,
}


def _informative(failure: TestFailure) -> tuple[bool, bool, bool, int]:
    message = failure.message
    return (bool(message), failure.kind != "unknown", not message.endswith("..."), len(message))


def _merge(found: Iterable[Found], limit: int) -> list[TestFailure]:
    """One failure per key, at its first position, with the most informative message."""
    best: dict[str, Found] = {}
    for item in found:
        key = f"{item.failure.runner}\0{item.key}"
        kept = best.get(key)
        if kept is None:
            best[key] = item
        elif _informative(item.failure) > _informative(kept.failure):
            best[key] = Found(min(kept.pos, item.pos), item.key, item.failure)
        elif item.pos < kept.pos:
            best[key] = kept._replace(pos=item.pos)
    ordered = sorted(best.values(), key=lambda item: item.pos)
    return [item.failure for item in ordered[:limit]]


def _parse(text: object, limit: int = 50) -> list[TestFailure]:
    """parse_test_output without its guard (tests call it to see errors the guard would hide)."""
    source = as_text(text)
    if not source or not isinstance(limit, int) or limit <= 0:
        return []
    report = parse_ctrf_text(source, limit)
    if report is not None:
        return report
    lines = clean_lines(source)
    found: list[Found] = []
    for runner in detected(source):
        found.extend(_PARSERS[runner](lines))
    failures = _merge(found, limit)
    if not failures and not looks_passing(lines):
        failures = _merge(parse_unknown(lines), limit)
    return failures


def parse_test_output(text: str, limit: int = 50) -> list[TestFailure]:
    """The failing tests and errors in test-runner output, in the order the output shows them.

    One failure per test; at most ``limit``. A passing run, or output with no recognizable
    failure, gives []. Never raises.
    """
    try:
        return _parse(text, limit)
    except Exception:
        return []
