"""Bring a store's schema to the current revision when it is opened."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text

from engram.errors import SchemaTooNewError, StoreError
from engram.store.engine import write_transaction
from engram.store.revisions import HEAD, REVISIONS


def migrations_dir() -> Path:
    """The Alembic tree: inside the installed package, or at the top of a source checkout."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "migrations", package.parent / "migrations"):
        if (candidate / "env.py").is_file():
            return candidate
    raise StoreError("engram's migrations are missing from this installation")


def current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def ensure_schema(engine: Engine) -> None:
    """Migrate to the head revision unless the store is already there (a read-only check)."""
    with engine.connect() as connection:
        revision = current_revision(connection)
    if revision == HEAD:
        return
    _refuse_unknown(revision)
    with write_transaction(engine) as connection:
        revision = current_revision(connection)  # another process may have migrated meanwhile
        if revision == HEAD:
            return
        _refuse_unknown(revision)
        if revision is None and _blank(connection):
            create_at_head(connection)
        else:
            upgrade(connection)


def create_at_head(connection: Connection) -> None:
    """A new store made at the head revision at once: the models' tables and indexes, and the
    revision stamped, as Alembic's cookbook builds a database from scratch. The models and the
    migrations describe the same schema (``tests/store/test_migrations.py``), so a new store
    and a migrated one are alike; only the migrations' import and steps are saved."""
    from engram.store.models import Base

    Base.metadata.create_all(connection, checkfirst=False)
    connection.execute(text(
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL,"
        " CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
    ))  # fmt: skip
    connection.execute(text("INSERT INTO alembic_version (version_num) VALUES (:head)"),
                       {"head": HEAD})  # fmt: skip


def _blank(connection: Connection) -> bool:
    """Whether the database holds none of engram's tables yet."""
    from engram.store.models import Base

    present = set(inspect(connection).get_table_names())
    return not present & {table.name for table in Base.metadata.sorted_tables}


def upgrade(connection: Connection, revision: str = "head") -> None:
    """Run Alembic's upgrade on ``connection`` (inside the caller's transaction)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def _refuse_unknown(revision: str | None) -> None:
    if revision is not None and revision not in REVISIONS:
        raise SchemaTooNewError(
            f"the store's schema revision {revision!r} is not one this engram knows"
            f" (newest known: {HEAD})"
        )
