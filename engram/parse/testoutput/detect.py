"""Which runners printed this output, from the lines they are known to print."""

from __future__ import annotations

import re

from engram.parse.testoutput.base import SAMPLE_CHARS
from engram.parse.testoutput.text import ANSI, as_text


def _required(pattern: str) -> str:
    """The longest run of plain characters that every match of ``pattern`` holds ("" if none
    is certain): a substring test, far cheaper than a search, rules most signs out."""
    try:
        from re import _parser  # type: ignore[attr-defined]  # the stdlib's own reading

        parsed = _parser.parse(pattern)
        if parsed.state.flags & re.IGNORECASE:
            return ""
        best = run = ""
        for op, value in parsed:  # the pattern's top level: each item must match, in turn
            run = run + chr(value) if op is _parser.LITERAL else ""
            best = max(best, run, key=len)
        return best
    except Exception:  # another Python's parser: no shortcut, the same answers
        return ""


_SIGNS: dict[str, tuple[tuple[int, re.Pattern[str], str], ...]] = {
    runner: tuple(
        (weight, re.compile(pattern, re.MULTILINE), _required(pattern)) for weight, pattern in signs
    )
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
    if len(text) <= 2 * SAMPLE_CHARS:
        return text
    return text[:SAMPLE_CHARS] + "\n" + text[-SAMPLE_CHARS:]


def _scores(sample: str) -> dict[str, int]:
    return {
        runner: sum(
            weight for weight, pattern, literal in signs
            if literal in sample and pattern.search(sample)
        )
        for runner, signs in _SIGNS.items()
    }


def detected(text: str) -> list[str]:
    """Runners whose signs the text shows, most likely first."""
    scores = _scores(ANSI.sub("", _sample(text)).replace("\r", "\n"))
    ranked = sorted(scores, key=lambda runner: -scores[runner])  # stable: ties keep RUNNERS order
    return [runner for runner in ranked if scores[runner] >= _MIN_SCORE]


def detect_runner(text: str) -> str | None:
    """The test runner whose output this most looks like ("pytest", "go", ...), or None."""
    try:
        runners = detected(as_text(text))
    except Exception:
        return None
    return runners[0] if runners else None
