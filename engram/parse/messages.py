"""A failed run's failures, and error messages as templates with their variable parts masked."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from engram.parse.redact import redact
from engram.trace import Failure, Outcome

MAX_FAILURES = 20
MESSAGE_LIMIT = 500
TEMPLATE_LIMIT = 300

#: Classes whose error message says more about the run than its test output.
_ERROR_FIRST = frozenset({"infrastructure", "model_provider", "verifier", "budget", "unknown"})

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
_CODE_EXTENSIONS = (
    "py|pyi|js|mjs|cjs|jsx|ts|tsx|go|rs|java|kt|scala|rb|php|cs|c|cc|cpp|cxx|h|hpp|swift|m|"
    "json|ya?ml|toml|ini|cfg|txt|md|html|css|sh|sql|lock|xml|proto"
)
#: Variable parts of a message, masked in this order (a quoted path is one string, not a path).
_MASKS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]{0,15}://[^\s'\"<>]+"), "<URL>"),
    (re.compile(r"(?<!\w)'[^'\n]{0,200}'(?!\w)"), "<STR>"),
    (re.compile(r'(?<!\w)"[^"\n]{0,200}"(?!\w)'), "<STR>"),
    (re.compile(r"`[^`\n]{0,200}`"), "<STR>"),
    (re.compile(r"\b[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}\b"), "<ID>"),
    (re.compile(r"\b0x[0-9a-fA-F]+\b"), "<HEX>"),
    (re.compile(r"\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,64}\b"), "<HEX>"),
    (re.compile(r"(?:[A-Za-z]:)?(?:[\w.@~+-]*[/\\])+[\w.@~+-]+"), "<PATH>"),
    (re.compile(rf"\b[\w-]+\.(?:{_CODE_EXTENSIONS})\b"), "<PATH>"),
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "<EMAIL>"),
    (re.compile(r"\d+(?:[.,]\d+)*"), "<NUM>"),
)
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=4_096)  # a failing test fails alike in many runs: 1,282 texts in 5,212
def mask(message: str) -> str:
    """The message's template: paths, numbers, ids, hashes and quoted strings masked.

    >>> mask("AssertionError: expected 3, got 5 in /src/app/util_7.py")
    'AssertionError: expected <NUM>, got <NUM> in <PATH>'
    """
    text = _ANSI.sub("", message)[:2_000]
    for pattern, marker in _MASKS:
        text = pattern.sub(marker, text)
    return _SPACE.sub(" ", text).strip()[:TEMPLATE_LIMIT]


def failure_template(failure: Failure) -> str:
    """What a failure is clustered by: its message's template, else its kind."""
    return mask(failure.message) or f"{failure.kind} error"


def failures_of(
    outcome: Outcome, test_output: str | None = None, reported: Iterable[Failure] = ()
) -> tuple[Failure, ...]:
    """What a run that did not pass reported, its main failure first.

    The run's own error leads when it ended in an error or a limit; otherwise the verifier's
    failing tests do, then errors a runner reported, then the error.
    """
    from engram.parse.testoutput import error_kind, parse_test_output

    if outcome.passed or not outcome.measured:
        return ()  # nothing failed, or nothing judged the run
    error = ": ".join(part for part in (outcome.error_type, outcome.error_message) if part)
    own = [Failure("error", error_kind(error), _clip(error))] if error else []
    tests = [
        Failure("test", found.kind, _clip(found.message), found.test)
        for found in parse_test_output(redact(test_output), limit=MAX_FAILURES)
    ] if test_output else []  # fmt: skip
    others = [*tests, *reported]
    if outcome.status == "error" or outcome.failure_class in _ERROR_FIRST:
        ordered = [*own, *others]
    else:
        ordered = [*others, *own]
    return tuple(ordered[:MAX_FAILURES])


def _clip(message: str) -> str:
    return _SPACE.sub(" ", _ANSI.sub("", message)).strip()[:MESSAGE_LIMIT]
