"""``engram export`` and ``engram import``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from engram.cli.output import (
    STDOUT,
    Quiet,
    data_format,
    note,
    one_of,
    print_json,
    write_output,
)

EXPORT_FORMATS = ("md", "json", "ace", "skill", "parquet")


def export_command(
    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            **one_of(EXPORT_FORMATS),
            help="md, json (engram's, for import), ace (an ACE skillbook),"
            " skill (a folder with SKILL.md), or parquet (a folder of the store's tables).",
        ),
    ] = "md",
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="Write here instead of to stdout ('-' is stdout too); for skill, the"
            " folder (default ./engram-playbook/).",
        ),
    ] = None,
    agent: Annotated[
        str | None,
        typer.Option(help="Only the rules this agent can follow (tools it has, none of others')."),
    ] = None,
    quiet: Quiet = False,
) -> None:
    """Write the playbook out: for people, for another engram, for ACE, or as an agent skill."""
    from engram.exchange import DEFAULT_FOLDER, export_playbook, export_skill
    from engram.store import open_store

    folder = output_format in ("skill", "parquet")
    if folder and output is not None and str(output) == STDOUT:
        raise typer.BadParameter(f"{output_format} is a folder; give its path",
                                 param_hint="--output")  # fmt: skip
    with open_store() as store:
        if output_format == "parquet":
            from engram.exchange.parquet import export_parquet

            where = output or Path("engram-parquet")
            rows = export_parquet(store, where)
            note(f"wrote {where}: " + ", ".join(f"{name}.parquet ({n:,} rows)"
                                                for name, n in rows.items()), quiet)  # fmt: skip
            return
        if output_format == "skill":
            exported = export_skill(store, output or Path(DEFAULT_FOLDER), agent=agent)
            note(f"wrote {exported.path} ({_rules(exported.rules)})", quiet)
            return
        exported = export_playbook(store, output_format, agent=agent)
    written = write_output(output, exported.text)
    if written is not None:
        note(f"wrote {written} ({_rules(exported.rules)})", quiet)


def import_command(
    file: Annotated[Path, typer.Argument(help="engram's JSON export, or an ACE skillbook (JSON).")],
    output_format: Annotated[str, data_format("How to report: text or json.")] = "text",
    quiet: Quiet = False,
) -> None:
    """Add the rules of engram's JSON export or an ACE skillbook; rules already in the store
    (by id) are skipped, never changed. An ACE skill becomes a rule written by a person."""
    from engram.exchange import import_data, read_import
    from engram.store import open_store

    data = read_import(file)  # a file that cannot be imported leaves no new store behind
    with open_store(create=True) as store:
        if store.created:
            note(f"created a new store at {store.location}", quiet)
        summary = import_data(store, data, name=str(file))
    if output_format == "json":
        print_json(summary.as_dict())
    else:
        note(f"imported {file} ({summary.source}): {summary.message()}", quiet)


def _rules(count: int) -> str:
    return f"{count:,} rule{'s' if count != 1 else ''}"
