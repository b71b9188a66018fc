"""``engram capture``."""

from __future__ import annotations

from typing import Annotated

import typer

from engram.cli.output import Quiet, note, one_of


def capture_command(
    command: Annotated[
        list[str] | None,
        typer.Argument(help="A check to run after `--` (e.g. `-- pytest -q`): exit 0 passes."),
    ] = None,
    outcome: Annotated[
        str | None,
        typer.Option(help="pass or fail, when no check command is given.", **one_of(("pass", "fail"))),
    ] = None,
    session: Annotated[
        str | None, typer.Option(help="The session's id (default: the newest unmeasured one).")
    ] = None,
    quiet: Quiet = False,
) -> None:
    """Record the outcome of an interactive session, told or from a check command's exit
    status, so it counts in pass rates (sessions without one feed tool statistics only)."""
    from engram.learning.capture import capture

    done = capture(outcome, session=session, command=command or ())
    ran = f" (the check exited {done.command_exit})" if done.command_exit is not None else ""
    note(f"session {done.run_id or done.trace_id}: {done.status}{ran}; rules mined again", quiet)
