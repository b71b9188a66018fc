"""``engram inject``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from engram.cli.output import Quiet, note, read_text_file, warn, write_output
from engram.render.markdown import DEFAULT_MAX_TOKENS, budget_notice


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
    quiet: Quiet = False,
) -> None:
    """Add engram's guidance block to an instruction file, or replace the one it has."""
    from engram.playbook import injection

    text = "" if section and not file.exists() else read_text_file(file)
    injected = injection(
        text, category=category, agent=agent, max_tokens=max_tokens, section=section
    )
    warn([*injected.playbook.notices, budget_notice(injected.playbook, max_tokens)])
    result = injected.text
    target = write_output(output if output is not None else file, result)
    if target is not None:
        note(f"{target}: {'unchanged' if result == text else 'guidance written'}", quiet)
