"""Migrations: a blank store reaches head, the models match the migrations, newer is refused."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect, text

from engram.config import resolve_database_url
from engram.errors import SchemaTooNewError
from engram.store import open_store
from engram.store.engine import make_engine, write_transaction
from engram.store.migrate import current_revision, migrations_dir, upgrade
from engram.store.models import Base
from engram.store.revisions import HEAD, REVISIONS


def test_a_blank_store_is_migrated_to_head_when_opened() -> None:
    with open_store(create=True) as store, store.engine.connect() as conn:
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        tables = set(inspect(conn).get_table_names())
    assert version == HEAD
    assert {t.name for t in Base.metadata.sorted_tables} <= tables


def test_the_models_and_the_migrations_describe_the_same_schema() -> None:
    """A new store is made from the models at once; one migrated revision by revision from
    blank must end up the same."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = make_engine(resolve_database_url(create=True)[0])
    try:
        with write_transaction(engine) as conn:
            upgrade(conn)  # every migration, from the first
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_a_new_store_is_made_at_head_without_running_the_migrations(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import engram.store.migrate as migrate

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a blank store needs no migration")

    monkeypatch.setattr(migrate, "upgrade", refuse)
    with open_store(create=True) as store, store.engine.connect() as conn:
        assert current_revision(conn) == HEAD
        tables = set(inspect(conn).get_table_names())
    assert {t.name for t in Base.metadata.sorted_tables} | {"alembic_version"} <= tables


def test_the_known_revisions_are_alembics_revisions() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    script = ScriptDirectory.from_config(config)
    assert script.get_current_head() == HEAD
    walked = [rev.revision for rev in script.walk_revisions()]
    assert list(reversed(walked)) == list(REVISIONS)


def test_opening_twice_does_not_migrate_again() -> None:
    open_store(create=True).close()
    with open_store() as store, store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1


def test_a_store_written_by_a_newer_engram_is_refused_untouched() -> None:
    with open_store(create=True) as store, store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(SchemaTooNewError, match="9999"):
        open_store()
    url, _, _ = resolve_database_url()
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999"
        assert "rules" in inspect(conn).get_table_names()
    engine.dispose()
