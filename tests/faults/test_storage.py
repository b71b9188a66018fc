"""A store that cannot be written (read-only, full) gives a clear error and stays as it was."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import engram
from engram.cli import app
from engram.config import resolve_database_url
from engram.datasets.synthetic import Scenario, write_corpus
from engram.store import engine as store_engine
from engram.store import open_store
from tests.conftest import on_postgres


@pytest.fixture
def two_files(tmp_path: Path) -> tuple[Path, Path]:
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    write_corpus(Scenario(runs=300, seed=1), first)
    write_corpus(Scenario(runs=600, seed=2), second)
    return first, second


def contents() -> dict[str, Any]:
    with open_store() as store:
        stats = store.stats()
        counts = sorted((r.scope_kind, r.scope_value, r.feature, r.runs)
                        for r in store.feature_counts(["all", "category"]))  # fmt: skip
        rules = [r.as_dict() for r in store.rules(statuses=("active", "pinned", "retired"))]
    stats.pop("learns")
    return {"stats": stats, "counts": counts, "rules": rules}


def test_a_read_only_store_is_refused_with_a_hint_and_left_alone(
    two_files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    engram.learn([two_files[0]])
    before = contents()
    url, _, _ = resolve_database_url()
    if on_postgres():
        read_only = url + "%20-cdefault_transaction_read_only%3Don"  # appended to options
    else:
        read_only = f"sqlite:///file:{url.removeprefix('sqlite:///')}?mode=ro&uri=true"
    monkeypatch.setenv("ENGRAM_DATABASE_URL", read_only)
    result = CliRunner().invoke(app, ["learn", str(two_files[1])], catch_exceptions=False)
    assert result.exit_code == 1
    assert "engram: error: cannot write to the store" in result.stderr
    assert "hint: the store is read-only" in result.stderr
    # Reading still works from a read-only store.
    assert CliRunner().invoke(app, ["suggest"], catch_exceptions=False).exit_code == 0
    monkeypatch.setenv("ENGRAM_DATABASE_URL", url) if on_postgres() else monkeypatch.delenv(
        "ENGRAM_DATABASE_URL"
    )
    assert contents() == before


def test_a_full_disk_fails_the_batch_and_keeps_what_was_there(
    two_files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, sqlite_only: None
) -> None:
    engram.learn([two_files[0]])
    before = contents()
    original = store_engine._sqlite_on_connect

    def nearly_full(dbapi_connection: Any, record: Any) -> None:
        original(dbapi_connection, record)
        cursor = dbapi_connection.cursor()
        pages = cursor.execute("PRAGMA page_count").fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages + 8}")
        cursor.close()

    monkeypatch.setattr(store_engine, "_sqlite_on_connect", nearly_full)
    result = CliRunner().invoke(app, ["learn", str(two_files[1])], catch_exceptions=False)
    assert result.exit_code == 1
    assert "full" in result.stderr and "hint: free some disk space" in result.stderr
    monkeypatch.setattr(store_engine, "_sqlite_on_connect", original)
    assert contents() == before
    summary = engram.learn([two_files[1]])
    assert summary.traces_new == 600
