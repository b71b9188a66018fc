"""Error kinds from a message: assertion, syntax, import, compile, timeout, lint, runtime."""

from __future__ import annotations

import re

from engram.parse.testoutput.base import KIND_INPUT_LIMIT, Found, TestFailure
from engram.parse.testoutput.text import ANSI, CONTROL, clean_line

LINT_FORMAT = re.compile(
    r"\S+:\d+:\d+: [A-Z]{1,4}\d{1,5}\b"  # ruff, flake8, pycodestyle, pylint
    r"|\S+\.pyi?:\d+(?::\d+)?: error: "  # mypy
    r"|\d+:\d+ +(?:error|warning) +\S"  # eslint's stylish format
    r"|[A-Z]{1,3}\d{3,4}(?: \[\*\])? [A-Za-z`'\"]"  # ruff's full format
)
_TYPED = re.compile(r"(?:[A-Za-z_][\w$]*\.)*([A-Za-z_][\w$]*)(?=:|$)")
_TYPE_SUFFIXES = ("Error", "Exception", "Failure", "Failed", "Fault", "Exit", "Interrupt")
_GENERIC_TYPES = frozenset({"Error", "Exception", "Failure", "Failed", "Fault"})
_KEYWORDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile("|".join(words), re.IGNORECASE | re.MULTILINE))
    for kind, words in (
        ("syntax", (
            r"syntaxerror", r"indentationerror", r"taberror", r"unexpected token",
            r"invalid syntax", r"\bsyntax error", r"unexpected indent", r"unterminated string",
            r"unexpected end of (?:input|file)", r"unexpected eof",
        )),
        ("import", (
            r"importerror", r"modulenotfounderror", r"cannot find module", r"no module named",
            r"cannot import name", r"\bE0432\b", r"unresolved import", r"module not found",
            r"failed to load url", r"\bpackage \S+ does not exist", r"no required module provides",
            r"cannot find package", r"classnotfoundexception", r"noclassdeffounderror",
            r"could not resolve import", r"unable to resolve module",
        )),
        ("compile", (
            r"\berror\[E\d{4}\]", r"\berror TS\d+", r"\bTS\d{4,5}:", r"compilation (?:error|failure|failed)",
            r"compile error", r"failed to compile", r"could not compile", r"\bbuild failed",
            r"cannot find symbol", r"\bundefined: \w", r"declared and not used",
            r"declared but not used", r"\.go:\d+:\d+: ", r"\.java:\[\d+,\d+\]",
            r"\.(?:java|kts?|scala|c|cc|cpp|cxx|h|hpp|cs|swift):\d+(?::\d+)?:? (?:fatal )?error",
            r"compileerror", r"incompatible types", r"mismatched types", r"is not assignable to",
            r"unresolved reference",
        )),
        ("timeout", (
            r"\btimed out\b", r"\btime out\b", r"\btimeout (?:of|after|exceeded|expired|reached)\b",
            r"\b(?:exceeded|hit|reached|expired)(?: the)? timeout", r"\btimeout\s*[>:(!]",
            r"^timeout\b", r"deadline exceeded", r"timeouterror", r"timeoutexception",
        )),
        ("lint", (
            r"\blint(?:er|ing)?\b", r"\beslint\b", r"\bflake8\b", r"\bruff\b", r"\bpylint\b",
            r"\bmypy\b", r"\bstylelint\b", r"golangci-lint", r"\bclippy\b",
        )),
        ("assertion", (
            r"\bassert", r"\bexpect\(",
            r"\bexpected\b[^\n]{0,300}?\b(?:received|got|but was|but got|actual|instead|"
            r"to (?:be|equal|have|contain|match|throw|include|deep(?:ly)?|strictly))\b",
            r"^(?:expected|received|actual)\b\s*:", r"\bgot\b[^\n]{0,300}?\bwant(?:ed)?\b",
            r"left == right", r"did not panic", r"did not contain expected", r"did not raise",
            r"\bnot equal\b", r"\bto(?:Be|Equal|StrictEqual|Match|Throw|Contain|HaveBeenCalled|"
            r"HaveLength|HaveProperty)", r"expected:\s*<", r"but was:?\s*<",
        )),
        ("runtime", (
            r"\bpanic(?:ked)?\b", r"segmentation fault", r"\bsigsegv\b", r"\bsigabrt\b",
            r"core dumped", r"nil pointer", r"null pointer", r"stack overflow", r"out of memory",
            r"traceback \(most recent call last\)", r"\bthrown\b", r"^(?:error|fatal)\b",
            r"\buncaught\b", r"\bunhandled\b", r"runtime error", r"exit (?:code|status) [1-9]",
            r"\bkilled\b", r"cannot read propert(?:y|ies) of", r"is not a function\b",
            r"\bis not defined\b", r"\bis not iterable\b",
        )),
    )
)  # fmt: skip
_EXCEPTION_WORD = re.compile(r"\b[A-Z]\w*?(?:Error|Exception)\b")


