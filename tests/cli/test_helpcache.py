"""``engram --help`` from the kept rendering: the same text, without the CLI framework."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from engram.cli import helpcache

CODE = """
import sys
from engram.cli import main
sys.argv = ["engram", "--help"]
try:
    main()
except SystemExit as done:
    code = done.code
import json
print(json.dumps({"code": code, "typer": "typer" in sys.modules}), file=sys.stderr)
"""


def help_run(cache: Path) -> tuple[str, dict[str, object]]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "COLUMNS": "100"}
    done = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, env=env)
    return done.stdout, json.loads(done.stderr.strip().splitlines()[-1])


def test_the_second_help_is_the_first_ones_text_without_loading_typer(tmp_path: Path) -> None:
    first, how = help_run(tmp_path / "cache")
    assert how == {"code": 0, "typer": True} and "Usage: engram" in first and "learn" in first
    second, how = help_run(tmp_path / "cache")
    assert how == {"code": 0, "typer": False}
    assert second == first


def test_a_cache_that_cannot_be_written_changes_nothing(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    first, how = help_run(blocked)
    second, again = help_run(blocked)
    assert how == again == {"code": 0, "typer": True} and first == second and "Usage" in first


def test_the_key_changes_with_what_changes_the_text(monkeypatch: pytest.MonkeyPatch) -> None:
    import engram

    key = helpcache._key()
    monkeypatch.setenv("COLUMNS", "61")
    assert helpcache._key() != key
    monkeypatch.delenv("COLUMNS")
    monkeypatch.setenv("NO_COLOR", "1")
    assert helpcache._key() != key
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setattr(engram, "__version__", "0.0.0-other")
    assert helpcache._key() != key
