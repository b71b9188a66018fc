"""The README stays in step with the CLI and with CI."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer

from engram.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def setup_commands() -> list[str]:
    """The fenced shell blocks the README opens with, before any prose."""
    head = README.split("\n\n", 2)
    blocks = re.findall(r"```sh\n(.*?)\n```", head[1], re.S)
    return blocks


def test_the_readme_opens_with_exactly_two_one_line_setup_commands() -> None:
    commands = setup_commands()
    assert len(commands) == 2
    assert all("\n" not in c for c in commands)
    assert "engram learn examples/traces.json" in commands[0]
    assert "engram suggest" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_the_readmes_test_command() -> None:
    assert setup_commands()[1] in (ROOT / ".ci" / "run").read_text()


def command_names(group: typer.Typer, prefix: str = "engram") -> list[str]:
    names = [f"{prefix} {c.name}" for c in group.registered_commands if not c.hidden]
    for sub in group.registered_groups:
        names += command_names(sub.typer_instance, f"{prefix} {sub.name}")
    return names


def test_every_command_is_in_the_readme_tour() -> None:
    names = command_names(app)
    assert len(names) >= 6
    for name in names:
        assert f"`{name}" in README, name


def test_the_readme_lists_every_command_with_exactly_its_options() -> None:
    from typer.main import get_command

    section = README.split("## Commands and options", 1)[1].split("\n## ", 1)[0]
    documented = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`engram"):
            documented[cells[0].strip("`")] = set(re.findall(r"`(--[a-z-]+)`", cells[2]))

    def walk(command: object, path: str) -> Iterator[tuple[str, object]]:
        children = getattr(command, "commands", None)
        if children is None:
            yield path, command
            return
        for name, child in children.items():
            if not getattr(child, "hidden", False):  # what an installed hook runs
                yield from walk(child, f"{path} {name}")

    actual = {
        path: {next(o for o in p.opts if o.startswith("--"))
               for p in command.params if p.param_type_name == "option"}  # type: ignore[attr-defined]
        for path, command in walk(get_command(app), "engram")
    }  # fmt: skip
    assert documented == actual


@pytest.mark.slow
def test_the_tour_shows_what_the_commands_really_print(tmp_path: Path, sqlite_only: None) -> None:
    """Every ``$ command`` block of the README, run in order in a fresh folder, prints what
    the README shows (``python examples/readme_tour.py`` rewrites them)."""
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        from readme_tour import run_tour
    finally:
        sys.path.pop(0)
    assert run_tour(README, tmp_path) == README


def test_every_document_it_links_exists_and_every_doc_is_linked() -> None:
    text = (ROOT / "README.md").read_text()
    linked = set(re.findall(r"\]\((docs/[^)#]+)", text))
    assert linked and all((ROOT / path).is_file() for path in linked), linked
    assert {f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md")} <= linked
    for doc in (ROOT / "docs").glob("*.md"):
        for target in re.findall(r"\]\(([a-z_]+\.md)", doc.read_text()):
            assert (ROOT / "docs" / target).is_file(), (doc.name, target)
