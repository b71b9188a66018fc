"""Many rows in one go, the fastest way each database's driver has.

A learn writes a row per run and feature, and adds to a count per scope, stratum and feature;
through SQLAlchemy's per-row parameters, or psycopg's row-by-row ``executemany``, that was most
of a learn into PostgreSQL. So rows go as plain tuples: on SQLite through sqlite3's
``executemany`` (in C), on PostgreSQL as one statement over arrays (``unnest``), each column
one parameter. Both go through SQLAlchemy's execution, so its events see them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection


def insert_rows(
    conn: Connection, table: str, columns: Sequence[str], rows: Sequence[tuple[int, ...]]
) -> None:
    """Insert ``rows`` of integers (in ``columns``' order) into ``table``, in ``conn``'s
    transaction."""
    _insert(conn, table, [(name, "bigint[]") for name in columns], rows)


def add_sums(
    conn: Connection,
    table: str,
    keys: Sequence[tuple[str, str]],
    sums: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
) -> None:
    """Add each row's ``sums`` to the row of ``table`` with its ``keys`` (made if missing).

    ``keys`` are (column, PostgreSQL array type) pairs; a row is its keys' values, then its
    sums'. No two rows may share keys."""
    update = ", ".join(f"{s} = {table}.{s} + excluded.{s}" for s in sums)
    conflict = f" ON CONFLICT ({', '.join(name for name, _ in keys)}) DO UPDATE SET {update}"
    _insert(conn, table, [*keys, *((s, "bigint[]") for s in sums)], rows, conflict)


def _insert(
    conn: Connection,
    table: str,
    columns: Sequence[tuple[str, str]],
    rows: Sequence[tuple[Any, ...]],
    suffix: str = "",
) -> None:
    """``INSERT INTO table`` of ``rows`` into ``columns`` ((name, PostgreSQL array type)
    pairs), then ``suffix``: one statement over arrays on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    names = ", ".join(name for name, _ in columns)
    if conn.dialect.name == "postgresql":
        arrays = ", ".join(f"%s::{kind}" for _, kind in columns)
        conn.exec_driver_sql(
            f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays}){suffix}",
            tuple(list(column) for column in zip(*rows, strict=True)),
        )
        return
    marks = ", ".join("?" for _ in columns)
    conn.exec_driver_sql(f"INSERT INTO {table} ({names}) VALUES ({marks}){suffix}", list(rows))
