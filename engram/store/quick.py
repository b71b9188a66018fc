"""Read-only answers for the hot path (``suggest``, ``inject``) from a SQLite store through the
standard library's driver, so a prompt hook starts without importing SQLAlchemy.

Anything out of the ordinary (no file, an older or newer schema, a locked or broken database)
returns None and the caller opens the full Store instead, which migrates and reports errors.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path

from engram.rules import Rule
from engram.store.revisions import HEAD
from engram.store.rows import rule_from_mapping

_SCOPE_COLUMNS = {"category": "category", "agent": "agent", "model": "model"}


def sqlite_path(url: str) -> Path | None:
    """The file of a ``sqlite:///path`` URL, or None for any other database."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url:
        return None
    return Path(url[len(prefix) :])


def read_playbook(
    path: Path,
    scopes: Collection[tuple[str, str]],
    statuses: Collection[str],
    selectors: dict[str, str],
) -> tuple[list[Rule], int] | None:
    """Rules in ``scopes`` with ``statuses`` (best first) and the number of runs ``selectors``
    pick, or None when the store should be opened the full way."""
    try:
        with _connect(path) as conn:
            version = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            if version is None or version[0] != HEAD:
                return None
            scope_sql = " OR ".join("(scope_kind = ? AND scope_value = ?)" for _ in scopes)
            status_sql = ", ".join("?" for _ in statuses)
            rows = conn.execute(
                f"SELECT * FROM rules WHERE status IN ({status_sql}) AND ({scope_sql})"
                " ORDER BY score DESC, id",
                [*statuses, *(v for scope in scopes for v in scope)],
            ).fetchall()
            where = " AND ".join(f"{_SCOPE_COLUMNS[key]} = ?" for key in selectors) or "1"
            (traces,) = conn.execute(
                f"SELECT count(*) FROM traces WHERE {where}", list(selectors.values())
            ).fetchone()
    except (sqlite3.Error, KeyError):
        return None
    return [rule_from_mapping(row) for row in rows], int(traces)


def read_agent_tools(path: Path) -> dict[str, set[str]] | None:
    """Per agent, the tools and MCP servers its runs showed, or None to ask the full Store."""
    try:
        with _connect(path) as conn:
            rows = conn.execute("SELECT agent, key FROM agent_tools").fetchall()
    except sqlite3.Error:
        return None
    tools: dict[str, set[str]] = {}
    for agent, key in rows:
        tools.setdefault(agent, set()).add(key)
    return tools


def read_categories(path: Path) -> list[str] | None:
    """Every category the store has runs or rules of, or None to ask the full Store."""
    try:
        with _connect(path) as conn:
            rows = conn.execute(
                "SELECT category FROM traces WHERE category IS NOT NULL UNION "
                "SELECT scope_value FROM rules WHERE scope_kind = 'category'"
            ).fetchall()
    except sqlite3.Error:
        return None
    return sorted(row[0] for row in rows)


@contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    if not path.is_file():
        raise sqlite3.OperationalError("no such store")
    conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        conn.row_factory = sqlite3.Row
        yield conn
    finally:
        conn.close()
