"""Bulk writes: rows inserted exactly, sums added to the rows there and made where missing, in
the caller's transaction, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, select

from engram.store import Store, open_store
from engram.store.bulk import add_sums, insert_rows
from engram.store.engine import write_transaction

METADATA = MetaData()
PAIRS = Table("bulk_pairs", METADATA, Column("a", Integer, primary_key=True),
              Column("b", Integer, primary_key=True))  # fmt: skip
SUMS = Table("bulk_sums", METADATA, Column("kind", String(20), primary_key=True),
             Column("name", String(200), primary_key=True), Column("n", Integer),
             Column("micros", BigInteger))  # fmt: skip


@pytest.fixture
def store() -> Iterator[Store]:
    opened = open_store(create=True)
    METADATA.create_all(opened.engine)
    yield opened
    METADATA.drop_all(opened.engine)
    opened.close()


def rows_of(store: Store, table: Table) -> list[tuple[object, ...]]:
    with store.engine.connect() as conn:
        return sorted(tuple(row) for row in conn.execute(select(table)))


def test_rows_are_inserted_exactly(store: Store) -> None:
    rows = [(pk, feature) for pk in range(1, 400) for feature in (pk % 7, 1000 + pk)]
    with write_transaction(store.engine) as conn:
        insert_rows(conn, "bulk_pairs", ("a", "b"), rows)
        insert_rows(conn, "bulk_pairs", ("a", "b"), [])
    assert rows_of(store, PAIRS) == sorted(rows)


def test_sums_add_to_the_rows_there_and_make_the_missing_ones(store: Store) -> None:
    keys = (("kind", "text[]"), ("name", "text[]"))
    big = 3 * 10**12  # beyond 32 bits: reward millionths summed over many runs
    with write_transaction(store.engine) as conn:
        add_sums(conn, "bulk_sums", keys, ("n", "micros"),
                 [("tool", "Bash", 2, big), ("tool", "Edit", 1, 0)])  # fmt: skip
    with write_transaction(store.engine) as conn:
        add_sums(conn, "bulk_sums", keys, ("n", "micros"),
                 [("tool", "Bash", 3, 5), ("cmd", "pytest -q 'x'", 1, 7)])  # fmt: skip
        add_sums(conn, "bulk_sums", keys, ("n", "micros"), [])
    assert rows_of(store, SUMS) == [
        ("cmd", "pytest -q 'x'", 1, 7), ("tool", "Bash", 5, big + 5), ("tool", "Edit", 1, 0),
    ]  # fmt: skip


def test_a_failed_transaction_keeps_none_of_its_bulk_writes(store: Store) -> None:
    with pytest.raises(RuntimeError), write_transaction(store.engine) as conn:
        insert_rows(conn, "bulk_pairs", ("a", "b"), [(1, 2), (3, 4)])
        add_sums(conn, "bulk_sums", (("kind", "text[]"), ("name", "text[]")), ("n", "micros"),
                 [("tool", "Bash", 1, 1)])  # fmt: skip
        raise RuntimeError("the batch broke")
    assert rows_of(store, PAIRS) == [] and rows_of(store, SUMS) == []
