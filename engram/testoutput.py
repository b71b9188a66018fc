"""Failing tests and errors parsed from test-runner output (a verifier's stdout and stderr).

Recognizes pytest, unittest, Jest and Vitest, ``go test``, ``cargo test`` and JUnit (Maven
Surefire and Gradle text, JUnit XML). Output that matches none of them but has a clear error line
(a Python traceback, a line starting ``error:``) yields that one error, with runner ``"unknown"``.

Parsing never raises, uses no backtracking-prone patterns, and looks at most at ``MAX_CHARS`` of
text: the first 1.5 MB and the last 0.5 MB, where runners print their summaries.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

__all__ = [
    "ERROR_KINDS",
    "MAX_CHARS",
    "MESSAGE_LIMIT",
    "RUNNERS",
    "TestFailure",
    "detect_runner",
    "error_kind",
    "parse_test_output",
]

ERROR_KINDS = ("assertion", "syntax", "import", "compile", "timeout", "lint", "runtime", "unknown")
#: Runners a failure can come from; "unknown" is output that matched none but had an error line.
RUNNERS = ("pytest", "unittest", "jest", "go", "cargo", "junit", "unknown")
MAX_CHARS = 2_000_000
MESSAGE_LIMIT = 300

_HEAD_CHARS = 1_500_000  # of MAX_CHARS: the rest is taken from the end of the text
_SAMPLE_CHARS = 256_000  # runner detection reads this much of the head and of the tail
_LINE_LIMIT = 4_000  # longer lines are cut before any pattern sees them
_KIND_INPUT_LIMIT = 1_000
_MAX_FOUND = 5_000  # raw findings per parser
_BLOCK_LINES = 400  # lines of one failure block kept for its message


@dataclass(frozen=True, slots=True)
class TestFailure:
    """One failing test, or one error not tied to a test (then ``test`` is None).

    ``kind`` is one of ERROR_KINDS; ``message`` is the one-line error message (ANSI codes removed,
    at most MESSAGE_LIMIT characters, "" if none was found); ``runner`` is one of RUNNERS.
    """

    test: str | None
    kind: str
    message: str
    runner: str
    __test__ = False  # not a pytest test class


class _Found(NamedTuple):
    pos: tuple[int, int]  # (line index, order within the line's source) in the output
    key: str  # what de-duplicates: one failure per key
    failure: TestFailure


# --- text clean-up -------------------------------------------------------------------------------

_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b\n]*(?:\x07|\x1b\\)?|\x1b[@-_]?")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACE = re.compile(r"\s+")


def _capped(text: str) -> str:
    if len(text) <= MAX_CHARS:
        return text
    return text[:_HEAD_CHARS] + "\n" + text[len(text) - (MAX_CHARS - _HEAD_CHARS) :]


def _lines(text: str) -> list[str]:
    """The capped text's lines: ANSI codes and control characters removed, right-stripped."""
    text = _ANSI.sub("", _capped(text)).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    return [line[:_LINE_LIMIT].rstrip() for line in text.split("\n")]


def _clean(message: str) -> str:
    """One line: ANSI codes removed, whitespace collapsed, clipped to MESSAGE_LIMIT."""
    text = _ANSI.sub("", message[: MESSAGE_LIMIT * 8])
    return _SPACE.sub(" ", text).strip()[:MESSAGE_LIMIT].rstrip()


def _as_text(text: object) -> str:
    if isinstance(text, str):
        return text
    if isinstance(text, bytes | bytearray):
        return bytes(text[: MAX_CHARS * 2]).decode("utf-8", errors="replace")
    return ""


# --- error kinds ---------------------------------------------------------------------------------

