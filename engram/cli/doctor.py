"""``engram doctor``."""

from __future__ import annotations

import typer

from engram.cli.output import echo


def doctor_command() -> None:
    """Check the install, the store (where, schema, integrity, size, runs), the database and
    the hooks, and say what to do about each problem; exit 1 if there is one."""
    from engram.doctor import checks

    problems = 0
    for check in checks():
        mark = {True: "ok  ", False: "FIX ", None: "note"}[check.ok]
        echo(f"{mark} {check.name}: {check.detail}")
        if check.fix:
            echo(f"       {check.fix}")
        problems += check.ok is False
    if problems:
        raise typer.Exit(1)
