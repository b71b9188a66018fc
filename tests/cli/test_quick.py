"""The quick path answers ``suggest`` and ``inject`` exactly as the typer app does, and hands
everything it is not sure of to the app."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from engram.cli.quick import run
from engram.datasets.synthetic import default_scenario, write_corpus
from tests.cli.conftest import Invoke


def quick(*args: str) -> tuple[int | None, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run(list(args))
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    "args",
    [
        ["suggest", "--category", "cross_module_bug_fix"],
        ["suggest", "--category=feature_implementation", "--format", "json"],
        ["suggest", "--agent", "ClaudeCodeAgent", "--max-tokens", "200", "--limit", "2"],
        ["suggest", "--category", "nonsense"],  # a warning on stderr, the same
        ["suggest", "--max-tokens", "50", "--category", "cross_module_bug_fix"],
        ["suggest", "--instruction", "missing.md"],  # an error and its hint, exit 1
    ],
)
def test_the_quick_path_says_what_the_app_says(
    invoke: Invoke, learned: Path, args: list[str]
) -> None:
    code, out, err = quick(*args)
    result = invoke(*args)
    assert code == result.exit_code
    assert (out, err) == (result.stdout, result.stderr)


def test_inject_the_same_both_ways(invoke: Invoke, learned: Path, tmp_path: Path) -> None:
    task = tmp_path / "task.md"
    task.write_text("Category: cross_module_bug_fix\n\nFix it.\n")
    code, out, err = quick("inject", str(task), "-o", "-", "--agent", "ClaudeCodeAgent")
    result = invoke("inject", str(task), "-o", "-", "--agent", "ClaudeCodeAgent")
    assert (code, out, err) == (result.exit_code, result.stdout, result.stderr)
    assert quick("inject", str(task), "-q") == (0, "", "")
    assert "<!-- engram:end -->" in task.read_text()


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Runs enough to mine (it is the reading of the command line that is compared)."""
    path = tmp_path_factory.mktemp("small") / "runs.json"
    write_corpus(default_scenario(120, 7), path)
    return path


def _without_store_and_time(text: str, store: Path) -> str:
    text = text.replace(str(store), "STORE")
    text = re.sub(r"\(\d+\.\ds, store", "(S, store", text)
    return re.sub(r'"seconds": [\d.e-]+', '"seconds": S', text)


@pytest.mark.parametrize(
    "options",
    [
        [],
        ["--json"],
        ["-q"],
        ["--json", "--quiet", "--no-redact", "--strict"],
        ["--by", "agent", "--tag", "baseline", "--min-support=8", "--alpha", "0.1"],
        ["--format", "aggregated", "--min-difference", "0.2", "-j", "2", "--archive"],
        ["--task-key", "^(.+)_\\d+$"],
        ["MISSING.json"],  # skipped, said, exit 1
    ],
)
def test_learn_the_same_both_ways(
    invoke: Invoke, small_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    options: list[str],
) -> None:  # fmt: skip
    """Each into a store of its own (SQLite files on either pass: the command line's reading
    is what differs), the same words, data and exit code."""
    monkeypatch.delenv("ENGRAM_DATABASE_URL", raising=False)
    said = []
    for way in ("quick", "app"):
        folder = tmp_path / way
        monkeypatch.setenv("ENGRAM_DIR", str(folder))
        args = ["learn", str(small_corpus), *options]
        if way == "quick":
            code, out, err = quick(*args)
        else:
            result = invoke(*args)
            code, out, err = result.exit_code, result.stdout, result.stderr
        said.append((code, _without_store_and_time(out, folder),
                     _without_store_and_time(err, folder)))  # fmt: skip
    assert said[0] == said[1]
    assert said[0][0] == (1 if "MISSING.json" in options else 0)


def test_learn_options_left_out_mean_the_same_both_ways() -> None:
    """The quick path leaves out what is not given; the app's defaults must be the same."""
    import inspect

    from engram.cli.learn import learn_command
    from engram.mining.settings import MiningSettings

    defaults = inspect.signature(learn_command).parameters
    for name in ("min_support", "alpha", "min_difference"):
        assert defaults[name].default == getattr(MiningSettings(), name)
    assert (defaults["jobs"].default, defaults["redact"].default) == (1, True)
    from engram.learning.learner import learn

    learns = inspect.signature(learn).parameters
    for app_name, name in [("input_format", "format"), ("strict", "strict"), ("jobs", "jobs"),
                           ("redact", "redact"), ("archive", "archive")]:  # fmt: skip
        assert defaults[app_name].default == learns[name].default, name


