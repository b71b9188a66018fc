"""``engram inject``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from engram.cli.output import Holdout, Quiet
from engram.render.markdown import DEFAULT_MAX_TOKENS


def inject_command(
    file: Annotated[Path, typer.Argument(help="Instruction file (markdown) to add guidance to.")],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write here instead of in place; '-' for stdout."),
    ] = None,
    category: Annotated[
        str | None, typer.Option(help="Category to use instead of the file's 'Category:' line.")
    ] = None,
    agent: Annotated[
        str | None,
        typer.Option(help="The agent that reads it: only rules on tools it has, none of others'."),
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
    holdout: Holdout = 0.0,
    quiet: Quiet = False,
) -> None:
    """Add engram's guidance block to an instruction file, or replace the one it has."""
    from engram.cli.guidance import inject_file

    inject_file(file, output, category, agent, max_tokens, section, quiet, holdout)
