"""``engram report``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from engram.cli.output import SELECTORS_HELP, STDOUT, Quiet, note, warn, write_output


def report_command(
    output: Annotated[
        Path,
        typer.Option(
            "-o", "--output", help="The HTML file to write ('-' for stdout).", dir_okay=False
        ),
    ],
    select: Annotated[
        list[str] | None,
        typer.Argument(help=SELECTORS_HELP),
    ] = None,
    baseline: Annotated[
        list[str] | None,
        typer.Option(help="Selector(s) key=value for the compared baseline runs; repeatable."),
    ] = None,
    treatment: Annotated[
        list[str] | None,
        typer.Option(help="Selector(s) key=value for the compared treatment runs; repeatable."),
    ] = None,
    quiet: Quiet = False,
) -> None:
    """Write one self-contained HTML report (opens offline): pass rates with intervals, a
    comparison, tokens/cost/duration, failure modes and the playbook.

    Without --baseline/--treatment the two agents with the most selected runs are compared.
    """
    from engram.analysis.report import build_report, write_report
    from engram.store import open_store
    from engram.store.selectors import parse_selectors, selector_notices

    selectors = parse_selectors(select or [])
    base = parse_selectors(baseline) if baseline else None
    treat = parse_selectors(treatment) if treatment else None
    with open_store() as store:
        warn(selector_notices(store, selectors, base, treat))
        if str(output) == STDOUT:
            write_output(None, build_report(store, selectors, base, treat))
            return
        path = write_report(output, store, selectors, base, treat)
    note(f"wrote {path} ({path.stat().st_size / 1024:,.0f} KB)", quiet)
