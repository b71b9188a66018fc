"""Engines for SQLite and PostgreSQL, with the per-connection settings each needs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from engram.errors import StoreError

WRITE_OPTION = "engram_write"
BUSY_TIMEOUT_MS = 60_000
# Any 64-bit number that names engram's write lock on PostgreSQL.
PG_WRITE_LOCK = 0x656E6772616D


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, a busy timeout, foreign keys and IMMEDIATE writes."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, poolclass=NullPool
        )
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself, so writers can ask for IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _sqlite_on_begin(connection: Connection) -> None:
    write = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection whose reads all see one state of the store, whatever writers do meanwhile
    (PostgreSQL's REPEATABLE READ; a SQLite read transaction is one snapshot already)."""
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        yield connection


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A short write transaction: it waits for other writers instead of failing, and either
    commits whole or leaves the store as it was (a database error becomes a StoreError)."""
    try:
        with engine.connect() as connection:
            connection = connection.execution_options(**{WRITE_OPTION: True})
            with connection.begin():
                if engine.dialect.name == "postgresql":
                    # Wait for other writers, as SQLite's busy timeout does, but not forever.
                    connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{BUSY_TIMEOUT_MS}ms'")
                    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_WRITE_LOCK})")
                yield connection
    except DBAPIError as exc:
        raise store_error("cannot write to the store", exc) from exc


@contextmanager
def kept_open(engine: Engine) -> Iterator[None]:
    """Hold an idle connection to a SQLite store meanwhile, so that many short transactions in
    a row are not each its last connection: closing that one copies the write-ahead log into
    the database and removes it (a checkpoint, 3% of a learn). SQLite still checkpoints as
    the log grows, and once when this ends. A no-op on PostgreSQL, whose connections pool."""
    if engine.dialect.name != "sqlite":
        yield
        return
    with engine.connect():
        yield


def store_error(doing: str, exc: DBAPIError) -> StoreError:
    """A database failure in words a user can act on."""
    reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
    lowered = reason.lower()
    hint = None
    if "readonly" in lowered or "read-only" in lowered or "read only" in lowered:
        hint = "the store is read-only: check the file's permissions, the mount, or the role"
    elif "full" in lowered or "no space" in lowered:
        hint = "free some disk space; nothing of the failed batch was written"
    elif "locked" in lowered or "timeout" in lowered:
        hint = "another process held the store too long; try again"
    return StoreError(f"{doing}: {reason}", hint=hint)
