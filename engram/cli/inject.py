"""``engram inject``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from engram.cli.output import note
from engram.errors import EngramError
from engram.render.markdown import DEFAULT_MAX_TOKENS


def inject_command(
    file: Annotated[Path, typer.Argument(help="Instruction file (markdown) to add guidance to.")],
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", help="Write here instead of in place; '-' for stdout."),
    ] = None,
    category: Annotated[
        str | None, typer.Option(help="Category to use instead of the file's 'Category:' line.")
    ] = None,
    max_tokens: Annotated[
        int, typer.Option(help="Token budget of the block.", min=50)
    ] = DEFAULT_MAX_TOKENS,
    section: Annotated[
        bool,
        typer.Option(
            "--section",
            help="Keep a managed section in a CLAUDE.md or AGENTS.md (created if missing), in "
            "place of a LEARNED_PATTERNS section if it has one; rules of --category or all runs.",
        ),
    ] = False,
) -> None:
    """Add engram's guidance block to an instruction file, or replace the one it has."""
    from engram.playbook import inject

    try:
        text = "" if section and not file.exists() else file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EngramError(f"cannot read {file}: {exc}") from exc
    result = inject(text, category=category, max_tokens=max_tokens, section=section)
    if output == "-":
        sys.stdout.write(result)
        return
    target = Path(output) if output else file
    try:
        target.write_text(result, encoding="utf-8")
    except OSError as exc:
        raise EngramError(f"cannot write {target}: {exc}") from exc
    if result == text:
        note(f"{target}: unchanged")
    else:
        note(f"{target}: guidance written")
