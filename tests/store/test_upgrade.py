"""A store written by an older schema revision upgrades with every row intact."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import DateTime, Integer, MetaData, Table, func, select, text

import engram
from engram.config import resolve_database_url
from engram.datasets.synthetic import Scenario, write_corpus
from engram.store import open_store
from engram.store.engine import make_engine, write_transaction
from engram.store.migrate import upgrade
from engram.store.revisions import REVISIONS
from tests.faults.checks import assert_consistent

FIXTURES = sorted((Path(__file__).resolve().parent.parent / "fixtures").glob("store-*.json"))


def test_every_released_revision_has_a_fixture() -> None:
    assert {json.loads(path.read_text())["revision"] for path in FIXTURES} == set(REVISIONS)


def row_values(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    return {
        name: datetime.fromisoformat(value)
        if isinstance(table.c[name].type, DateTime) and isinstance(value, str)
        else value
        for name, value in row.items()
    }


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_an_older_store_upgrades_with_every_row_intact(fixture: Path, tmp_path: Path) -> None:
    data = json.loads(fixture.read_text())
    url, _, _ = resolve_database_url(create=True)
    engine = make_engine(url)
    with write_transaction(engine) as conn:
        upgrade(conn, data["revision"])
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            rows = data["tables"].get(table.name, [])
            if rows:
                conn.execute(table.insert(), [row_values(table, row) for row in rows])
            serial = "id" in table.c and isinstance(table.c["id"].type, Integer)
            if engine.dialect.name == "postgresql" and serial and rows:
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'),"
                                  f" (SELECT max(id) FROM {table.name}))"))  # fmt: skip
    engine.dispose()

    with open_store() as store:  # opening migrates to the current revision
        with store.engine.connect() as conn:
            for name, rows in data["tables"].items():
                count = conn.execute(select(func.count()).select_from(text(name))).scalar()
                assert count == len(rows), name
        kept = {r.id: r for r in store.rules(statuses=("active", "pinned", "retired"))}
        for row in data["tables"]["rules"]:
            rule = kept[row["id"]]
            assert (rule.text, rule.evidence.n_with, rule.evidence.pass_with, rule.score) == (
                row["text"], row["n_with"], row["pass_with"], row["score"],
            )  # fmt: skip
        assert_consistent(store)
    more = tmp_path / "more.json"
    write_corpus(Scenario(runs=120, seed=99), more)
    assert engram.learn([more]).traces_new == 120
    with open_store() as store:
        assert_consistent(store)
        assert store.count_traces() == len(data["tables"]["traces"]) + 120
