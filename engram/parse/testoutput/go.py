"""``go test`` output, build failures and panics."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from engram.parse.testoutput.base import MAX_FOUND, Found
from engram.parse.testoutput.kinds import compile_kind, found_at, make_found
from engram.parse.testoutput.text import clean_line

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


def parse_go(lines: list[str]) -> list[Found]:
    """go test: ``--- FAIL`` tests with their log lines, panics, time-outs and build errors."""
    tests: dict[str, _GoTest] = {}
    found: list[Found] = []
    current: str | None = None
    build: tuple[str, bool] | None = None  # package, whether vet reports it
    broken: set[str] = set()
    for i, line in enumerate(lines):
        if len(found) + len(tests) >= MAX_FOUND:
            break
        if line.startswith("# "):
            header = line[2:].strip()
            build = (header.strip("[]").split(" ", 1)[0], header.startswith("["))
            continue
        if build is not None and line and not line[0].isspace():
            if (error := _GO_BUILD.match(line)) is not None:
                package, vet = build
                broken.add(package)
                kind = compile_kind(error.group(1), "lint" if vet else "compile")
                found.append(found_at((i, 0), f"build:{line}", "go", None, clean_line(line), kind))
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
                found.append(found_at((i, 0), key, "go", name, clean_line(message), "timeout"))
            elif current is not None:
                test = tests.setdefault(current, _GoTest(i))
                test.panic = test.panic or message
            else:
                found.append(make_found("go", i, f"panic:{message}", None, message, "runtime"))
        elif current is not None and (log := _GO_LOG.match(line)):
            message = log.group(1).strip() or _testify_message(lines, i)
            test = tests.setdefault(current, _GoTest(i))
            if len(test.logs) < 20 and message:
                test.logs.append(message)
        elif failed := _GO_BUILD_FAILED.match(line):
            package = failed.group(1)
            if package not in broken:
                broken.add(package)
                found.append(found_at((i, 0), f"build:{line}", "go", None, clean_line(line), "compile"))
    return found + _go_tests(tests)


def _go_running(lines: list[str], i: int) -> str | None:
    """The test a ``panic: test timed out`` names under ``running tests:``."""
    for line in lines[i + 1 : i + 4]:
        if running := _GO_RUNNING.match(line):
            return running.group(1)
    return None


def _slashes(name: str) -> list[int]:
    return [i for i, char in enumerate(name) if char == "/"][:20]


def _go_tests(tests: dict[str, _GoTest]) -> list[Found]:
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
        found.append(make_found("go", test.pos, name, name, own, fallback))
    return found
