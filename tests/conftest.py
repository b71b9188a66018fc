"""Every test gets its own store: a SQLite file in a temp folder, or, when CI points
ENGRAM_TEST_DATABASE_URL (or ENGRAM_DATABASE_URL) at PostgreSQL, its own schema there."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from engram.datasets.synthetic import Planted, Scenario, write_corpus
from tests.snapshots import Snapshots

POSTGRES_URL = os.environ.get("ENGRAM_TEST_DATABASE_URL") or os.environ.get("ENGRAM_DATABASE_URL")


def on_postgres() -> bool:
    return bool(POSTGRES_URL)


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[Any]:
    """One connection pool to PostgreSQL for the session's schema making (None on SQLite)."""
    if not POSTGRES_URL:
        yield None
        return
    from sqlalchemy import create_engine

    admin = create_engine(POSTGRES_URL)
    try:
        yield admin
    finally:
        # Thousands of schemas made and dropped leave the catalogs full of dead rows, which slow
        # every later session's DDL until autovacuum comes round: reclaim them now.
        with admin.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM")
        admin.dispose()


@pytest.fixture(autouse=True)
def isolated_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, postgres_admin: Any
) -> Iterator[None]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ENGRAM_DIR", str(tmp_path / ".engram"))
    monkeypatch.setenv("ENGRAM_NO_PROGRESS", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # engram --help's kept text
    monkeypatch.delenv("ENGRAM_DATABASE_URL", raising=False)
    monkeypatch.delenv("ENGRAM_DEBUG", raising=False)
    if postgres_admin is None:
        yield
        return
    schema = f"engram_test_{uuid.uuid4().hex[:12]}"
    with postgres_admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in str(POSTGRES_URL) else "?"
    monkeypatch.setenv(
        "ENGRAM_DATABASE_URL", f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    )
    try:
        yield
    finally:
        with postgres_admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def sqlite_only() -> None:
    if on_postgres():
        pytest.skip("about the SQLite file store")


#: The planted corpus of the end-to-end tests (issue 2's acceptance): what it must find.
PLANTED = Scenario(
    runs=2400,
    seed=11,
    categories={"api_migration": 0.45, "bug_fix": 0.5, "build_config": 0.55, "docs": 0.6},
    agents=("BaselineAgent", "DocsToolAgent"),
    planted=(
        Planted("tool:mcp__docs__lookup", 0.4, "api_migration", 0.45),
        Planted("tool_error_loop:Edit", -0.4, None, 0.2),
        Planted("cmd:make", 0.4, "build_config", 0.45),
    ),
    random_tools=("TodoWrite", "WebSearch", "Task", "NotebookEdit"),
    infra_tool="WebFetch",
    infra_rate=0.12,
)
EXPECTED_RULES = {
    ("category", "api_migration", "tool:mcp__docs__lookup", "do"),
    ("all", "", "tool_error_loop:Edit", "avoid"),
    ("category", "build_config", "cmd:make", "do"),
}
NOISE_TOOLS = ("TodoWrite", "WebSearch", "Task", "NotebookEdit", "WebFetch")


@pytest.fixture(scope="session")
def planted_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "planted.json"
    write_corpus(PLANTED, path)
    return path


Restore = Callable[[str, Callable[[], Any]], Any]


@pytest.fixture(scope="session")
def snapshots(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Snapshots]:
    made = Snapshots(tmp_path_factory.mktemp("snapshots"), POSTGRES_URL)
    try:
        yield made
    finally:
        made.close()


@pytest.fixture
def restore(snapshots: Snapshots, monkeypatch: pytest.MonkeyPatch) -> Iterator[Restore]:
    """``restore(name, build)``: this test's store becomes a copy of the learned store
    ``build`` makes, built once per session (``tests/snapshots.py``); it returns what
    ``build`` returned."""
    made: list[str] = []

    def copy(name: str, build: Callable[[], Any]) -> Any:
        result, database = snapshots.restore(name, build, monkeypatch)
        if database is not None:
            made.append(database)
        return result

    yield copy
    snapshots.drop(made)
