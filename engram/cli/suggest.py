"""``engram suggest``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from engram.cli.output import Holdout, MarkdownFormat
from engram.render.markdown import DEFAULT_MAX_TOKENS


def suggest_command(
    category: Annotated[
        str | None, typer.Option(help="Task category to give guidance for.")
    ] = None,
    agent: Annotated[
        str | None,
        typer.Option(
            help="The agent that reads it: only rules on tools it has, none of others',"
            " and rules mined for it."
        ),
    ] = None,
    model: Annotated[str | None, typer.Option(help="Include rules mined for this model.")] = None,
    output_format: MarkdownFormat = "md",
    max_tokens: Annotated[
        int, typer.Option(help="Token budget of the markdown block.", min=50)
    ] = DEFAULT_MAX_TOKENS,
    limit: Annotated[int | None, typer.Option(help="At most this many rules.", min=1)] = None,
    instruction: Annotated[
        Path | None,
        typer.Option(
            help="The task's instruction: without a known category, the rules of "
            "the most similar past tasks' categories apply."
        ),
    ] = None,
    holdout: Holdout = 0.0,
) -> None:
    """Print the guidance for a kind of task: its rules, best first, with their evidence."""
    from engram.cli.guidance import print_suggestion

    print_suggestion(category, agent, model, output_format, max_tokens, limit, instruction,
                     holdout)  # fmt: skip
