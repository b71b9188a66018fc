"""How the CLI speaks: data to stdout, messages and errors to stderr."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from engram.errors import EngramError
from engram.selectors import SELECTOR_KEYS

STDOUT = "-"  # as an output path: standard output, on every command
SELECTORS_HELP = f"Selectors key=value ({', '.join(SELECTOR_KEYS)}); repeatable, ANDed."

#: ``-q``: on success, print nothing but the command's data (no notes, summary or progress).
Quiet = Annotated[
    bool,
    typer.Option("--quiet", "-q", help="Print nothing but the data: no notes, summary or progress."),
]


class Format(StrEnum):
    md = "md"
    json = "json"


class DataFormat(StrEnum):
    text = "text"
    json = "json"


def report_error(exc: EngramError) -> None:
    typer.echo(f"engram: error: {exc}", err=True)
    if exc.hint:
        typer.echo(f"  hint: {exc.hint}", err=True)


def note(message: str, quiet: bool = False) -> None:
    """A message for the person at the terminal (stderr); ``quiet`` keeps it back."""
    if not quiet:
        typer.echo(message, err=True)


def warn(messages: Iterable[str | None]) -> None:
    """Warnings on stderr, each once; None entries are nothing to say."""
    for message in dict.fromkeys(m for m in messages if m):
        typer.echo(f"engram: warning: {message}", err=True)


def read_text_file(path: Path) -> str:
    """A user's text file, its line endings as they are (CRLF stays CRLF)."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise EngramError(f"cannot read {path}: {_reason(exc)}") from exc


def write_output(output: Path | str | None, text: str) -> Path | None:
    """Write ``text`` to ``output``, or to stdout when it is None or ``-``; the path written."""
    if output is None or str(output) == STDOUT:
        sys.stdout.write(text)
        sys.stdout.flush()
        return None
    target = Path(output)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except OSError as exc:
        raise EngramError(f"cannot write {target}: {_reason(exc)}") from exc
    return target


def _reason(exc: Exception) -> str:
    return (exc.strerror if isinstance(exc, OSError) else None) or str(exc)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def task_key_option(pattern: str | None) -> Any:
    """A ``--task-key`` value as a ``TaskKey`` (None when not given); a bad one is bad usage."""
    if pattern is None:
        return None
    from engram.tasks import TaskKey

    try:
        return TaskKey.parse(pattern)
    except EngramError as exc:
        raise typer.BadParameter(str(exc) + (f" ({exc.hint})" if exc.hint else ""),
                                 param_hint="--task-key") from None  # fmt: skip
