"""The typer app: every command, registered from its own module, and one place that turns
engram's errors into a message with a hint."""

from __future__ import annotations

from typing import Annotated

import typer
from typer.core import TyperGroup

from engram.cli.output import report_error
from engram.errors import EngramError


class _Group(TyperGroup):
    """Translates engram's errors into a message with a hint and exit code 1, in one place;
    names every value in help the way people write it (``--jobs N``, not ``<int>``)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        from engram.cli.metavars import name_values

        name_values(self)

    def invoke(self, ctx: typer.Context) -> object:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except EngramError as exc:
            report_error(exc)
            raise typer.Exit(1) from None


app = typer.Typer(
    cls=_Group,
    name="engram",
    help="Learn from coding-agent traces which behaviours go with success, and guide the next run.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="markdown",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from engram import __version__

        typer.echo(f"engram {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True,
                     help="Print engram's version and exit."),
    ] = False,
) -> None:
    """Learn from coding-agent traces which behaviours go with success, and guide the next run."""


def _register() -> None:
    from engram.cli import (
        aggregate,
        capture,
        compare,
        doctor,
        exchange,
        experiments,
        failures,
        hooks,
        inject,
        learn,
        mcp,
        patterns,
        playbook,
        report,
        stats,
        suggest,
    )

    app.command("learn")(learn.learn_command)
    app.command("suggest")(suggest.suggest_command)
    app.command("inject")(inject.inject_command)
    app.command("stats")(stats.stats_command)
    app.command("failures")(failures.failures_command)
    app.command("compare")(compare.compare_command)
    app.command("report")(report.report_command)
    app.command("aggregate")(aggregate.aggregate_command)
    app.command("mcp")(mcp.mcp_command)
    app.command("experiments")(experiments.experiments_command)
    app.command("doctor")(doctor.doctor_command)
    app.command("capture")(capture.capture_command)
    app.command("export")(exchange.export_command)
    app.command("import")(exchange.import_command)
    app.add_typer(patterns.app, name="patterns")
    app.add_typer(playbook.app, name="playbook")
    app.add_typer(hooks.app, name="hooks")


_register()
