"""Output of no known runner that still has a clear error line."""

from __future__ import annotations

import re

from engram.parse.testoutput.base import Found
from engram.parse.testoutput.kinds import LINT_FORMAT, exception_name, make_found
from engram.parse.testoutput.python import traceback_message

_GENERIC_ERROR = re.compile(r"(?:error|Error|ERROR|fatal|FATAL|panic)(?:\[[\w-]{1,20}\])?: ?\S")
#: gcc, clang, javac, tsc: ``x.c:3:2: error: ...``, ``src/a.ts(3,7): error TS2345: ...``
_COMPILER_ERROR = re.compile(r"\S+?(?:\(\d+,\d+\)|:\d+(?::\d+)?):? (?:- )?(?:fatal )?error\b")
_PASSING = re.compile(
    r"^=+ [^=\n]{0,100}\b\d+ passed\b|^OK\b|^ok\s+\S|test result: ok\.|^Tests: +\d+ passed"
    r"|BUILD SUCCESS|^ *Tests +\d+ passed|^PASS\b|\ball tests passed\b|^ *\d+ passing\b"
    r"|^(?:\w+: )?\d+ passed\b",  # pytest -q, and the plain "N passed, N failed"
    re.MULTILINE | re.IGNORECASE,
)
_FAILING = re.compile(
    r"\b[1-9]\d* (?:failed|errors?)\b|^FAIL|test result: FAILED|BUILD FAILURE"
    r"|Failures: [1-9]|failures=[1-9]|^ *[1-9]\d* failing\b",
    re.MULTILINE,
)


def looks_passing(lines: list[str]) -> bool:
    sample = "\n".join(lines[:3_000] + lines[-3_000:]) if len(lines) > 6_000 else "\n".join(lines)
    return bool(_PASSING.search(sample)) and not _FAILING.search(sample)


def _error_line(line: str) -> bool:
    """Whether an unindented line is clearly an error: ``error: ...``, ``ValueError: ...``,
    a compiler's or linter's finding, a missing command."""
    if not line or line[0].isspace():
        return False
    return bool(
        _GENERIC_ERROR.match(line)
        or LINT_FORMAT.match(line)
        or _COMPILER_ERROR.match(line)
        or line.endswith("command not found")
        or exception_name(line)
    )


def parse_unknown(lines: list[str]) -> list[Found]:
    """The one clearest error in output of no known runner: a traceback's end, else an error line."""
    for i in range(len(lines) - 1, -1, -1):
        if lines[i].lstrip().startswith("Traceback (most recent call last)"):
            message = traceback_message(lines[i:])
            if message:
                return [make_found("unknown", i, "error", None, message)]
            break
    for i, line in enumerate(lines):
        if _error_line(line):
            return [make_found("unknown", i, "error", None, line)]
    return []
