"""The store package: the only place in engram that speaks SQL.

``Store`` (SQLAlchemy, SQLite or PostgreSQL) does everything; ``quick`` answers the hot read
path from SQLite without SQLAlchemy. Names are imported on first use so that the quick path
stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engram.store.rulebook import RuleChanges
    from engram.store.store import TOTAL, CountRow, Store, scopes_of

__all__ = ["TOTAL", "CountRow", "RuleChanges", "Store", "open_store", "scopes_of"]


def __getattr__(name: str) -> Any:
    if name == "RuleChanges":
        from engram.store import rulebook

        return rulebook.RuleChanges
    if name in ("TOTAL", "CountRow", "Store", "scopes_of"):
        from engram.store import store

        return getattr(store, name)
    raise AttributeError(f"module 'engram.store' has no attribute {name!r}")


def open_store(create: bool = False) -> Store:
    """The store ENGRAM_DATABASE_URL, ENGRAM_DIR or the nearest ``.engram/`` names.

    With ``create``, a missing SQLite store is made at ``./.engram/engram.db``.
    """
    from engram.config import resolve_database_url
    from engram.store.store import Store

    url, location, created = resolve_database_url(create=create)
    store = Store.open(url, location)
    store.created = created
    return store
