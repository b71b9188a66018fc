"""What a parse finds, and the limits every parser keeps to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

ERROR_KINDS = ("assertion", "syntax", "import", "compile", "timeout", "lint", "runtime", "unknown")
#: Runners a failure can come from; "ctrf" is a CTRF report of a tool not named here, "unknown"
#: output that matched none but had an error line.
RUNNERS = ("pytest", "unittest", "jest", "go", "cargo", "junit", "ctrf", "unknown")
MAX_CHARS = 2_000_000
MESSAGE_LIMIT = 300

HEAD_CHARS = 1_500_000  # of MAX_CHARS: the rest is taken from the end of the text
SAMPLE_CHARS = 256_000  # runner detection reads this much of the head and of the tail
LINE_LIMIT = 4_000  # longer lines are cut before any pattern sees them
KIND_INPUT_LIMIT = 1_000
MAX_FOUND = 5_000  # raw findings per parser
BLOCK_LINES = 400  # lines of one failure block kept for its message


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


class Found(NamedTuple):
    pos: tuple[int, int]  # (line index, order within the line's source) in the output
    key: str  # what de-duplicates: one failure per key
    failure: TestFailure
