"""CTRF test reports (https://ctrf.io), the JSON that Harbor's verifiers write to
``verifier/ctrf.json`` (pytest-json-ctrf) and that reporters for Jest, Vitest, Playwright,
Cypress, Go, JUnit and others write.

A report is ``{reportFormat: "CTRF", specVersion, results: {tool: {name}, summary, tests}}``;
each test has ``name``, ``status`` (passed, failed, skipped, pending, other), and when it failed
a ``message`` and a ``trace``, often a ``suite`` and ``filePath``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from engram.errors import os_reason
from engram.parse.testoutput.base import MAX_CHARS, MESSAGE_LIMIT, TestFailure
from engram.parse.testoutput.kinds import error_kind
from engram.parse.testoutput.text import clean_line

MAX_REPORT_BYTES = 64 * 1024 * 1024
_FAILED = frozenset({"failed", "fail", "failure", "error", "broken", "timedout", "timed_out"})
#: CTRF tool names (lower case, as reporters write them) by the runner they are.
_TOOLS = {
    "pytest": "pytest", "unittest": "unittest", "jest": "jest", "vitest": "jest",
    "go": "go", "gotest": "go", "go test": "go", "cargo": "cargo", "rust": "cargo",
    "junit": "junit", "maven": "junit", "gradle": "junit", "surefire": "junit",
}  # fmt: skip


def is_ctrf(data: Any) -> bool:
    """Whether ``data`` is a CTRF report: ``results`` holding a ``tests`` list."""
    if not isinstance(data, dict):
        return False
    results = data.get("results")
    return isinstance(results, dict) and isinstance(results.get("tests"), list)


def parse_ctrf(data: Any, limit: int = 50) -> list[TestFailure]:
    """The failed tests of a CTRF report, in its order; [] for anything that is not one."""
    if not is_ctrf(data) or not isinstance(limit, int) or limit <= 0:
        return []
    results = data["results"]
    tool = results.get("tool")
    name = tool.get("name") if isinstance(tool, dict) else None
    runner = _TOOLS.get(name.strip().lower(), "ctrf") if isinstance(name, str) else "ctrf"
    failures: list[TestFailure] = []
    for test in results["tests"][:100_000]:
        if not isinstance(test, dict) or str(test.get("status", "")).lower() not in _FAILED:
            continue
        failures.append(_failure(test, runner))
        if len(failures) >= limit:
            break
    return failures


def read_ctrf(path: Path, limit: int = 50) -> tuple[list[TestFailure] | None, str | None]:
    """A CTRF file's failed tests, or None and the reason it cannot be read."""
    try:
        if path.stat().st_size > MAX_REPORT_BYTES:
            return None, f"{path.name} is larger than {MAX_REPORT_BYTES >> 20} MB"
        data = orjson.loads(path.read_bytes())
    except OSError as exc:
        return None, f"cannot read {path.name}: {os_reason(exc)}"
    except orjson.JSONDecodeError as exc:
        return None, f"{path.name} is not valid JSON: {exc}"
    if not is_ctrf(data):
        return None, f"{path.name} is not a CTRF report (no results.tests)"
    return parse_ctrf(data, limit), None


def parse_ctrf_text(text: str, limit: int = 50) -> list[TestFailure] | None:
    """The failed tests when ``text`` is a CTRF report, else None."""
    start = text.lstrip()[:1]
    if start != "{" or len(text) > MAX_CHARS or '"results"' not in text:
        return None
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    return parse_ctrf(data, limit) if is_ctrf(data) else None


def _failure(test: dict[str, Any], runner: str) -> TestFailure:
    name = test.get("name")
    suite = test.get("suite")
    if isinstance(suite, list):
        suite = " > ".join(str(part) for part in suite[:10] if isinstance(part, str))
    title = clean_line(name) if isinstance(name, str) and name.strip() else None
    if title and isinstance(suite, str) and suite.strip() and suite not in title:
        title = clean_line(f"{suite} > {title}")
    message = test.get("message")
    trace = test.get("trace")
    text = message if isinstance(message, str) and message.strip() else ""
    if not text and isinstance(trace, str):
        text = _last_error_line(trace)
    clean = clean_line(text)[:MESSAGE_LIMIT]
    kind = error_kind(clean) if clean else "unknown"
    if kind == "unknown" and isinstance(trace, str):
        kind = error_kind(_last_error_line(trace))
    return TestFailure(title, kind, clean, runner)


def _last_error_line(trace: str) -> str:
    """A trace's most telling line: pytest's ``E   …`` line, else its last non-empty one."""
    lines = [line.strip() for line in trace[-20_000:].splitlines() if line.strip()]
    errors = [line[1:].strip() for line in lines if line.startswith("E ")]
    return errors[0] if errors else (lines[-1] if lines else "")