def error_kind(message: str) -> str:
    """The kind of error one message names: one of ERROR_KINDS, "unknown" when it names none.

    >>> error_kind("ModuleNotFoundError: No module named 'foo'")
    'import'
    >>> error_kind("expected 5, got 3")
    'assertion'
    """
    if not isinstance(message, str):
        return "unknown"
    text = CONTROL.sub("", ANSI.sub("", message[: KIND_INPUT_LIMIT * 2]))
    text = text.strip()[:KIND_INPUT_LIMIT]
    if not text:
        return "unknown"
    if LINT_FORMAT.match(text):
        return "lint"
    typed = _typed_kind(text)
    if typed:
        return typed
    for kind, pattern in _KEYWORDS:
        if pattern.search(text):
            return kind
    return "runtime" if _EXCEPTION_WORD.search(text) else "unknown"


def exception_name(text: str) -> str | None:
    """The exception type a message starts with ("ValueError", "java.lang.X"), if it does."""
    found = _TYPED.match(text)
    if not found:
        return None
    name = found.group(1)
    return name if name.endswith(_TYPE_SUFFIXES) else None


def _typed_kind(text: str) -> str | None:
    """The kind a leading, specific exception type gives; None for none or a generic one."""
    name = exception_name(text)
    if name is None or name in _GENERIC_TYPES:
        return None
    low = name.lower()
    if "assert" in low or low in ("comparisonfailure", "expectationfailed"):
        return "assertion"
    if "syntax" in low or low in ("indentationerror", "taberror"):
        return "syntax"
    if "import" in low or "modulenotfound" in low or "classnotfound" in low:
        return "import"
    if low == "noclassdeffounderror":
        return "import"
    if "timeout" in low or "timedout" in low:
        return "timeout"
    if "compil" in low:
        return "compile"
    return "runtime"


def runner_kind(message: str, fallback: str = "unknown") -> str:
    """error_kind, with a runner's default for a non-empty message that names no kind."""
    kind = error_kind(message)
    return fallback if kind == "unknown" and message else kind


def compile_kind(message: str, default: str = "compile") -> str:
    """A build error's kind: syntax or import when the message says so, else ``default``."""
    kind = error_kind(message)
    return kind if kind in ("syntax", "import") else default


def found_at(
    pos: tuple[int, int], key: str, runner: str, test: str | None, message: str, kind: str
) -> Found:
    return Found(pos, key, TestFailure(test, kind, message, runner))


def make_found(
    runner: str,
    pos: int,
    key: str,
    test: str | None,
    message: str,
    fallback: str = "unknown",
    sub: int = 0,
) -> Found:
    """A finding whose kind is read from its message (``fallback`` when it names none)."""
    text = clean_line(message)
    return found_at((pos, sub), key, runner, test, text, runner_kind(text, fallback))
