"""pytest and unittest output."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from engram.parse.testoutput.base import BLOCK_LINES, MAX_FOUND, Found
from engram.parse.testoutput.kinds import make_found

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


def parse_pytest(lines: list[str]) -> list[Found]:
    """pytest: failure and error sections, the short test summary, collection errors, timeouts."""
    domains = _py_nodeids(lines)
    used: set[str] = set()
    found: list[Found] = []
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
        if len(found) >= MAX_FOUND:
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
            found.append(make_found("pytest", i, test or "timeout:", test, "Timeout", "timeout"))
        elif line.startswith("ImportError while loading conftest"):
            flush()
            section = _PySection("conftest", i)
        elif line.startswith(("FAILED ", "ERROR ", "[gw")) and (summary := _py_summary(line)):
            flush()
            _, nodeid, message = summary
            test = nodeid if "::" in nodeid else None
            key = nodeid if test else f"collect:{nodeid}"
            found.append(make_found("pytest", i, key, test, message))
        elif section is None and line.startswith("ERROR: ") and not _UT_HEADER.match(line):
            flush()
            message = line[len("ERROR: ") :]
            found.append(make_found("pytest", i, f"usage:{message}", None, message))
        elif section is not None and first not in ("", " ") and (where := _PY_LOCATION.match(line)):
            section.exc_type = where.group(1)
        elif "::" in line and first not in ("", " ") and (start := _PY_STARTED.match(line)):
            started = None if any(s in line for s in _PY_STATUS) else start.group(1)
            if verbose := _py_verbose(line):
                found.append(make_found("pytest", i, verbose, verbose, ""))
    flush()
    return found


def _py_section_found(section: _PySection, resolve: Callable[[str], str]) -> Found:
    title = section.title
    message = _py_message(section)
    if title == "conftest":
        return make_found("pytest", section.pos, "conftest:", None, message)
    if title.startswith("ERROR collecting "):
        path = title[len("ERROR collecting ") :]
        return make_found("pytest", section.pos, f"collect:{path}", None, message)
    for prefix in ("ERROR at setup of ", "ERROR at teardown of ", "ERROR at call of "):
        if title.startswith(prefix):
            title = title[len(prefix) :]
    title = title.removeprefix("[doctest] ")
    test = resolve(title)
    return make_found("pytest", section.pos, test, test, message)


# --- unittest ------------------------------------------------------------------------------------

_UT_HEADER = re.compile(r"(FAIL|ERROR|UNEXPECTED SUCCESS): (\S+) \(([\w.]+)\)(.*)$")
_UT_NAME = re.compile(r"\S+ \([\w.]+\)")
_UT_PROGRESS = (" ... FAIL", " ... ERROR")


def traceback_message(lines: list[str]) -> str:
    """The exception line that ends the last Python traceback in ``lines``; else the first line."""
    start = -1
    for i in range(len(lines) - 1, -1, -1):
        if lines[i].lstrip().startswith("Traceback (most recent call last)"):
            start = i + 1
            break
    if start < 0:
        return next((line.strip() for line in lines if line.strip()), "")
    return next((line.strip() for line in lines[start:] if line[:1] not in ("", " ", "\t")), "")


def parse_unittest(lines: list[str]) -> list[Found]:
    """unittest (and Django): ``FAIL:``/``ERROR:`` blocks and their tracebacks, progress lines."""
    found: list[Found] = []
    block: tuple[int, str | None, str, str] | None = None  # pos, test, key, status
    body: list[str] = []
    opened = False

    def flush() -> None:
        nonlocal block
        if block is not None:
            pos, test, key, status = block
            fallback = "assertion" if status == "FAIL" else "runtime"
            found.append(make_found("unittest", pos, key, test, traceback_message(body), fallback))
        block = None

    for i, line in enumerate(lines):
        if len(found) >= MAX_FOUND:
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
            if len(body) < BLOCK_LINES:
                body.append(line)
        elif line.endswith(_UT_PROGRESS):
            name = line.rsplit(" ... ", 1)[0]
            if _UT_NAME.fullmatch(name):
                fallback = "assertion" if line.endswith("FAIL") else "runtime"
                found.append(make_found("unittest", i, name, name, "", fallback))
    flush()
    return found
