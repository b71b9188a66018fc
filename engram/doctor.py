"""``engram doctor``: the install, the store, the database and the hooks, checked without
changing anything, each problem with what to do about it."""

from __future__ import annotations

import platform
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Check:
    """One thing looked at: ``ok`` False is a problem, None something to know."""

    name: str
    ok: bool | None
    detail: str
    fix: str | None = None


def checks() -> list[Check]:
    """Every check, in the order a person would look."""
    from engram import __version__

    extras = [name for name, module in (("mcp", "mcp"), ("postgresql", "psycopg"))
              if find_spec(module) is not None]  # fmt: skip
    found = [Check("install", True, f"engram {__version__} on Python {platform.python_version()}"
                   f"; extras: {', '.join(extras) or 'none'}")]  # fmt: skip
    found.extend(_store())
    found.extend(_hooks())
    return found


def _store() -> list[Check]:
    from engram.config import resolve_database_url
    from engram.errors import NoStoreError
    from engram.store.quick import Unreadable, quick_source, read_health
    from engram.store.revisions import HEAD, REVISIONS

    try:
        url, location, _created = resolve_database_url()
    except NoStoreError as exc:
        return [Check("store", False, str(exc), "run `engram learn TRACES` here, or point "
                      "ENGRAM_DIR / ENGRAM_DATABASE_URL at a store")]  # fmt: skip
    source = quick_source(url)
    if source is None:
        return [Check("store", None, f"{location}: a database engram reads only the full way; "
                      "run `engram stats` to see it")]  # fmt: skip
    try:
        health = read_health(source)
    except Unreadable as exc:
        what = "does not answer" if source.postgres else "cannot be read"
        return [Check("store", False, f"{location} {what}: {exc}",
                      "check the URL and that the server runs" if source.postgres else
                      "move the file aside and learn again, or restore a copy")]  # fmt: skip
    size = f", {Path(source.sqlite).stat().st_size / 1e6:.1f} MB" if source.sqlite else ""
    revision = health["revision"]
    if revision is None:
        return [Check("store", False, f"{location} holds no engram store",
                      "run `engram learn TRACES` to make one")]  # fmt: skip
    if revision not in REVISIONS:
        return [Check("store", False, f"{location}: schema {revision}, newer than this engram",
                      "upgrade engram (pip install -U engram)")]  # fmt: skip
    found = []
    if revision != HEAD:
        found.append(Check("store", None, f"{location}: schema {revision}{size}; the next command "
                           f"that opens it upgrades it to {HEAD}, keeping every row"))  # fmt: skip
    else:
        found.append(Check("store", True, f"{location}: schema {revision}{size},"
                           f" {health['runs']:,} runs, {health['active_rules']:,} active rules"))
    if "integrity" in health:
        good = health["integrity"] == "ok"
        found.append(Check("integrity", good, f"SQLite's check: {health['integrity']}",
                           None if good else "restore a copy, or move the file aside and learn "
                           "again"))  # fmt: skip
    return found


def _hooks() -> list[Check]:
    from engram.integrations import hooks

    found = [*hooks.installed(hooks.settings_path()), *hooks.installed(hooks.settings_path(True))]
    if not found:
        return [Check("hooks", None, "no Claude Code hooks installed "
                      "(`engram hooks install` gives guidance and learns each session)")]
    return [Check("hooks", True, f"{h.event} in {h.settings}") for h in found]
