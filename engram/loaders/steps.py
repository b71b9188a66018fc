"""Helpers the step-by-step formats share: exit codes in tool output, failure text, whole-file
JSON with a size limit."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import orjson

from engram.errors import os_reason
from engram.loaders.claude_stream import OUTPUT_LIMIT, summarize_input
from engram.loaders.records import MAX_RECORD_BYTES
from engram.trace import Step

_EXIT_CODE = re.compile(
    r"<returncode>\s*(-?\d+)\s*</returncode>"
    r"|Process exited with code (-?\d+)"
    r"|\bexit(?:ed)?(?: with)? code:? ?(-?\d+)"
    r"|\[The command completed with exit code (-?\d+)",
    re.IGNORECASE,
)
_FAILED = re.compile(
    r"^(?:error\b|traceback \(most recent call last\)|usage: |fatal: )"
    r"|command not found|no such file or directory|permission denied|syntaxerror",
    re.IGNORECASE | re.MULTILINE,
)


def exit_code(text: str) -> int | None:
    """The exit code a tool's output reports, in any of the forms agents write it."""
    match = _EXIT_CODE.search(text[:4000]) or _EXIT_CODE.search(text[-2000:])
    if match is None:
        return None
    return int(next(group for group in match.groups() if group is not None))


def looks_failed(text: str) -> bool:
    """Whether output with no exit code reads as a failure (an error, a usage message)."""
    return bool(_FAILED.search(text[:2000]))


def step(
    tool: str,
    arguments: Any,
    output: str = "",
    *,
    failed: bool | None = None,
    parent: str | None = None,
) -> Step:
    """A step from a tool call; ``failed`` None means: judge by the output's exit code or text."""
    summary, path = summarize_input(tool, arguments)
    output = output[:OUTPUT_LIMIT] if isinstance(output, str) else ""
    if failed is None:
        code = exit_code(output)
        failed = code != 0 if code is not None else looks_failed(output)
    return Step(tool=tool, input=summary, path=path, is_error=failed, output=output, parent=parent)


def json_arguments(raw: Any, key: str) -> Any:
    """Tool-call arguments given as a JSON string, parsed; a plain string becomes ``{key: …}``."""
    if isinstance(raw, str):
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            return {key: raw}
    return raw


def read_json(path: Path) -> tuple[Any, str | None]:
    """A whole JSON file (an object or a list), or the reason it cannot be read."""
    try:
        size = path.stat().st_size
        if size > MAX_RECORD_BYTES:
            return None, f"larger than {MAX_RECORD_BYTES >> 20} MB"
        return orjson.loads(path.read_bytes()), None
    except OSError as exc:
        return None, f"cannot read the file: {os_reason(exc)}"
    except orjson.JSONDecodeError as exc:
        return None, f"invalid JSON: {exc}"
