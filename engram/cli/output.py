"""How the CLI speaks: data to stdout, messages and errors to stderr; options every command
shares. The framework-free part is ``engram.cli.console``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any

import typer

from engram.cli.console import (
    STDOUT,
    echo,
    note,
    print_json,
    read_text_file,
    report_error,
    warn,
    write_output,
)
from engram.errors import EngramError
from engram.store.selectors import SELECTOR_KEYS

__all__ = [
    "STDOUT", "DataFormat", "MarkdownFormat", "Quiet", "data_format", "echo", "note", "one_of",
    "percent", "print_json", "read_text_file", "report_error", "task_key_option", "warn",
    "write_output",
]  # fmt: skip

SELECTORS_HELP = f"Selectors key=value ({', '.join(SELECTOR_KEYS)}); repeatable, ANDed."

#: ``-q``: on success, print nothing but the command's data (no notes, summary or progress).
Quiet = Annotated[
    bool,
    typer.Option("--quiet", "-q", help="Print nothing but the data: no notes, summary or progress."),
]


def one_of(
    values: Sequence[str] | Callable[[], Sequence[str]], metavar: str | None = None
) -> dict[str, Any]:
    """``typer.Option`` keywords for an option that takes one of ``values`` (or of what the
    callable returns, asked only when the option is used): every fixed choice of the CLI is
    checked here, and a value not among them is bad usage (exit 2) that names the choices."""

    def parse(value: str) -> str:
        allowed = values() if callable(values) else values
        if value not in allowed:
            raise typer.BadParameter(f"{value!r} is not one of {', '.join(allowed)}")
        return value

    if metavar is None and not callable(values):
        metavar = "[" + "|".join(values) + "]"
    return {"parser": parse, "metavar": metavar}


def data_format(help: str = "text or json.") -> Any:
    """``--format text|json`` (default text), with this help."""
    return typer.Option("--format", help=help, **one_of(("text", "json")))


#: ``--format text|json``: the data as words for people (default) or as JSON.
DataFormat = Annotated[str, data_format()]
#: ``--format md|json``: guidance as markdown (default) or as JSON.
MarkdownFormat = Annotated[str, typer.Option("--format", help="md or json.", **one_of(("md", "json")))]


def percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def task_key_option(pattern: str | None) -> Any:
    """A ``--task-key`` value as a ``TaskKey`` (None when not given); a bad one is bad usage."""
    if pattern is None:
        return None
    from engram.parse.tasks import TaskKey

    try:
        return TaskKey.parse(pattern)
    except EngramError as exc:
        raise typer.BadParameter(str(exc) + (f" ({exc.hint})" if exc.hint else ""),
                                 param_hint="--task-key") from None  # fmt: skip

Holdout = Annotated[
    float,
    typer.Option(
        help="Withhold each rule at random with this probability (0 to 1), recorded in the "
        "block's marker, to measure what each rule does.",
        min=0.0,
        max=1.0,
    ),
]
