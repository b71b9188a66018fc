"""Engines: a SQLite store held open through a learn's many short transactions."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from engram.store import open_store
from engram.store.engine import write_transaction


def _wal(store_location: str) -> Path:
    return Path(store_location + "-wal")


def _write(engine: Engine) -> None:
    with write_transaction(engine) as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS held (n INTEGER)"))
        conn.execute(text("INSERT INTO held VALUES (1)"))


@pytest.mark.usefixtures("sqlite_only")
def test_a_store_held_open_keeps_its_log_until_the_end() -> None:
    store = open_store(create=True)
    wal = _wal(store.location)
    _write(store.engine)
    assert not wal.exists()  # the last connection's close folded the log into the database
    with store.kept_open():
        _write(store.engine)
        _write(store.engine)
        assert wal.exists()  # not folded in after every transaction
    assert not wal.exists()  # once, at the end
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM held")).scalar_one() == 3
    store.close()


def test_a_store_held_open_twice_keeps_what_was_written() -> None:
    store = open_store(create=True)
    with store.kept_open(), store.kept_open():  # held twice, as nested code may
        _write(store.engine)
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM held")).scalar_one() == 1
    store.close()
