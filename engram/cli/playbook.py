"""``engram playbook history`` and ``engram playbook diff``."""

from __future__ import annotations

from typing import Annotated

import typer

from engram.cli.output import DataFormat, print_json

app = typer.Typer(rich_markup_mode="markdown", help="Versions of the playbook: one per learn and per change.",
                  no_args_is_help=True)  # fmt: skip


@app.command("history")
def history_command(
    output_format: DataFormat = "text",
) -> None:
    """List the playbook's versions: when, why, and how many rules were live."""
    from engram.playbook.versions import history
    from engram.store import open_store

    with open_store() as store:
        versions = history(store)
    if output_format == "json":
        print_json(versions)
        return
    for v in versions:
        typer.echo(f"v{v['version']:<5} {v['created_at']:%Y-%m-%d %H:%M}  {v['live_rules']:>4}"
                   f" rules  {v['reason']}")  # fmt: skip


@app.command("diff")
def diff_command(
    old: Annotated[int, typer.Argument(help="The earlier version.")],
    new: Annotated[int, typer.Argument(help="The later version.")],
    output_format: DataFormat = "text",
) -> None:
    """Rules added, retired and changed between two versions."""
    from engram.playbook.versions import diff
    from engram.store import open_store

    with open_store() as store:
        changes = diff(store, old, new)
    if output_format == "json":
        print_json(changes)
        return
    for rule in changes["added"]:
        typer.echo(f"+ {rule['id']}  {rule['kind']:<5} {rule['scope']:<30} {rule['text']}")
    for rule in changes["retired"]:
        typer.echo(f"- {rule['id']}  {rule['kind']:<5} {rule['scope']:<30} {rule['text']}"
                   f"  ({rule['now']})")  # fmt: skip
    for change in changes["changed"]:
        before, after = change["before"], change["after"]
        typer.echo(f"~ {change['id']}  {', '.join(change['fields'])}")
        for field in change["fields"]:
            typer.echo(f"    {field}: {before[field]} → {after[field]}")
    if not any(changes[k] for k in ("added", "retired", "changed")):
        typer.echo("no changes", err=True)
