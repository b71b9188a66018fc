"""``engram doctor`` says what is right and what to do about what is not, changing nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from engram.doctor import Check, checks
from tests.cli.conftest import Invoke


def by_name(found: list[Check]) -> dict[str, Check]:
    return {check.name: check for check in found}


def test_a_learned_store_is_well(invoke: Invoke, learned: Path) -> None:
    found = by_name(checks())
    assert found["install"].ok and found["store"].ok
    assert "schema 0005" in found["store"].detail and "600 runs" in found["store"].detail
    assert found["hooks"].ok is None  # none installed: a note, not a problem
    assert invoke("doctor").exit_code == 0


def test_no_store_is_a_problem_with_its_fix(invoke: Invoke, tmp_path: Path) -> None:
    store = by_name(checks())["store"]
    assert store.ok is False and store.fix and "engram learn" in store.fix
    result = invoke("doctor")
    assert result.exit_code == 1 and "FIX  store:" in result.stdout
    assert not (tmp_path / ".engram").exists()  # looking made nothing


def test_a_corrupt_store_is_named(tmp_path: Path, sqlite_only: None) -> None:
    folder = tmp_path / ".engram"
    folder.mkdir()
    (folder / "engram.db").write_bytes(b"not a database" * 1000)
    store = by_name(checks())["store"]
    assert store.ok is False and "cannot be read" in store.detail and store.fix


def test_a_database_that_does_not_answer_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENGRAM_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    store = by_name(checks())["store"]
    assert store.ok is False and "does not answer" in store.detail


def test_installed_hooks_are_listed(invoke: Invoke, learned: Path) -> None:
    assert invoke("hooks", "install").exit_code == 0
    from engram.integrations.hooks import EVENTS

    hooks = [c for c in checks() if c.name == "hooks"]
    assert [c.ok for c in hooks] == [True] * len(EVENTS)
