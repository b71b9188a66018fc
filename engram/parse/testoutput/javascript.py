"""Jest and Vitest output."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from engram.parse.testoutput.base import BLOCK_LINES, MAX_FOUND, Found
from engram.parse.testoutput.kinds import exception_name, make_found

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
        if exception_name(line) or "Cannot find module" in line or "error TS" in line:
            return line
    return content[0] if content else ""


def _jest_content(lines: list[str]) -> list[str]:
    stripped = (line.strip() for line in lines)
    return [
        line
        for line in stripped
        if line and not _JEST_FRAME.match(line) and not line.startswith(("at ", "❯ ", "⎯"))
    ]


def parse_jest(lines: list[str]) -> list[Found]:
    """Jest and Vitest: ``●`` blocks, ``FAIL file > test`` blocks, ``✕``/``×`` lines, suites."""
    found: list[Found] = []
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
            found.append(make_found("jest", block.pos, block.key, block.test, message))
        block = None

    for i, line in enumerate(lines):
        if len(found) >= MAX_FOUND:
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
            if len(block.lines) < BLOCK_LINES:
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
    found: list[Found], crosses: list[_JestCross], files: dict[str, int]
) -> list[Found]:
    """``✕`` tests no block described, and failed files nothing else is known of."""
    names = {item.key for item in found}
    known: dict[tuple[str, str], str] = {}  # (file or "", full or last name) -> key
    for key in names:
        file, _, name = key.partition("\0")
        for where in (file, ""):
            known.setdefault((where, name), key)
            known.setdefault((where, _last_part(name)), key)
    extra: list[Found] = []
    for cross in crosses:
        match = known.get((cross.file, cross.name)) or known.get(
            (cross.file, _last_part(cross.title))
        )
        key = match or f"{cross.file}\0{cross.name}"
        if match is None:
            known[(cross.file, cross.name)] = key
            names.add(key)
        # a block found later is the same test: this earlier line lends it its position
        extra.append(make_found("jest", cross.pos, key, cross.name, cross.message))
    told = {key.split("\0", 1)[0].removeprefix("suite:") for key in names}
    for file, pos in files.items():
        if file not in told:
            extra.append(make_found("jest", pos, f"file:{file}", file, ""))
    return extra
