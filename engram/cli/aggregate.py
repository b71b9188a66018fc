"""``engram aggregate``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from engram.cli.output import STDOUT, Quiet, note
from engram.errors import os_errors


def aggregate_command(
    job_dir: Annotated[Path, typer.Option("--job-dir", help="A Harbor job folder.")],
    task: Annotated[str | None, typer.Option(help="Only the trials of this task.")] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write here instead of to stdout ('-' is stdout too)."),
    ] = None,
    redact: Annotated[bool, typer.Option(help="Replace secrets in what is written.")] = True,
    quiet: Quiet = False,
) -> None:
    """Write a Harbor job's trials as the seed's aggregated trace JSON (with transcripts)."""
    from engram.loaders.aggregated_write import aggregate
    from engram.parse.redact import redaction

    to_file = output is not None and str(output) != STDOUT
    with redaction(redact):
        if not to_file:
            summary = aggregate(job_dir, sys.stdout, task)
        else:
            with os_errors("write", output), open(output, "w", encoding="utf-8") as handle:  # type: ignore[arg-type]
                summary = aggregate(job_dir, handle, task)
    for problem in summary.problems:
        note(f"skipped {problem}")
    counts = summary.as_dict()
    note(f"{counts['total']} trials: {counts['passed']} passed, {counts['failed']} failed, "
         f"{counts['errors']} errors" + (f" (written to {output})" if to_file else ""),
         quiet)  # fmt: skip
    if summary.problems:
        raise typer.Exit(1)