@pytest.mark.parametrize(
    "args",
    [
        ["suggest", "--help"],
        ["suggest", "--max-tokens", "10"],  # out of range: the app's usage error
        ["suggest", "--format", "yaml"],
        ["suggest", "--category", "a", "--category", "b"],
        ["suggest", "--nonsense"],
        ["inject"],
        ["inject", "a.md", "b.md"],
        ["stats"],
        [],
        ["hooks", "run"],
        ["hooks", "run", "session-start", "extra"],
        ["hooks", "run", "session-start", "--holdout", "2"],
        ["hooks", "status"],
        ["learn"],  # no paths: the app's usage error
        ["learn", "--help"],
        ["learn", "a.json", "--watch"],
        ["learn", "a.json", "--by", "agent", "--by", "model"],  # repeated: the app's list
        ["learn", "a.json", "--by", "nonsense"],
        ["learn", "a.json", "--format", "nonsense"],
        ["learn", "a.json", "--jobs", "0"],
        ["learn", "a.json", "-j2"],
        ["learn", "a.json", "--task-key", "("],
        ["learn", "a.json", "--task-key", "no group"],
        ["learn", "a.json", "--min-support", "many"],
        ["learn", "a.json", "--json=yes"],
    ],
)
def test_anything_unsure_goes_to_the_app(args: list[str]) -> None:
    assert quick(*args)[0] is None


def _modules_after_a_suggest(
    cwd: Path, sqlite: bool, argv: tuple[str, ...] = ("suggest",), stdin: str = ""
) -> tuple[str, str]:
    """The heavy modules a fresh ``engram ARGV`` on the quick path imported (from the test's
    store, or with ``sqlite`` from the SQLite store in ENGRAM_DIR), and its stderr."""
    import os
    import subprocess
    import sys

    code = (
        f"import sys\nfrom engram.cli.quick import run\nrun({list(argv)!r})\n"
        "print(sorted(m for m in ('typer', 'click', 'rich', 'sqlalchemy', 'scipy', 'pandas',"
        " 'sklearn', 'engram.loaders.claude_code') if m in sys.modules))"
    )
    env = {k: v for k, v in os.environ.items() if not (sqlite and k == "ENGRAM_DATABASE_URL")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=cwd, env=env, input=stdin)  # fmt: skip
    return done.stdout.strip().splitlines()[-1], done.stderr


def test_the_quick_path_imports_no_cli_framework_before_the_first_learn(tmp_path: Path) -> None:
    modules, said = _modules_after_a_suggest(tmp_path, sqlite=True)
    assert modules == "[]"
    assert said.startswith("engram: error: no engram store at") and "engram learn" in said
    assert not (tmp_path / ".engram").exists()  # a read makes no store


@pytest.mark.usefixtures("learned")
def test_the_quick_path_imports_no_cli_framework_on_a_learned_store(tmp_path: Path) -> None:
    """On SQLite through sqlite3, on PostgreSQL through psycopg: neither needs SQLAlchemy."""
    assert _modules_after_a_suggest(tmp_path, sqlite=False) == ("[]", "")


@pytest.mark.usefixtures("learned")
def test_a_new_tasks_guidance_and_the_prompt_hook_need_no_cli_framework(tmp_path: Path) -> None:
    """What a session's first prompt costs: the past tasks' instructions compared without
    scikit-learn, read without SQLAlchemy, and the hook run without typer."""
    import json

    task = tmp_path / "task.md"
    task.write_text("# Cross module bug fix\n\nThe failing tests span two modules.\n")
    assert _modules_after_a_suggest(tmp_path, False, ("suggest", "--instruction", str(task)))[0] == "[]"
    prompt = {"session_id": "s1", "prompt": task.read_text(), "hook_event_name": "UserPromptSubmit"}
    modules, said = _modules_after_a_suggest(
        tmp_path, False, ("hooks", "run", "user-prompt-submit"), json.dumps(prompt))
    assert (modules, said) == ("[]", "")
    assert "gave" in (tmp_path / ".engram" / "hooks.log").read_text()


def test_learn_pays_for_no_cli_framework(tmp_path: Path, small_corpus: Path) -> None:
    modules, said = _modules_after_a_suggest(tmp_path, False, ("learn", str(small_corpus), "-q"))
    assert "sqlalchemy" in modules and "typer" not in modules and "click" not in modules, said


def test_the_mcp_server_starts_without_the_cli_framework(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys\nfrom engram.cli.quick import run\ncode = run(['mcp'])\n"
        "print(code, 'typer' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, stdin=subprocess.DEVNULL, timeout=120)  # fmt: skip
    assert done.stdout.split() == ["0", "False"], done.stdout + done.stderr  # EOF: it ends
