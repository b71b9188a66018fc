"""What every command promises: ``-q`` prints only data, ``-o -`` is stdout, and a category
the store has never seen is named as such. Run over every registered command, so a new one
cannot slip past."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.main import get_command

from engram.cli import app
from tests.cli.conftest import Invoke
from tests.loaders.test_aggregated_write import job


def commands(group: typer.Typer = app, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    cli = get_command(group)
    yield from _walk(cli, prefix)


def _walk(command: object, prefix: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    sub = getattr(command, "commands", None)
    if sub is None:
        yield prefix
        return
    for name, child in sorted(sub.items()):
        if not getattr(child, "hidden", False):  # what an installed hook runs, not a person
            yield from _walk(child, (*prefix, name))


def params(path: tuple[str, ...]) -> dict[str, object]:
    command: object = get_command(app)
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    return {param.name: param for param in command.params}  # type: ignore[attr-defined]


def with_option(name: str) -> list[tuple[str, ...]]:
    return [path for path in commands() if name in params(path)]


@pytest.fixture
def rule_id(invoke: Invoke, learned: Path) -> str:
    return invoke("patterns", "list").stdout.split()[0]


@pytest.fixture
def instruction(tmp_path: Path) -> Path:
    path = tmp_path / "task.md"
    path.write_text("Category: cross_module_bug_fix\n\nFix the race.\n")
    return path


SESSION = Path(__file__).parents[1] / "loaders" / "fixtures" / "claude_code" / (
    "3f6c1d2a-5b4e-4c8d-9a71-0e2f4b6d8c10.jsonl"
)

#: How to run each command that has ``-q`` on the learned sample store, and what its data is
#: (None: it prints no data at all).
QUIET_RUNS: dict[tuple[str, ...], Callable[..., tuple[list[str], bool]]] = {
    ("learn",): lambda c, **_: ([str(c["corpus"])], False),
    ("inject",): lambda c, **_: ([str(c["instruction"])], False),
    ("export",): lambda c, **_: (["--format", "md", "-o", str(c["tmp"] / "p.md")], False),
    ("import",): lambda c, **_: ([str(c["exported"])], False),
    ("aggregate",): lambda c, **_: (["--job-dir", str(c["job"]), "-o", str(c["tmp"] / "a.json")],
                                    False),
    ("report",): lambda c, **_: (["-o", str(c["tmp"] / "r.html")], False),
    ("patterns", "pin"): lambda c, **_: ([c["rule"]], True),
    ("patterns", "retire"): lambda c, **_: ([c["rule"]], True),
    ("patterns", "restore"): lambda c, **_: ([c["rule"]], True),
    ("patterns", "edit"): lambda c, **_: ([c["rule"], "--text", "Run the tests."], True),
    ("patterns", "add"): lambda c, **_: (["Ask first.", "--kind", "do"], True),
    ("capture",): lambda c, **_: (["--outcome", "pass"], False),
    ("hooks", "install"): lambda c, **_: ([], False),
    ("hooks", "uninstall"): lambda c, **_: ([], False),
}


@pytest.fixture
def context(
    invoke: Invoke, learned: Path, rule_id: str, instruction: Path, tmp_path: Path
) -> dict[str, object]:
    exported = tmp_path / "playbook.json"
    assert invoke("export", "--format", "json", "-o", str(exported)).exit_code == 0
    assert invoke("learn", str(SESSION), "-q").exit_code == 0  # a session for capture
    return {"corpus": learned, "instruction": instruction, "tmp": tmp_path, "rule": rule_id,
            "exported": exported, "job": job(tmp_path)}  # fmt: skip


def test_every_quiet_command_prints_only_its_data(
    invoke: Invoke, context: dict[str, object]
) -> None:
    quiet = with_option("quiet")
    assert set(quiet) == set(QUIET_RUNS), "a command with -q needs an entry in QUIET_RUNS"
    for path in quiet:
        args, prints_data = QUIET_RUNS[path](context)
        result = invoke(*path, *args, "-q")
        assert result.exit_code == 0, (path, result.stderr)
        assert result.stderr == "", (path, result.stderr)
        assert bool(result.stdout.strip()) == prints_data, (path, result.stdout)


def test_every_output_option_takes_a_dash_for_stdout(
    invoke: Invoke, context: dict[str, object], tmp_path: Path
) -> None:
    runs = {
        ("inject",): [str(context["instruction"])],
        ("export",): ["--format", "md"],
        ("aggregate",): ["--job-dir", str(context["job"])],
        ("report",): [],
    }
    outputs = with_option("output")
    assert set(outputs) == set(runs), "a command with -o needs an entry here"
    for path in outputs:
        result = invoke(*path, *runs[path], "-o", "-")
        assert result.exit_code == 0, (path, result.stderr)
        assert result.stdout.strip(), path
        assert not (tmp_path / "-").exists(), path


def test_every_command_that_takes_a_category_names_an_unknown_one(
    invoke: Invoke, context: dict[str, object]
) -> None:
    runs = {
        ("suggest",): [],
        ("inject",): [str(context["instruction"]), "-o", "-"],
        ("failures",): [],
        ("patterns", "list"): [],
        ("patterns", "add"): ["Ask first."],
        ("hooks", "install"): [],
    }
    taking = with_option("category")
    assert set(taking) == set(runs), "a command with --category needs an entry here"
    for path in sorted(taking, key=lambda p: p == ("patterns", "add")):  # add makes it known
        result = invoke(*path, *runs[path], "--category", "cross_modul_bugfix")
        assert result.exit_code == 0, (path, result.stderr)
        assert "no runs or rules of category 'cross_modul_bugfix'" in result.stderr, path
        known = result.stderr.split("known categories: ", 1)[1]
        assert known.startswith("cross_module_bug_fix"), (path, known)  # closest first
    for path in (("compare",), ("report",)):
        extra = ["--baseline", "category=nope", "--treatment", "agent=x"]
        if path == ("report",):
            extra += ["-o", "-"]
        result = invoke(*path, *extra)
        assert "no runs or rules of category 'nope'" in result.stderr, path


def test_a_known_category_gets_no_warning(invoke: Invoke, learned: Path) -> None:
    result = invoke("suggest", "--category", "refactoring")
    assert result.exit_code == 0 and "warning" not in result.stderr


def test_every_command_has_help_that_reads_as_plain_words(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "300")  # wide enough that nothing wraps
    listing = invoke("--help").stdout.splitlines()
    for path in commands():
        command = get_command(app)
        for name in path:
            command = command.commands[name]  # type: ignore[attr-defined]
        assert command.help and command.help.strip(), f"{path} has no help"
        text = invoke(*path, "--help").stdout
        assert "<bool>" not in text and "<int>" not in text and "<str>" not in text, path
        assert "list[" not in text and "{" not in text and "``" not in text, path
        if len(path) == 1:  # its first paragraph is whole on one line of the listing
            first = " ".join(command.help.split("\n\n")[0].split())
            assert any(first in line for line in listing), (path, first)



def choice_options() -> Iterator[tuple[tuple[str, ...], Any]]:
    for path in commands():
        for param in params(path).values():
            if getattr(param, "param_type_name", None) == "option":
                yield path, param


def is_one_of(option: Any) -> bool:
    parser = getattr(option.type_descriptor.parameter_info, "parser", None)
    return parser is not None and parser.__qualname__.startswith("one_of.")


def test_every_fixed_choice_is_checked_one_way() -> None:
    found = []
    for path, option in choice_options():
        annotation = option.type_descriptor.annotation
        assert not (isinstance(annotation, type) and issubclass(annotation, Enum)), (
            f"{path} {option.opts}: an enum; fixed choices go through engram.cli.output.one_of"
        )
        if is_one_of(option):
            found.append((path, option.opts[-1]))
    assert len(found) >= 15, found  # every --format, --by, --status, --kind, --outcome


def test_a_value_outside_a_choice_is_bad_usage_that_names_the_choices(invoke: Invoke) -> None:
    checked = 0
    for path, option in choice_options():
        if not is_one_of(option):
            continue
        others: list[str] = []
        for param in params(path).values():
            if getattr(param, "required", False) and param is not option:
                name = getattr(param, "param_type_name", None)
                others += ["a=b"] if name == "argument" else [param.opts[-1], "a=b"]  # type: ignore[attr-defined]
        result = invoke(*path, option.opts[-1], "no-such-value", *others)
        assert result.exit_code == 2, (path, option.opts, result.output)
        assert "'no-such-value' is not one of" in result.stderr, (path, option.opts)
        checked += 1
    assert checked >= 15
