"""Every environment variable engram reads, and where the store lives."""

from __future__ import annotations

import os
from pathlib import Path

from engram.errors import NoStoreError

ENGRAM_DIR = "ENGRAM_DIR"  # folder holding engram.db (overrides the search for .engram/)
ENGRAM_DATABASE_URL = "ENGRAM_DATABASE_URL"  # any SQLAlchemy URL, e.g. postgresql+psycopg://…
ENGRAM_DEBUG = "ENGRAM_DEBUG"  # show tracebacks of unexpected errors
ENGRAM_NO_PROGRESS = "ENGRAM_NO_PROGRESS"  # never draw progress bars

STORE_DIR_NAME = ".engram"
DB_FILE_NAME = "engram.db"


def debug_enabled() -> bool:
    return os.environ.get(ENGRAM_DEBUG, "") not in ("", "0", "false")


def progress_disabled() -> bool:
    return os.environ.get(ENGRAM_NO_PROGRESS, "") not in ("", "0") or bool(os.environ.get("CI"))


def find_store_dir(start: Path | None = None) -> Path | None:
    """The nearest ``.engram/`` folder at or above ``start``, as git finds ``.git``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / STORE_DIR_NAME
        if candidate.is_dir():
            return candidate
    return None


def resolve_database_url(create: bool = False) -> tuple[str, str, bool]:
    """The store's URL, a description for messages, and whether its folder was just created.

    With ``create``, a missing store is made at ``./.engram/``; otherwise it is an error.
    """
    url = os.environ.get(ENGRAM_DATABASE_URL)
    if url:
        return url, _redact(url), False
    configured = os.environ.get(ENGRAM_DIR)
    folder = Path(configured).expanduser().absolute() if configured else find_store_dir()
    created = False
    if folder is None:
        if not create:
            raise NoStoreError(f"no engram store found in {Path.cwd()} or any folder above it")
        folder = Path.cwd() / STORE_DIR_NAME
    if not folder.is_dir():
        if not create and not (folder / DB_FILE_NAME).exists():
            raise NoStoreError(f"no engram store at {folder}")
        folder.mkdir(parents=True, exist_ok=True)
        created = True
    db_path = folder / DB_FILE_NAME
    if not create and not db_path.exists():
        raise NoStoreError(f"no engram store at {db_path}")
    return f"sqlite:///{db_path}", str(db_path), created


def archive_root(store_location: str) -> Path:
    """Where a store keeps its history: beside a SQLite store, else in ENGRAM_DIR or here."""
    if store_location.endswith(DB_FILE_NAME) and Path(store_location).parent.is_dir():
        return Path(store_location).parent
    configured = os.environ.get(ENGRAM_DIR)
    return Path(configured).expanduser().absolute() if configured else Path.cwd() / STORE_DIR_NAME


def _redact(url: str) -> str:
    """The URL without its password, for messages."""
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}@{host}"
