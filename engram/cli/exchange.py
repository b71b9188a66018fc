"""``engram export`` and ``engram import``."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from engram.cli.output import DataFormat, note, print_json
from engram.errors import EngramError


class ExportFormat(StrEnum):
    md = "md"
    json = "json"
    ace = "ace"
    skill = "skill"


def export_command(
    output_format: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            help="md, json (engram's, for import), ace (an ACE skillbook),"
            " or skill (a folder with SKILL.md).",
        ),
    ] = ExportFormat.md,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="Write here instead of to stdout; for skill, the"
            " folder (default ./engram-playbook/).",
        ),
    ] = None,
) -> None:
    """Write the playbook out: for people, for another engram, for ACE, or as an agent skill."""
    from engram.exchange import DEFAULT_FOLDER, export_playbook, export_skill
    from engram.store import open_store

    with open_store() as store:
        if output_format is ExportFormat.skill:
            exported = export_skill(store, output or Path(DEFAULT_FOLDER))
            note(f"wrote {exported.path} ({_rules(exported.rules)})")
            return
        exported = export_playbook(store, output_format.value)
    if output is None:
        sys.stdout.write(exported.text)
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(exported.text, encoding="utf-8")
    except OSError as exc:
        raise EngramError(f"cannot write {output}: {exc.strerror or exc}") from exc
    note(f"wrote {output} ({_rules(exported.rules)})")


def import_command(
    file: Annotated[Path, typer.Argument(help="engram's JSON export, or an ACE skillbook (JSON).")],
    output_format: Annotated[
        DataFormat, typer.Option("--format", help="How to report: text or json.")
    ] = DataFormat.text,
) -> None:
    """Add the rules of engram's JSON export or an ACE skillbook; rules already in the store
    (by id) are skipped, never changed. An ACE skill becomes a rule written by a person."""
    from engram.exchange import import_data, read_import
    from engram.store import open_store

    data = read_import(file)  # a file that cannot be imported leaves no new store behind
    with open_store(create=True) as store:
        if store.created:
            note(f"created a new store at {store.location}")
        summary = import_data(store, data, name=str(file))
    if output_format is DataFormat.json:
        print_json(summary.as_dict())
    else:
        note(f"imported {file} ({summary.source}): {summary.message()}")


def _rules(count: int) -> str:
    return f"{count:,} rule{'s' if count != 1 else ''}"
