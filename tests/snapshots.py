"""Learned stores built once per test session and copied into each test's own store, so a test
that needs a learned store does not pay for learning it: a copy of the store's folder on SQLite,
a database made from a template on PostgreSQL (``CREATE DATABASE … TEMPLATE``)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


class Snapshots:
    """The session's learned stores, by name; ``postgres_url`` None means SQLite files."""

    def __init__(self, root: Path, postgres_url: str | None) -> None:
        self.root = root
        self.postgres_url = postgres_url
        self.built: dict[str, tuple[str, Any]] = {}  # name -> (folder or database, result)

    def restore(
        self, name: str, build: Callable[[], Any], monkeypatch: pytest.MonkeyPatch
    ) -> tuple[Any, str | None]:
        """Make the current test's store a copy of the one ``build`` makes (built the first
        time ``name`` is asked for, in a store of its own): what ``build`` returned, and the
        database to drop after the test, on PostgreSQL."""
        if name not in self.built:
            self.built[name] = self._build(name, build)
        where, result = self.built[name]
        if self.postgres_url is None:
            shutil.copytree(where, os.environ["ENGRAM_DIR"], dirs_exist_ok=True)
            return result, None
        database = self._database(template=where)
        monkeypatch.setenv("ENGRAM_DATABASE_URL", self._url(database))
        return result, database

    def drop(self, databases: list[str]) -> None:
        """Drop the databases made (nothing to do for files: pytest removes them)."""
        if not databases:
            return
        with self._admin() as conn:
            for database in databases:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    def close(self) -> None:
        """Drop the session's learned stores."""
        if self.postgres_url is not None:
            self.drop([where for where, _ in self.built.values()])

    def _build(self, name: str, build: Callable[[], Any]) -> tuple[str, Any]:
        with pytest.MonkeyPatch.context() as patch:
            if self.postgres_url is None:
                folder = self.root / name / ".engram"
                patch.setenv("ENGRAM_DIR", str(folder))
                return str(folder), build()
            database = self._database(template=None)
            patch.setenv("ENGRAM_DATABASE_URL", self._url(database))
            return database, build()

    def _database(self, template: str | None) -> str:
        database = f"engram_{'copy' if template else 'snapshot'}_{uuid.uuid4().hex[:12]}"
        with self._admin() as conn:
            if template is None:
                conn.exec_driver_sql(f'CREATE DATABASE "{database}"')
            else:  # a template may have no other sessions: end any the build left
                conn.exec_driver_sql(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    f" WHERE datname = '{template}' AND pid <> pg_backend_pid()"
                )
                conn.exec_driver_sql(f'CREATE DATABASE "{database}" TEMPLATE "{template}"')
        return database

    def _url(self, database: str) -> str:
        from sqlalchemy.engine import make_url

        assert self.postgres_url is not None
        url = make_url(self.postgres_url).set(database=database)
        return url.render_as_string(hide_password=False)

    def _admin(self):  # type: ignore[no-untyped-def]
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        assert self.postgres_url is not None
        engine = create_engine(self.postgres_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        return engine.connect()
