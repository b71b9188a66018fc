"""Cleaning runner output: ANSI codes, control characters, over-long lines."""

from __future__ import annotations

import re

from engram.parse.testoutput.base import HEAD_CHARS, LINE_LIMIT, MAX_CHARS, MESSAGE_LIMIT

ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b\n]*(?:\x07|\x1b\\)?|\x1b[@-_]?")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SPACE = re.compile(r"\s+")


def _capped(text: str) -> str:
    if len(text) <= MAX_CHARS:
        return text
    return text[:HEAD_CHARS] + "\n" + text[len(text) - (MAX_CHARS - HEAD_CHARS) :]


def clean_lines(text: str) -> list[str]:
    """The capped text's lines: ANSI codes and control characters removed, right-stripped."""
    text = ANSI.sub("", _capped(text)).replace("\r\n", "\n").replace("\r", "\n")
    text = CONTROL.sub("", text)
    return [line[:LINE_LIMIT].rstrip() for line in text.split("\n")]


def clean_line(message: str) -> str:
    """One line: ANSI codes removed, whitespace collapsed, clipped to MESSAGE_LIMIT."""
    text = ANSI.sub("", message[: MESSAGE_LIMIT * 8])
    return SPACE.sub(" ", text).strip()[:MESSAGE_LIMIT].rstrip()


def as_text(text: object) -> str:
    if isinstance(text, str):
        return text
    if isinstance(text, bytes | bytearray):
        return bytes(text[: MAX_CHARS * 2]).decode("utf-8", errors="replace")
    return ""
