"""``engram hooks install|uninstall|status`` and ``engram hooks run EVENT`` (what they install)."""

from __future__ import annotations

from typing import Annotated

import typer

from engram.cli.output import Holdout, Quiet, echo, note, warn

app = typer.Typer(
    rich_markup_mode="markdown",
    help="Claude Code hooks: guidance when a session starts, learning when it ends.",
    no_args_is_help=True,
)

User = Annotated[
    bool, typer.Option("--user", help="The user's settings (~/.claude), not the project's.")
]


@app.command("install")
def install_command(
    user: User = False,
    category: Annotated[
        str | None, typer.Option(help="The kind of task sessions here do: its rules first.")
    ] = None,
    holdout: Holdout = 0.0,
    quiet: Quiet = False,
) -> None:
    """Add engram's hooks to .claude/settings.json, keeping every other hook and setting."""
    from engram.integrations import hooks

    warn(hooks.category_notices(category))
    path = hooks.settings_path(user)
    for hook in hooks.install(path, category, holdout):
        note(f"{path}: {hook.event} runs {hook.command}", quiet)


@app.command("uninstall")
def uninstall_command(user: User = False, quiet: Quiet = False) -> None:
    """Remove engram's hooks (and only them) from .claude/settings.json."""
    from engram.integrations import hooks

    path = hooks.settings_path(user)
    removed = hooks.uninstall(path)
    note(f"{path}: {removed} engram hook{'s' if removed != 1 else ''} removed", quiet)


@app.command("status")
def status_command() -> None:
    """Show engram's hooks in the project's and the user's settings."""
    from engram.integrations import hooks

    for path in (hooks.settings_path(), hooks.settings_path(user=True)):
        found = hooks.installed(path)
        echo(f"{path}: {'no engram hooks' if not found else ''}".rstrip())
        for hook in found:
            matcher = f" ({hook.matcher})" if hook.matcher else ""
            echo(f"  {hook.event}{matcher}: {hook.command}")


@app.command("run", hidden=True)
def run_command(
    event: Annotated[str, typer.Argument(help="session-start or session-end.")],
    category: Annotated[str | None, typer.Option(help="The kind of task.")] = None,
    holdout: Holdout = 0.0,
) -> None:
    """What an installed hook runs: reads the event JSON on stdin; never fails the session."""
    from engram.cli.quick import run_hook_command

    run_hook_command(event, category, holdout)
