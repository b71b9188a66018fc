"""How the CLI speaks, without the CLI framework: data to stdout, messages and errors to
stderr. The commands agents call on every run use it directly (``engram.cli.quick``)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from engram.errors import EngramError, os_errors, os_reason

STDOUT = "-"  # as an output path: standard output, on every command


def echo(text: str, err: bool = False) -> None:
    stream = sys.stderr if err else sys.stdout
    stream.write(text + "\n")
    stream.flush()


def report_error(exc: EngramError) -> None:
    echo(f"engram: error: {exc}", err=True)
    if exc.hint:
        echo(f"  hint: {exc.hint}", err=True)


def note(message: str, quiet: bool = False) -> None:
    """A message for the person at the terminal (stderr); ``quiet`` keeps it back."""
    if not quiet:
        echo(message, err=True)


def warn(messages: Iterable[str | None]) -> None:
    """Warnings on stderr, each once; None entries are nothing to say."""
    for message in dict.fromkeys(m for m in messages if m):
        echo(f"engram: warning: {message}", err=True)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def read_text_file(path: Path) -> str:
    """A user's text file, its line endings as they are (CRLF stays CRLF)."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise EngramError(f"cannot read {path}: {os_reason(exc)}") from exc


def write_output(output: Path | str | None, text: str) -> Path | None:
    """Write ``text`` to ``output``, or to stdout when it is None or ``-``; the path written."""
    if output is None or str(output) == STDOUT:
        sys.stdout.write(text)
        sys.stdout.flush()
        return None
    target = Path(output)
    with os_errors("write", target):
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    return target
