"""Read-only answers for the hot path (``suggest``, ``inject``) straight through the database's
driver (the standard library's sqlite3, or psycopg for PostgreSQL), so a prompt hook starts
without importing SQLAlchemy.

Anything out of the ordinary (no store, an older or newer schema, a locked or broken database,
no psycopg) returns None and the caller opens the full Store instead, which migrates and
reports errors.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


@dataclass(frozen=True, slots=True)
class Source:
    """A store the quick path can read: a SQLite file, or a PostgreSQL URI for psycopg."""

    sqlite: Path | None = None
    postgres: str | None = None


def quick_source(url: str) -> Source | None:
    """Where the quick path reads the store at ``url`` (a SQLAlchemy URL), if it can."""
    path = sqlite_path(url)
    if path is not None:
        return Source(sqlite=path)
    for prefix in ("postgresql+psycopg://", "postgresql://"):
        if url.startswith(prefix):
            return Source(postgres="postgresql://" + url[len(prefix) :])
    return None


def read_playbook(
    source: Source,
    scopes: Collection[tuple[str, str]],
    statuses: Collection[str],
    selectors: dict[str, str],
) -> tuple[list[Rule], int] | None:
    """Rules in ``scopes`` with ``statuses`` (best first) and the number of runs ``selectors``
    pick, or None when the store should be opened the full way."""
    try:
        with _connect(source) as (conn, mark):
            version = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            if version is None or version["version_num"] != HEAD:
                return None
            scope_sql = " OR ".join(f"(scope_kind = {mark} AND scope_value = {mark})"
                                    for _ in scopes)  # fmt: skip
            status_sql = ", ".join(mark for _ in statuses)
            rows = conn.execute(
                f"SELECT * FROM rules WHERE status IN ({status_sql}) AND ({scope_sql})"
                " ORDER BY score DESC, id",
                [*statuses, *(v for scope in scopes for v in scope)],
            ).fetchall()
            where = " AND ".join(f"{_SCOPE_COLUMNS[key]} = {mark}" for key in selectors)
            traces = conn.execute(
                f"SELECT count(*) AS n FROM traces WHERE {where or '1 = 1'}",
                list(selectors.values()),
            ).fetchone()["n"]
    except (Unreadable, KeyError):
        return None
    return [rule_from_mapping(row) for row in rows], int(traces)


def read_agent_tools(source: Source) -> dict[str, set[str]] | None:
    """Per agent, the tools and MCP servers its runs showed, or None to ask the full Store."""
    try:
        with _connect(source) as (conn, _mark):
            rows = conn.execute("SELECT agent, key FROM agent_tools").fetchall()
    except Unreadable:
        return None
    tools: dict[str, set[str]] = {}
    for row in rows:
        tools.setdefault(row["agent"], set()).add(row["key"])
    return tools


def read_categories(source: Source) -> list[str] | None:
    """Every category the store has runs or rules of, or None to ask the full Store."""
    try:
        with _connect(source) as (conn, _mark):
            rows = conn.execute(
                "SELECT category FROM traces WHERE category IS NOT NULL UNION "
                "SELECT scope_value FROM rules WHERE scope_kind = 'category'"
            ).fetchall()
    except Unreadable:
        return None
    return sorted(row["category"] for row in rows)


def read_task_instructions(
    source: Source, limit: int = 20_000
) -> list[tuple[str, str, str]] | None:
    """``Store.task_instructions``: one instruction per past task with a category, or None to
    ask the full Store."""
    try:
        with _connect(source) as (conn, mark):
            rows = conn.execute(
                "SELECT task_id, category, max(instruction) AS instruction FROM traces"
                " WHERE category IS NOT NULL AND instruction IS NOT NULL"
                f" GROUP BY task_id, category LIMIT {mark}",
                [limit],
            ).fetchall()
    except Unreadable:
        return None
    return [(str(r["task_id"]), str(r["category"]), str(r["instruction"])) for r in rows
            if r["instruction"]]  # fmt: skip


def read_health(source: Source) -> dict[str, Any]:
    """What ``engram doctor`` says of a store, read without changing it: its schema revision,
    runs and active rules, and on SQLite its integrity check. Raises ``Unreadable`` (with
    the database's own words) when the store does not answer."""
    with _connect(source) as (conn, _mark):
        try:
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except Exception as exc:
            if "no such table" in str(exc) or "does not exist" in str(exc):
                return {"revision": None}  # a database that holds no engram store at all
            raise
        health: dict[str, Any] = {"revision": revision["version_num"] if revision else None}
        if health["revision"] == HEAD:
            health["runs"] = conn.execute("SELECT count(*) AS n FROM traces").fetchone()["n"]
            health["active_rules"] = conn.execute(
                "SELECT count(*) AS n FROM rules WHERE status IN ('active', 'pinned')"
            ).fetchone()["n"]
        if source.sqlite is not None:
            health["integrity"] = conn.execute("PRAGMA quick_check").fetchone()[0]
    return health


class Unreadable(Exception):
    """The quick path cannot read this store: the full Store will say why."""



@contextmanager
def _connect(source: Source) -> Iterator[tuple[Any, str]]:
    """A read-only connection whose rows are mappings, and its parameter mark."""
    if source.sqlite is not None:
        if not source.sqlite.is_file():
            raise Unreadable("no such store")
        try:
            conn = sqlite3.connect(f"{source.sqlite.absolute().as_uri()}?mode=ro", uri=True,
                                   timeout=30)  # fmt: skip
            conn.row_factory = sqlite3.Row
            try:
                yield conn, "?"
            finally:
                conn.close()
        except sqlite3.Error as exc:
            raise Unreadable(str(exc)) from exc
        return
    try:
        import psycopg
        from psycopg.rows import dict_row
    except ImportError as exc:
        raise Unreadable("no psycopg") from exc
    try:
        with psycopg.connect(str(source.postgres), row_factory=dict_row, autocommit=True,
                             connect_timeout=10) as postgres:  # fmt: skip
            yield postgres, "%s"
    except psycopg.Error as exc:
        raise Unreadable(str(exc)) from exc
