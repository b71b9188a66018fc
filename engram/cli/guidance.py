"""What ``engram suggest`` and ``engram inject`` do, free of the CLI framework, so the typer
commands and the quick path (``engram.cli.quick``) run the very same code."""

from __future__ import annotations

from pathlib import Path

from engram.cli.console import echo, note, print_json, read_text_file, warn, write_output


def print_suggestion(
    category: str | None,
    agent: str | None,
    model: str | None,
    output_format: str,
    max_tokens: int,
    limit: int | None,
    instruction: Path | None,
    holdout: float = 0.0,
) -> None:
    """Print the guidance for a kind of task (markdown or JSON), warnings on stderr."""
    from engram.parse.instruction import task_category
    from engram.playbook.guidance import suggest
    from engram.render.markdown import budget_notice

    text = None
    if instruction is not None:
        text = read_text_file(instruction)
        if category is None:
            category = task_category(text)
    playbook = suggest(category, agent=agent, model=model, limit=limit, instruction=text)
    if holdout:
        playbook = playbook.hold_out(holdout)
    warn(playbook.notices)
    if output_format == "json":
        print_json(playbook.to_dict())
    else:
        warn([budget_notice(playbook, max_tokens)])
        echo(playbook.to_markdown(max_tokens))


def inject_file(
    file: Path,
    output: Path | None,
    category: str | None,
    agent: str | None,
    max_tokens: int,
    section: bool,
    quiet: bool,
    holdout: float = 0.0,
) -> None:
    """Put the guidance block into ``file`` (or write it to ``output``, ``-`` for stdout)."""
    from engram.playbook.guidance import injection
    from engram.render.markdown import budget_notice

    text = "" if section and not file.exists() else read_text_file(file)
    injected = injection(text, category=category, agent=agent, max_tokens=max_tokens,
                         section=section, holdout=holdout)  # fmt: skip
    warn([*injected.playbook.notices, budget_notice(injected.playbook, max_tokens)])
    target = write_output(output if output is not None else file, injected.text)
    if target is not None:
        note(f"{target}: {'unchanged' if injected.text == text else 'guidance written'}", quiet)