_LINT_FORMAT = re.compile(
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
    text = _CONTROL.sub("", _ANSI.sub("", message[: _KIND_INPUT_LIMIT * 2]))
    text = text.strip()[:_KIND_INPUT_LIMIT]
    if not text:
        return "unknown"
    if _LINT_FORMAT.match(text):
        return "lint"
    typed = _typed_kind(text)
    if typed:
        return typed
    for kind, pattern in _KEYWORDS:
        if pattern.search(text):
            return kind
    return "runtime" if _EXCEPTION_WORD.search(text) else "unknown"


def _exception_name(text: str) -> str | None:
    """The exception type a message starts with ("ValueError", "java.lang.X"), if it does."""
    found = _TYPED.match(text)
    if not found:
        return None
    name = found.group(1)
    return name if name.endswith(_TYPE_SUFFIXES) else None


def _typed_kind(text: str) -> str | None:
    """The kind a leading, specific exception type gives; None for none or a generic one."""
    name = _exception_name(text)
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


def _kind(message: str, fallback: str = "unknown") -> str:
    """error_kind, with a runner's default for a non-empty message that names no kind."""
    kind = error_kind(message)
    return fallback if kind == "unknown" and message else kind


def _compile_kind(message: str, default: str = "compile") -> str:
    """A build error's kind: syntax or import when the message says so, else ``default``."""
    kind = error_kind(message)
    return kind if kind in ("syntax", "import") else default


def _found(
    pos: tuple[int, int], key: str, runner: str, test: str | None, message: str, kind: str
) -> _Found:
    return _Found(pos, key, TestFailure(test, kind, message, runner))


def _make(
    runner: str,
    pos: int,
    key: str,
    test: str | None,
    message: str,
    fallback: str = "unknown",
    sub: int = 0,
) -> _Found:
    """A finding whose kind is read from its message (``fallback`` when it names none)."""
    text = _clean(message)
    return _found((pos, sub), key, runner, test, text, _kind(text, fallback))


# --- runner detection ----------------------------------------------------------------------------

_SIGNS: dict[str, tuple[tuple[int, re.Pattern[str]], ...]] = {
    runner: tuple((weight, re.compile(pattern, re.MULTILINE)) for weight, pattern in signs)
    for runner, signs in {
        "pytest": (
            (3, r"^=+ test session starts =+$"),
            (3, r"^=+ (?:FAILURES|ERRORS|short test summary info) =+$"),
            (3, r"^(?:FAILED|ERROR) \S+\.py(?:::| - |$)"),
            (3, r"^=+ \d+ (?:passed|failed|errors?|skipped|deselected|xfailed|warnings?)\b"),
            (3, r"^platform \S+ -- Python \S+, pytest"),
            (3, r"^collected \d+ items?"),
            (3, r"^ImportError while loading conftest"),
            (3, r"^\++ Timeout \++$"),
            (2, r"^\S+\.py:\d+: (?:[A-Za-z_]\w*\.)*[A-Z]\w*(?:Error|Exception|Failed)$"),
            (1, r"^E {3,}\S"),
            (1, r"^\S+\.py::\S+ (?:PASSED|FAILED|ERROR)"),
        ),
        "unittest": (
            (3, r"^(?:FAIL|ERROR): \w+ \([\w.]+\)"),
            (3, r"^Ran \d+ tests? in [\d.]+s$"),
            (2, r"^FAILED \((?:failures|errors)=\d+"),
            (2, r"^\w+ \([\w.]+\) \.\.\. (?:ok|FAIL|ERROR|skipped)"),
        ),
        "jest": (
            (2, r"^ *● \S"),
            (3, r"^ *(?:FAIL|PASS) +\S+\.(?:test|spec)\.[cm]?[jt]sx?\b"),
            (2, r"^ (?:FAIL|PASS)  \S"),
            (3, r"^Tests: +\d+ (?:failed|passed)"),
            (3, r"^Test Suites: +\d+"),
            (3, r"^ *Test Files +\d+ (?:failed|passed)"),
            (3, r"^ *RUN +v\d+\.\d+\.\d+"),
            (1, r"^ *[✕×] \S"),
            (1, r"^ *[✓√] \S"),
        ),
        "go": (
            (3, r"^ *--- (?:FAIL|PASS|SKIP): \S+ \("),
            (3, r"^=== (?:RUN|CONT|PAUSE|FAIL:?) +\S"),
            (3, r"^(?:ok|FAIL)\s+\S+\s+(?:[\d.]+s|\(cached\)|\[(?:build|setup) failed\])"),
            (3, r"^panic: test timed out after"),
            (2, r"^\.{0,2}/?[\w./-]*\.go:\d+:\d+: "),
        ),
        "cargo": (
            (2, r"^running \d+ tests?$"),
            (3, r"^test result: (?:ok|FAILED)\."),
            (3, r"^---- .+ std(?:out|err) ----$"),
            (3, r"^error\[E\d{4}\]: "),
            (2, r"^ *Compiling \S+ v\d"),
            (2, r"' panicked at "),
            (2, r"^test \S+ \.\.\. (?:ok|FAILED|ignored)"),
        ),
        "junit": (
            (3, r"<testsuites?\b"),
            (3, r"<testcase\b"),
            (3, r"T E S T S"),
            (3, r"Tests run: \d+, Failures: \d+"),
            (3, r"<<< (?:FAILURE|ERROR)!"),
            (3, r"COMPILATION ERROR"),
            (2, r"BUILD (?:SUCCESS|FAILURE|FAILED)"),
            (2, r"^> Task :\S"),
            (1, r"^\[(?:INFO|ERROR|WARNING)\] "),
        ),
    }.items()
}
_MIN_SCORE = 2


def _sample(text: str) -> str:
    if len(text) <= 2 * _SAMPLE_CHARS:
        return text
    return text[:_SAMPLE_CHARS] + "\n" + text[-_SAMPLE_CHARS:]


def _scores(sample: str) -> dict[str, int]:
    return {
        runner: sum(weight for weight, pattern in signs if pattern.search(sample))
        for runner, signs in _SIGNS.items()
    }


def _detected(text: str) -> list[str]:
    """Runners whose signs the text shows, most likely first."""
    scores = _scores(_ANSI.sub("", _sample(text)).replace("\r", "\n"))
    ranked = sorted(scores, key=lambda runner: -scores[runner])  # stable: ties keep RUNNERS order
    return [runner for runner in ranked if scores[runner] >= _MIN_SCORE]


def detect_runner(text: str) -> str | None:
    """The test runner whose output this most looks like ("pytest", "go", ...), or None."""
    try:
        runners = _detected(_as_text(text))
    except Exception:
        return None
    return runners[0] if runners else None


# --- pytest --------------------------------------------------------------------------------------

_PY_SECTION = re.compile(r"_+ (.*\S) _+$")
_PY_BANNER = re.compile(r"=+ (.*\S) =+$")
_PY_LOCATION = re.compile(r"\S+:\d+: ([A-Za-z_][\w.]*)$")
_PY_STARTED = re.compile(r"(\S+\.py::\S+)")
_PY_XDIST = re.compile(r"\[gw\d+\] (?:\[ *\d+%\] )?")
_PY_TIMEOUT = re.compile(r"\++ Timeout \++$")
_EXC_LINE = re.compile(
    r"(?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*?(?:Error|Exception|Failed|Failure|Exit|Interrupt|Warning)\b"
    r"|Failed:|assert\b|StopIteration\b"
)
_PY_STATUS = ("PASSED", "FAILED", "ERROR", "SKIPPED", "XFAIL", "XPASS")


@dataclass(slots=True)
class _PySection:
    title: str
    pos: int
    e_lines: list[str] = field(default_factory=list)
    exc_type: str | None = None
    head: list[str] = field(default_factory=list)  # the section's first lines, for doctests


def _py_summary(line: str) -> tuple[str, str, str] | None:
    """(status, nodeid, message) of a short-summary line: ``FAILED tests/x.py::t - msg``."""
    line = _PY_XDIST.sub("", line, count=1) if line.startswith("[gw") else line
    for status in ("FAILED", "ERROR"):
        if line.startswith(status + " "):
            rest = line[len(status) + 1 :]
            cut = rest.find(" - ")
            nodeid, message = (rest[:cut], rest[cut + 3 :]) if cut >= 0 else (rest.strip(), "")
            head = nodeid.split("[", 1)[0]
            if nodeid and " " not in head and ("::" in head or head.endswith(".py") or "/" in head):
                return status, nodeid, message
    return None


def _py_verbose(line: str) -> str | None:
    """The node id of a verbose result line: ``tests/x.py::test_a FAILED  [ 50%]``."""
    for status in (" FAILED", " ERROR"):
        cut = line.find(status)
        if cut > 0:
            nodeid = line[:cut]
            head = nodeid.split("[", 1)[0]
            return nodeid if "::" in head and " " not in head else None
    return None


def _py_domain(nodeid: str) -> str:
    """The name heading a node's failure section: ``TestA.test_b[1]`` for ``x.py::TestA::test_b[1]``."""
    _, _, rest = nodeid.partition("::")
    head, bracket, tail = rest.partition("[")
    return head.replace("::", ".") + bracket + tail


def _py_nodeids(lines: list[str]) -> dict[str, list[str]]:
    """Node ids the summary and verbose lines name, by the name their sections are headed with."""
    domains: dict[str, list[str]] = {}
    for line in lines:
        nodeid = None
        if line.startswith(("FAILED ", "ERROR ", "[gw")):
            summary = _py_summary(line)
            nodeid = summary[1] if summary else None
        if nodeid is None and "::" in line and not line.startswith(" "):
            nodeid = _py_verbose(line)
        if nodeid and "::" in nodeid:
            named = domains.setdefault(_py_domain(nodeid), [])
            if nodeid not in named and len(named) < 100:
                named.append(nodeid)
    return domains


def _doctest_message(lines: list[str]) -> str:
    """A doctest failure's ``Expected: 4, Got: 3``, or its ``UNEXPECTED EXCEPTION`` line."""
    expected = got = None
    for j, line in enumerate(lines):
        after = lines[j + 1].strip() if j + 1 < len(lines) else ""
        if line.startswith("UNEXPECTED EXCEPTION: "):
            return line
        if line == "Expected:" and expected is None:
            expected = after
        elif line == "Got:" and got is None:
            got = after
        elif line == "Got nothing" and got is None:
            got = "nothing"
    return f"Expected: {expected}, Got: {got}" if expected is not None and got is not None else ""


def _py_message(section: _PySection) -> str:
    """The section's error line: its first exception-like ``E`` line, with the exception type."""
    if not section.e_lines and section.title.startswith("[doctest] "):
        doctest = _doctest_message(section.head)
        if doctest:
            return doctest
    lines = [line for line in section.e_lines if line]
    message = next((line for line in lines if _EXC_LINE.match(line)), lines[0] if lines else "")
    exc = section.exc_type
    if exc and exc != "Failed":
        short = exc.rsplit(".", 1)[-1]
        if not message:
            return exc
        if not message.split(":", 1)[0].strip().endswith(short):
            return f"{exc}: {message}"
    return message


def _parse_pytest(lines: list[str]) -> list[_Found]:
    """pytest: failure and error sections, the short test summary, collection errors, timeouts."""
    domains = _py_nodeids(lines)
    used: set[str] = set()
    found: list[_Found] = []
    section: _PySection | None = None
    started: str | None = None

    def resolve(name: str) -> str:
        candidates = domains.get(name, [])
        for nodeid in candidates:
            if nodeid not in used:
                used.add(nodeid)
                return nodeid
        return candidates[0] if candidates else name

    def flush() -> None:
        nonlocal section
        if section is not None:
            found.append(_py_section_found(section, resolve))
        section = None

    for i, line in enumerate(lines):
        if len(found) >= _MAX_FOUND:
            break
        first = line[:1]
        if section is not None and len(section.head) < 60:
            section.head.append(line)
        if first == "E" and section is not None and (line == "E" or line[1:2] == " "):
            if len(section.e_lines) < 50:
                section.e_lines.append(line[1:].strip())
        elif first == "_" and (header := _PY_SECTION.match(line)):
            title = header.group(1)
            if set(title) <= {"_", " "}:
                continue
            flush()
            section = _PySection(title, i)
        elif first == "=" and _PY_BANNER.match(line):
            flush()
        elif first == "+" and _PY_TIMEOUT.match(line):
            test = started
            found.append(_make("pytest", i, test or "timeout:", test, "Timeout", "timeout"))
        elif line.startswith("ImportError while loading conftest"):
            flush()
            section = _PySection("conftest", i)
        elif line.startswith(("FAILED ", "ERROR ", "[gw")) and (summary := _py_summary(line)):
            flush()
            _, nodeid, message = summary
            test = nodeid if "::" in nodeid else None
            key = nodeid if test else f"collect:{nodeid}"
            found.append(_make("pytest", i, key, test, message))
        elif section is None and line.startswith("ERROR: ") and not _UT_HEADER.match(line):
            flush()
            message = line[len("ERROR: ") :]
            found.append(_make("pytest", i, f"usage:{message}", None, message))
        elif section is not None and first not in ("", " ") and (where := _PY_LOCATION.match(line)):
            section.exc_type = where.group(1)
        elif "::" in line and first not in ("", " ") and (start := _PY_STARTED.match(line)):
            started = None if any(s in line for s in _PY_STATUS) else start.group(1)
            if verbose := _py_verbose(line):
                found.append(_make("pytest", i, verbose, verbose, ""))
    flush()
    return found


def _py_section_found(section: _PySection, resolve: Callable[[str], str]) -> _Found:
    title = section.title
    message = _py_message(section)
    if title == "conftest":
        return _make("pytest", section.pos, "conftest:", None, message)
    if title.startswith("ERROR collecting "):
        path = title[len("ERROR collecting ") :]
        return _make("pytest", section.pos, f"collect:{path}", None, message)
    for prefix in ("ERROR at setup of ", "ERROR at teardown of ", "ERROR at call of "):
        if title.startswith(prefix):
            title = title[len(prefix) :]
    title = title.removeprefix("[doctest] ")
    test = resolve(title)
    return _make("pytest", section.pos, test, test, message)


# --- unittest ------------------------------------------------------------------------------------

_UT_HEADER = re.compile(r"(FAIL|ERROR|UNEXPECTED SUCCESS): (\S+) \(([\w.]+)\)(.*)$")
_UT_NAME = re.compile(r"\S+ \([\w.]+\)")
_UT_PROGRESS = (" ... FAIL", " ... ERROR")


def _traceback_message(lines: list[str]) -> str:
    """The exception line that ends the last Python traceback in ``lines``; else the first line."""
    start = -1
    for i in range(len(lines) - 1, -1, -1):
        if lines[i].lstrip().startswith("Traceback (most recent call last)"):
            start = i + 1
            break
    if start < 0:
        return next((line.strip() for line in lines if line.strip()), "")
    return next((line.strip() for line in lines[start:] if line[:1] not in ("", " ", "\t")), "")


def _parse_unittest(lines: list[str]) -> list[_Found]:
    """unittest (and Django): ``FAIL:``/``ERROR:`` blocks and their tracebacks, progress lines."""
    found: list[_Found] = []
    block: tuple[int, str | None, str, str] | None = None  # pos, test, key, status
    body: list[str] = []
    opened = False

    def flush() -> None:
        nonlocal block
        if block is not None:
            pos, test, key, status = block
            fallback = "assertion" if status == "FAIL" else "runtime"
            found.append(_make("unittest", pos, key, test, _traceback_message(body), fallback))
        block = None

    for i, line in enumerate(lines):
        if len(found) >= _MAX_FOUND:
            break
        if line.startswith(("FAIL: ", "ERROR: ", "UNEXPECTED SUCCESS: ")) and (
            header := _UT_HEADER.match(line)
        ):
            flush()
            status, method, where, extra = header.groups()
            name = f"{method} ({where}){extra}".rstrip()
            loader = where.startswith("unittest.loader.")  # the module failed to import
            test, key = (None, f"loader:{method}") if loader else (name, name)
            block, body, opened = (i, test, key, status), [], False
        elif line.startswith(("=====", "-----")) and len(set(line)) == 1 and len(line) >= 20:
            if block is not None and opened:
                flush()
            opened = True
        elif block is not None and opened:
            if len(body) < _BLOCK_LINES:
                body.append(line)
        elif line.endswith(_UT_PROGRESS):
            name = line.rsplit(" ... ", 1)[0]
            if _UT_NAME.fullmatch(name):
                fallback = "assertion" if line.endswith("FAIL") else "runtime"
                found.append(_make("unittest", i, name, name, "", fallback))
    flush()
    return found


# --- Jest and Vitest -----------------------------------------------------------------------------

_JEST_FRAME = re.compile(r">? *\d+ *\||\|")
_JEST_TIME = re.compile(r" ?\(\d+(?:\.\d+)? ?m?s\)$| \d+(?:\.\d+)?m?s$")
_JEST_MARKS = ("✓", "√", "✕", "×", "○", "✎", "❯", "→", "↓", "●", "›")
_JEST_ENDS = ("Test Suites:", "Tests:", "Test Files", "Summary of all failing tests", "Snapshots:")


@dataclass(slots=True)
class _JestBlock:
    pos: int
    key: str
    test: str | None
    style: str  # "jest", "suite" or "vitest"
    lines: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _JestCross:
    pos: int
    file: str
    name: str
    title: str
    message: str


def _jest_message(lines: list[str]) -> str:
    """A ``●`` block's message: its first line, with the first Expected/Received lines."""
    content = _jest_content(lines)
    if not content:
        return ""
    details = []
    for word in ("Expected", "Received"):
        line = next((s for s in content[1:60] if s.startswith(word) and ": " in s), None)
        if line:
            details.append(line)
    return f"{content[0]} ({', '.join(details)})" if details else content[0]


def _jest_suite_message(lines: list[str]) -> str:
    """A suite error's message: its first exception-like line, else its first line."""
    content = _jest_content(lines)
    for line in content[:80]:
        if _exception_name(line) or "Cannot find module" in line or "error TS" in line:
            return line
    return content[0] if content else ""


def _jest_content(lines: list[str]) -> list[str]:
    stripped = (line.strip() for line in lines)
    return [
        line
        for line in stripped
        if line and not _JEST_FRAME.match(line) and not line.startswith(("at ", "❯ ", "⎯"))
    ]


def _parse_jest(lines: list[str]) -> list[_Found]:
    """Jest and Vitest: ``●`` blocks, ``FAIL file > test`` blocks, ``✕``/``×`` lines, suites."""
    found: list[_Found] = []
    crosses: list[_JestCross] = []
    files: dict[str, int] = {}
    block: _JestBlock | None = None
    current = ""
    stack: list[tuple[int, str]] = []

    def flush() -> None:
        nonlocal block
        if block is not None:
            if block.style == "jest":
                message = _jest_message(block.lines)
            elif block.style == "suite":
                message = _jest_suite_message(block.lines)
            else:
                content = _jest_content(block.lines)
                message = content[0] if content else ""
            found.append(_make("jest", block.pos, block.key, block.test, message))
        block = None

    for i, line in enumerate(lines):
        if len(found) >= _MAX_FOUND:
            break
        text = line.strip()
        if text.startswith("FAIL ") or text.startswith("FAIL\t"):
            flush()
            rest = text[5:].strip()
            file, sep, name = rest.partition(" > ")
            if sep:
                block = _JestBlock(i, f"{file}\0{name}", name, "vitest")
            elif rest.endswith("]") and " [" in rest:
                file = rest.split(" [", 1)[0]
                block = _JestBlock(i, f"suite:{file}", None, "suite")
            elif rest:
                current = rest.split()[0]
                files.setdefault(current, i)
            stack = []
        elif text.startswith("PASS ") or text.startswith(_JEST_ENDS) or text.startswith("⎯"):
            flush()
            stack = []
        elif text.startswith("●"):
            flush()
            name = text[1:].strip()
            if name == "Test suite failed to run":
                block = _JestBlock(i, f"suite:{current}", None, "suite")
            elif name and not name.startswith(("Console", "Validation")):
                block = _JestBlock(i, f"{current}\0{name}", name, "jest")
        elif block is not None:
            if len(block.lines) < _BLOCK_LINES:
                block.lines.append(line)
        elif text.startswith("❯ ") and any(c in text.split()[1] for c in "/."):
            current, stack = text.split()[1], []  # Vitest: ❯ src/x.test.ts (3 tests | 1 failed)
        elif text[:1] in ("✕", "×") and text[1:2] == " ":
            cross = _jest_cross(lines, i, current, stack)
            if cross:
                crosses.append(cross)
        elif not text:
            stack = []
        elif line.startswith("  ") and not text.startswith(_JEST_MARKS) and len(stack) < 50:
            indent = len(line) - len(line.lstrip())
            while stack and stack[-1][0] >= indent:
                stack.pop()
            stack.append((indent, text))
    flush()
    return found + _jest_leftovers(found, crosses, files)


def _jest_cross(
    lines: list[str], i: int, file: str, stack: list[tuple[int, str]]
) -> _JestCross | None:
    """A ``✕ title (5 ms)`` line: its test's full name, and a Vitest ``→ message`` after it."""
    line = lines[i]
    indent = len(line) - len(line.lstrip())
    title = _JEST_TIME.sub("", line.strip()[2:].strip()).strip()
    if not title:
        return None
    parents = [name for depth, name in stack if depth < indent]
    name = title if " > " in title or not parents else " › ".join([*parents, title])
    after = lines[i + 1].strip() if i + 1 < len(lines) else ""
    message = after[1:].strip() if after.startswith("→") else ""
    return _JestCross(i, file, name, title, message)


def _last_part(name: str) -> str:
    return name.rsplit(" › ", 1)[-1].rsplit(" > ", 1)[-1]


def _jest_leftovers(
    found: list[_Found], crosses: list[_JestCross], files: dict[str, int]
) -> list[_Found]:
    """``✕`` tests no block described, and failed files nothing else is known of."""
    names = {item.key for item in found}
    known: dict[tuple[str, str], str] = {}  # (file or "", full or last name) -> key
    for key in names:
        file, _, name = key.partition("\0")
        for where in (file, ""):
            known.setdefault((where, name), key)
            known.setdefault((where, _last_part(name)), key)
    extra: list[_Found] = []
    for cross in crosses:
        match = known.get((cross.file, cross.name)) or known.get(
            (cross.file, _last_part(cross.title))
        )
        key = match or f"{cross.file}\0{cross.name}"
        if match is None:
            known[(cross.file, cross.name)] = key
            names.add(key)
        # a block found later is the same test: this earlier line lends it its position
        extra.append(_make("jest", cross.pos, key, cross.name, cross.message))
    told = {key.split("\0", 1)[0].removeprefix("suite:") for key in names}
    for file, pos in files.items():
        if file not in told:
            extra.append(_make("jest", pos, f"file:{file}", file, ""))
    return extra


# --- go test -------------------------------------------------------------------------------------

_GO_RESULT = re.compile(r"( *)--- (FAIL|PASS|SKIP): (\S+) \(")
_GO_GOTESTSUM = re.compile(r"=== FAIL: \S+ (\S+) \(")
_GO_RUN = re.compile(r"=== (?:RUN|CONT|NAME) +(\S+)")
_GO_LOG = re.compile(r"\s+[\w.\-/]+\.go:\d+: ?(.*)$")
_GO_BUILD = re.compile(r"(?:\.{0,2}/)?[\w.\-/@]*\.go:\d+(?::\d+)?: (.+)$")
_GO_BUILD_FAILED = re.compile(r"FAIL\s+(\S+)\s+\[(?:build|setup) failed\]")
_GO_RUNNING = re.compile(r"\s+(Test\S*) \(")
_TESTIFY_LABELS = ("Error Trace:", "Error:", "Test:", "Messages:")


@dataclass(slots=True)
class _GoTest:
    pos: int
    logs: list[str] = field(default_factory=list)
    panic: str = ""
    failed: bool = False


def _testify_message(lines: list[str], i: int) -> str:
    """testify's ``Error:`` field (with its continuation lines) after an empty log line."""
    parts: list[str] = []
    for line in lines[i + 1 : i + 40]:
        text = line.strip()
        if not line[:1].isspace() or _GO_LOG.match(line) or text.startswith("--- "):
            break
        if text.startswith("Error:"):
            parts = [text[len("Error:") :].strip()]
        elif parts and text.startswith(_TESTIFY_LABELS):
            break
        elif parts:
            parts.append(text)
    return " ".join(parts)


def _parse_go(lines: list[str]) -> list[_Found]:
    """go test: ``--- FAIL`` tests with their log lines, panics, time-outs and build errors."""
    tests: dict[str, _GoTest] = {}
    found: list[_Found] = []
    current: str | None = None
    build: tuple[str, bool] | None = None  # package, whether vet reports it
    broken: set[str] = set()
    for i, line in enumerate(lines):
        if len(found) + len(tests) >= _MAX_FOUND:
            break
        if line.startswith("# "):
            header = line[2:].strip()
            build = (header.strip("[]").split(" ", 1)[0], header.startswith("["))
            continue
        if build is not None and line and not line[0].isspace():
            if (error := _GO_BUILD.match(line)) is not None:
                package, vet = build
                broken.add(package)
                kind = _compile_kind(error.group(1), "lint" if vet else "compile")
                found.append(_found((i, 0), f"build:{line}", "go", None, _clean(line), kind))
                continue
            build = None
        if (result := _GO_RESULT.match(line)) or (result := _GO_GOTESTSUM.match(line)):
            name = result.group(result.lastindex or 1)
            current = name
            if result.re is _GO_GOTESTSUM or result.group(2) == "FAIL":
                tests.setdefault(name, _GoTest(i)).failed = True
        elif run := _GO_RUN.match(line):
            current = run.group(1)
        elif line.startswith("panic: "):
            message = line.removesuffix(" [recovered]")
            if message.startswith("panic: test timed out after"):
                name = _go_running(lines, i) or current
                key = name or "timeout:"
                found.append(_found((i, 0), key, "go", name, _clean(message), "timeout"))
            elif current is not None:
                test = tests.setdefault(current, _GoTest(i))
                test.panic = test.panic or message
            else:
                found.append(_make("go", i, f"panic:{message}", None, message, "runtime"))
        elif current is not None and (log := _GO_LOG.match(line)):
            message = log.group(1).strip() or _testify_message(lines, i)
            test = tests.setdefault(current, _GoTest(i))
            if len(test.logs) < 20 and message:
                test.logs.append(message)
        elif failed := _GO_BUILD_FAILED.match(line):
            package = failed.group(1)
            if package not in broken:
                broken.add(package)
                found.append(_found((i, 0), f"build:{line}", "go", None, _clean(line), "compile"))
    return found + _go_tests(tests)


def _go_running(lines: list[str], i: int) -> str | None:
    """The test a ``panic: test timed out`` names under ``running tests:``."""
    for line in lines[i + 1 : i + 4]:
        if running := _GO_RUNNING.match(line):
            return running.group(1)
    return None


def _slashes(name: str) -> list[int]:
    return [i for i, char in enumerate(name) if char == "/"][:20]


def _go_tests(tests: dict[str, _GoTest]) -> list[_Found]:
    failed = {name for name, test in tests.items() if test.failed or test.panic}
    parents = {name.rsplit("/", 1)[0] for name in failed if "/" in name}
    parents |= {name[:cut] for name in parents for cut in _slashes(name)}
    found = []
    for name, test in tests.items():
        if name not in failed:
            continue
        own = test.panic or (test.logs[0] if test.logs else "")
        if not own and name in parents:
            continue  # failed only through its subtests, which are reported themselves
        fallback = "runtime" if test.panic else "assertion"
        found.append(_make("go", test.pos, name, name, own, fallback))
    return found


# --- cargo test ----------------------------------------------------------------------------------

_RUST_ERROR = re.compile(r"error(?:\[(E\d{4})\])?: (.+)$")
_RUST_LOCATION = re.compile(r"\s*--> (\S+)")
_RUST_OLD_END = re.compile(r"(.*)', \S+:\d+(?::\d+)?$")
_RUST_SKIP = ("test failed, to rerun", "aborting due to", "could not compile", "Recipe ")


def _rust_details(message: str, after: list[str]) -> str:
    """A panic message with the ``left:``/``right:`` lines that follow it."""
    details = []
    for line in after[:4]:
        text = line.strip()
        if text.startswith(("left:", "right:")):
            end = _RUST_OLD_END.match(text)
            details.append((end.group(1) if end else text).rstrip(","))
        else:
            break
    return f"{message} ({', '.join(details)})" if details else message


def _rust_panic(lines: list[str]) -> str | None:
    """The panic message of one test's captured output, old or new Rust format."""
    for j, line in enumerate(lines):
        cut = line.find("' panicked at ")
        if not line.lstrip().startswith("thread '") or cut < 0:
            continue
        rest = line[cut + len("' panicked at ") :]
        if rest.startswith("'"):  # Rust < 1.73: panicked at 'msg', src/lib.rs:5:9
            end = _RUST_OLD_END.match(rest[1:])
            if end:
                return end.group(1)
            return _rust_details(rest[1:], lines[j + 1 :])
        after = lines[j + 1 :]
        first = next((text.strip() for text in after[:1] if text.strip()), "")
        if first.startswith("note:"):
            first = ""
        return _rust_details(first, after[1:]) if first else ""
    return None


def _rust_message(lines: list[str]) -> str:
    panic = _rust_panic(lines)
    if panic is not None:
        return panic
    for line in lines:
        text = line.strip()
        if text.startswith("note: test did not panic as expected"):
            return text[len("note: ") :]
        if text.startswith("Error: "):
            return text
    return next(
        (s for s in (line.strip() for line in lines) if s and not s.startswith("note:")), ""
    )


def _rust_loose_panic(lines: list[str], i: int) -> _Found:
    """A panic printed outside a test's section (``--nocapture``, or a binary's own panic)."""
    line = lines[i]
    thread = line[len("thread '") : line.find("' panicked at ")]
    message = _rust_panic(lines[i : i + 12]) or ""
    if thread in ("", "main", "<unnamed>"):
        return _make("cargo", i, f"panic:{message}", None, message, "runtime")
    return _make("cargo", i, thread, thread, message, "runtime")


def _parse_cargo(lines: list[str]) -> list[_Found]:
    """cargo test: ``---- name stdout ----`` sections, ``... FAILED`` lines, rustc errors."""
    found: list[_Found] = []
    named: dict[str, int] = {}
    sections: dict[str, tuple[int, list[str]]] = {}
    section: list[str] | None = None
    in_list = False
    fallback: _Found | None = None
    for i, line in enumerate(lines):
        if len(found) + len(named) >= _MAX_FOUND:
            break
        if line.startswith("---- ") and line.endswith(" ----"):
            inner = line[5:-5]
            name = inner.rsplit(" ", 1)[0] if inner.endswith((" stdout", " stderr")) else inner
            section = [] if name not in sections else None
            if section is not None:
                sections[name] = (i, section)
            named.setdefault(name, i)
            in_list = False
        elif line == "failures:":
            section, in_list = None, True
        elif line.startswith(("test result:", "running ")):
            section, in_list = None, False
        elif in_list and line.startswith("    ") and line.strip():
            named.setdefault(line.strip(), i)
        elif line.startswith("test ") and line.endswith(" ... FAILED"):
            named.setdefault(line[5 : -len(" ... FAILED")], i)
        elif section is not None:
            if len(section) < _BLOCK_LINES:
                section.append(line)
        elif line.startswith("thread '") and "' panicked at " in line:
            found.append(_rust_loose_panic(lines, i))
        elif line.startswith("error") and (error := _RUST_ERROR.match(line)):
            message = error.group(2)
            where = _RUST_LOCATION.match(lines[i + 1]) if i + 1 < len(lines) else None
            key = f"compile:{line}@{where.group(1) if where else ''}"
            item = _found((i, 0), key, "cargo", None, _clean(line), _compile_kind(line))
            if message.startswith("could not compile"):
                fallback = fallback or item
            elif not message.startswith(_RUST_SKIP):
                found.append(item)
        elif in_list and line.strip():
            in_list = False
    for name, pos in named.items():
        _, body = sections.get(name, (pos, []))
        found.append(_make("cargo", pos, name, name, _rust_message(body), "runtime"))
    if fallback is not None and not any(item.failure.test is None for item in found):
        found.append(fallback)
    return found


# --- JUnit: Maven Surefire, Gradle, JUnit XML ----------------------------------------------------

# Maven's log-level prefix; GitHub Actions shows "[ERROR] " as "Error:  ".
_MVN_PREFIX = re.compile(r"\[(?:ERROR|INFO|WARNING|WARN)\] ?|(?:Error|Warning): ")
_MVN_OLD_NAME = re.compile(r"([\w$]+)\(([\w.$]+)\)")
_JAVA_COMPILE = re.compile(
    r"(\S+\.(?:java|kt|scala|groovy)):\[(\d+),(\d+)\] (.+)$"  # maven-compiler-plugin
    r"|(\S+\.java):(\d+): error: (.+)$"  # javac, Gradle
    r"|e: (?:file://)?(\S+\.kts?):(\d+):(\d+) (.+)$"  # kotlinc
)
_GRADLE_TEST = re.compile(r"(\S+) > (.+) FAILED$")
#: Surefire's result summary headings, and the kind of a message under each that names none;
#: the old (2.x) headings have their first test on the same line.
_SUMMARY_HEADS = {"Failures:": "assertion", "Errors:": "runtime"}
_OLD_SUMMARY_HEADS = {"Failed tests:": "assertion", "Tests in error:": "runtime"}


def _summary_head(text: str) -> tuple[str, str] | None:
    """(heading, kind) when a line opens a Surefire summary section."""
    if text in _SUMMARY_HEADS:
        return text, _SUMMARY_HEADS[text]
    head = next((h for h in _OLD_SUMMARY_HEADS if text.startswith(h)), None)
    return (head, _OLD_SUMMARY_HEADS[head]) if head else None


def _mvn_name(name: str) -> str:
    """``testBar(com.acme.FooTest)`` as ``com.acme.FooTest.testBar``; other names unchanged."""
    old = _MVN_OLD_NAME.fullmatch(name)
    return f"{old.group(2)}.{old.group(1)}" if old else name


def _mvn_detail(lines: list[str], i: int) -> str:
    """The exception line after a ``<<< FAILURE!`` header."""
    for line in lines[i + 1 : i + 6]:
        text = line.strip()
        if not text:
            continue
        if text.startswith(("[", "at ")):
            return ""
        return text
    return ""


def _parse_junit(lines: list[str]) -> list[_Found]:
    """Surefire's per-test and summary lines, compilation errors, Gradle, and JUnit XML."""
    found: list[_Found] = []
    full: dict[str, str] = {}  # a per-test block's name, by itself and by Class.method
    summary: str | None = None
    compilation: int | None = None
    for i, line in enumerate(lines):
        if len(found) >= _MAX_FOUND:
            break
        text = _MVN_PREFIX.sub("", line, count=1) if line.startswith(("[", "Error: ")) else line
        stripped = text.strip()
        if "<<< " in text and "Time elapsed" in text and "Tests run:" not in text:
            name = _mvn_name(text[: text.find("Time elapsed")].strip().rstrip("-").strip())
            fallback = "assertion" if "<<< FAILURE" in text else "runtime"
            full.setdefault(".".join(name.rsplit(".", 2)[-2:]), name)
            full[name] = name
            found.append(_make("junit", i, name, name, _mvn_detail(lines, i), fallback))
            summary = None
        elif heading := _summary_head(stripped):
            head, summary = heading
            rest = stripped[len(head) :].strip()
            if rest:
                found.append(_mvn_summary(i, rest, summary, full))
        elif summary is not None and text.startswith("  ") and stripped:
            if not stripped.startswith("Run "):
                found.append(_mvn_summary(i, stripped, summary, full))
        elif stripped.startswith("COMPILATION ERROR"):
            compilation = i if compilation is None else compilation
        elif (".java:" in text or ".kt" in text or ".scala:" in text or ".groovy:" in text) and (
            error := _JAVA_COMPILE.match(stripped)
        ):
            found.append(_java_compile(lines, i, stripped, error))
        elif (gradle := _GRADLE_TEST.match(line)) is not None:
            method = gradle.group(2).removesuffix("()")
            name = f"{gradle.group(1)}.{method}"
            detail = lines[i + 1].strip() if i + 1 < len(lines) else ""
            found.append(_make("junit", i, name, name, detail, "assertion"))
        else:
            summary = None if stripped and not text.startswith("  ") else summary
    if compilation is not None and not any(item.key.startswith("compile:") for item in found):
        found.append(
            _found((compilation, 0), "compile:", "junit", None, "COMPILATION ERROR", "compile")
        )
    return found + _parse_junit_xml(lines)


def _mvn_summary(i: int, text: str, fallback: str, full: dict[str, str]) -> _Found:
    """One line of Surefire's Failures:/Errors: summary: ``FooTest.testBar:42 message``."""
    token, _, message = text.partition(" ")
    old = _MVN_OLD_NAME.match(token)
    if old:
        name = f"{old.group(2)}.{old.group(1)}"
        message = text[old.end() :].lstrip(":").strip()
    else:
        name = token.split("->", 1)[0].split(":", 1)[0]
        name = full.get(name, name)
    message = message.strip()
    if message.startswith("»"):
        message, fallback = message[1:].strip(), "runtime"
    return _make("junit", i, name, name, message, fallback)


def _java_compile(lines: list[str], i: int, text: str, error: re.Match[str]) -> _Found:
    groups = [group for group in error.groups() if group is not None]
    message = text
    after = _MVN_PREFIX.sub("", lines[i + 1], count=1).strip() if i + 1 < len(lines) else ""
    if after.startswith("symbol:"):
        message = f"{text} ({_SPACE.sub(' ', after)})"
    return _found(
        (i, 0), f"compile:{text}", "junit", None, _clean(message), _compile_kind(groups[-1])
    )


# JUnit XML

_XML_TESTCASE = re.compile(r"<testcase\b([^<>]{0,4000})>")
_XML_PROBLEM = re.compile(r"<(failure|error)\b([^<>]{0,8000})>")
_XML_ATTRIBUTE = re.compile(r"([\w:-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_XML_TAIL = 20_000
_GENERIC_MESSAGES = frozenset({"", "failed", "failure", "error", "test failed"})


def _xml_message(kind: str, message: str, text: str) -> str:
    """``type: message``, else the failure text's first line."""
    message = message.strip()
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if message.lower() in _GENERIC_MESSAGES:
        return first or message or kind
    if kind and not message.split(":", 1)[0].strip().endswith(kind.rsplit(".", 1)[-1]):
        return f"{kind}: {message}"
    return message


def _xml_found(
    pos: tuple[int, int], attrs: dict[str, str], tag: str, problem: dict[str, str], text: str
) -> _Found:
    name = attrs.get("name", "").strip()
    classname = attrs.get("classname", "").strip()
    test = f"{classname}.{name}" if classname and name else (name or classname or None)
    message = _clean(_xml_message(problem.get("type", ""), problem.get("message", ""), text))
    kind = _kind(message, "assertion" if tag == "failure" else "runtime")
    return _found(pos, f"xml:{test}", "junit", test, message, kind)


def _parse_junit_xml(lines: list[str]) -> list[_Found]:
    """Failed ``<testcase>`` elements of the JUnit XML documents in the text."""
    if not any("<testcase" in line for line in lines):
        return []
    text = "\n".join(lines)
    found: list[_Found] = []
    start = text.find("<testsuite")
    counted, first_line = 0, 0
    while start >= 0 and len(found) < _MAX_FOUND:
        close = "</testsuites>" if text.startswith("<testsuites", start) else "</testsuite>"
        end = text.find(close, start)
        chunk = text[start : end + len(close)] if end >= 0 else text[start:]
        first_line += text.count("\n", counted, start)
        counted = start
        items = _xml_tree(chunk, first_line) if end >= 0 else None
        found.extend(items if items is not None else _xml_scan(chunk, first_line))
        start = text.find("<testsuite", end + len(close)) if end >= 0 else -1
    return found


def _xml_tree(chunk: str, first_line: int) -> list[_Found] | None:
    """Failures from a parsed XML document; None when it will not parse (or declares entities)."""
    if "<!DOCTYPE" in chunk or "<!ENTITY" in chunk:
        return None
    try:
        root = ET.fromstring(chunk)
    except Exception:
        return None
    found = []
    for order, case in enumerate(root.iter("testcase")):
        for child in case:
            if child.tag in ("failure", "error"):
                found.append(
                    _xml_found(
                        (first_line, order),
                        dict(case.attrib),
                        child.tag,
                        dict(child.attrib),
                        child.text or "",
                    )
                )
                break
    return found


def _xml_scan(chunk: str, first_line: int) -> list[_Found]:
    """Failures found tag by tag, for XML that is truncated or malformed."""
    found = []
    cases = list(_XML_TESTCASE.finditer(chunk))
    counted, line = 0, first_line
    for order, case in enumerate(cases):
        if case.group(1).rstrip().endswith("/"):
            continue
        stop = cases[order + 1].start() if order + 1 < len(cases) else len(chunk)
        region = chunk[case.end() : min(stop, case.end() + _XML_TAIL)]
        problem = _XML_PROBLEM.search(region)
        if problem is None:
            continue
        body = region[problem.end() :]
        body = body[: body.find("</")] if "</" in body else body
        line += chunk.count("\n", counted, case.start())
        counted = case.start()
        pos = (line, 0)
        found.append(
            _xml_found(
                pos, _xml_attributes(case.group(1)), problem.group(1),
                _xml_attributes(problem.group(2)), html.unescape(body),
            )
        )  # fmt: skip
        if len(found) >= _MAX_FOUND:
            break
    return found


def _xml_attributes(text: str) -> dict[str, str]:
    return {
        m.group(1): html.unescape(m.group(2) or m.group(3) or "")
        for m in _XML_ATTRIBUTE.finditer(text)
    }


# --- output of no known runner -------------------------------------------------------------------

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


def _looks_passing(lines: list[str]) -> bool:
    sample = "\n".join(lines[:3_000] + lines[-3_000:]) if len(lines) > 6_000 else "\n".join(lines)
    return bool(_PASSING.search(sample)) and not _FAILING.search(sample)


def _error_line(line: str) -> bool:
    """Whether an unindented line is clearly an error: ``error: ...``, ``ValueError: ...``,
    a compiler's or linter's finding, a missing command."""
    if not line or line[0].isspace():
        return False
    return bool(
        _GENERIC_ERROR.match(line)
        or _LINT_FORMAT.match(line)
        or _COMPILER_ERROR.match(line)
        or line.endswith("command not found")
        or _exception_name(line)
    )


def _parse_unknown(lines: list[str]) -> list[_Found]:
    """The one clearest error in output of no known runner: a traceback's end, else an error line."""
    for i in range(len(lines) - 1, -1, -1):
        if lines[i].lstrip().startswith("Traceback (most recent call last)"):
            message = _traceback_message(lines[i:])
            if message:
                return [_make("unknown", i, "error", None, message)]
            break
    for i, line in enumerate(lines):
        if _error_line(line):
            return [_make("unknown", i, "error", None, line)]
    return []


# --- putting it together -------------------------------------------------------------------------

_PARSERS: dict[str, Callable[[list[str]], list[_Found]]] = {
    "pytest": _parse_pytest,
    "unittest": _parse_unittest,
    "jest": _parse_jest,
    "go": _parse_go,
    "cargo": _parse_cargo,
    "junit": _parse_junit,
}


def _informative(failure: TestFailure) -> tuple[bool, bool, bool, int]:
    message = failure.message
    return (bool(message), failure.kind != "unknown", not message.endswith("..."), len(message))


def _merge(found: Iterable[_Found], limit: int) -> list[TestFailure]:
    """One failure per key, at its first position, with the most informative message."""
    best: dict[str, _Found] = {}
    for item in found:
        key = f"{item.failure.runner}\0{item.key}"
        kept = best.get(key)
        if kept is None:
            best[key] = item
        elif _informative(item.failure) > _informative(kept.failure):
            best[key] = _Found(min(kept.pos, item.pos), item.key, item.failure)
        elif item.pos < kept.pos:
            best[key] = kept._replace(pos=item.pos)
    ordered = sorted(best.values(), key=lambda item: item.pos)
    return [item.failure for item in ordered[:limit]]


def _parse(text: object, limit: int = 50) -> list[TestFailure]:
    """parse_test_output without its guard (tests call it to see errors the guard would hide)."""
    source = _as_text(text)
    if not source or not isinstance(limit, int) or limit <= 0:
        return []
    lines = _lines(source)
    found: list[_Found] = []
    for runner in _detected(source):
        found.extend(_PARSERS[runner](lines))
    failures = _merge(found, limit)
    if not failures and not _looks_passing(lines):
        failures = _merge(_parse_unknown(lines), limit)
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
