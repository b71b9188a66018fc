"""The playbook in and out of engram: a markdown document, engram's JSON, an ACE skillbook, or
an Agent Skill folder; and rules back in from engram's JSON or an ACE skillbook.

    from engram.exchange import export_playbook, export_skill, import_playbook
    print(export_playbook(store, "ace").text)
    export_skill(store, Path(".claude/skills/engram-playbook"))
    print(import_playbook(store, Path("skillbook.json")).message())

Exports: ``md`` and ``skill`` hold the live rules (active and pinned), ``json`` and ``ace``
every rule, retired ones too, so that an import restores the playbook as it was. Importing
never changes a rule the store has: a rule whose id exists is skipped.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engram.errors import EngramError
from engram.exchange import ace, jsonfile
from engram.exchange.common import ordered
from engram.exchange.markdown import playbook_markdown
from engram.exchange.skill import DEFAULT_FOLDER, FILE, write_skill
from engram.rules import STATUSES, Rule

if TYPE_CHECKING:
    from engram.store import Store

FORMATS = ("md", "json", "ace", "skill")
LIVE = ("active", "pinned")
IMPORT_HINT = "import takes engram's JSON export (engram export --format json) or an ACE skillbook"

__all__ = [
    "DEFAULT_FOLDER",
    "FORMATS",
    "Export",
    "ImportSummary",
    "export_playbook",
    "export_skill",
    "import_data",
    "import_playbook",
    "read_import",
]


@dataclass(slots=True)
class Export:
    text: str
    rules: int
    path: Path | None = None  # where it was written, for a skill


@dataclass(slots=True)
class ImportSummary:
    source: str  # "engram JSON" or "ACE skillbook"
    added: int = 0
    skipped: int = 0  # the store had a rule with the same id
    invalid: int = 0  # entries with no usable rule in them
    shortened: int = 0  # texts cut to the rule text limit

    def message(self) -> str:
        parts = [f"{self.added:,} added", f"{self.skipped:,} skipped (already in the store)"]
        if self.invalid:
            parts.append(f"{self.invalid:,} left out (no usable rule)")
        if self.shortened:
            parts.append(f"{self.shortened:,} shortened to fit")
        return ", ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "added": self.added, "skipped": self.skipped,
                "invalid": self.invalid, "shortened": self.shortened}  # fmt: skip


def export_playbook(
    store: Store, fmt: str, *, now: datetime | None = None, agent: str | None = None
) -> Export:
    """The playbook as text in ``fmt``: "md", "json" or "ace" (for "skill", ``export_skill``);
    with ``agent``, only the rules that agent can follow."""
    now = now or datetime.now(UTC)
    if fmt == "md":
        rules = _for_agent(store, ordered(store.rules(LIVE)), agent)
        return Export(playbook_markdown(rules, store.count_traces(), now), len(rules))
    if fmt == "json":
        rules = _for_agent(store, ordered(store.rules(STATUSES)), agent)
        return Export(_dumps(jsonfile.document(rules, now)), len(rules))
    if fmt == "ace":
        rules = _for_agent(store, ordered(store.rules(STATUSES)), agent)
        return Export(_dumps(ace.skillbook(rules, now)), len(rules))
    hint = "a skill is a folder: export_skill" if fmt == "skill" else "one of md, json, ace"
    raise EngramError(f"unknown export format {fmt!r}", hint=hint)


def export_skill(
    store: Store, folder: Path, *, now: datetime | None = None, agent: str | None = None
) -> Export:
    """Write the playbook as ``folder/SKILL.md``, an Agent Skill named after the folder."""
    rules = _for_agent(store, ordered(store.rules(LIVE)), agent)
    path = write_skill(folder, rules, store.count_traces(), now or datetime.now(UTC))
    return Export(path.read_text(encoding="utf-8"), len(rules), path)


def import_playbook(store: Store, path: Path) -> ImportSummary:
    """Add the rules of a file: engram's JSON export or an ACE skillbook, told by content."""
    return import_data(store, read_import(path), name=str(path))


def import_data(store: Store, data: Any, *, name: str = "the data") -> ImportSummary:
    """Add the rules of parsed JSON: engram's export, or an ACE skillbook."""
    if ace.is_skillbook(data):
        summary = ImportSummary("ACE skillbook")
        read = ace.rules_from_skillbook(data, _known_scopes(store))
    elif jsonfile.is_document(data):
        summary = ImportSummary("engram JSON")
        read = jsonfile.rules_from_document(data)
    else:
        raise EngramError(f"{name} is neither engram's JSON export nor an ACE skillbook",
                          hint=IMPORT_HINT)  # fmt: skip
    unique: dict[str, Rule] = {}
    for rule in read.rules:  # a file naming an id twice: its first rule counts
        unique.setdefault(rule.id, rule)
    added, skipped = store.import_rules(list(unique.values()), f"import {summary.source}")
    summary.added, summary.invalid, summary.shortened = added, read.invalid, read.shortened
    summary.skipped = skipped + len(read.rules) - len(unique)
    return summary


def read_import(path: Path) -> Any:
    """The parsed JSON of a file to import; a clear error for a skill, a folder, or not JSON."""
    if path.name == FILE or (path.is_dir() and (path / FILE).exists()):
        raise EngramError(f"{path} is a skill: written for agents, it cannot be imported",
                          hint=IMPORT_HINT)  # fmt: skip
    if path.is_dir():
        raise EngramError(f"{path} is a folder", hint=IMPORT_HINT)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise EngramError(f"no file at {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EngramError(f"cannot read {path}: {exc}") from None
    if text.lstrip().startswith("---"):
        raise EngramError(f"{path} looks like a skill (front matter over markdown), not JSON",
                          hint=IMPORT_HINT)  # fmt: skip
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise EngramError(f"{path} is not JSON ({exc.msg}, line {exc.lineno})",
                          hint=IMPORT_HINT) from None  # fmt: skip


def _for_agent(store: Store, rules: list[Rule], agent: str | None) -> list[Rule]:
    if agent is None:
        return rules
    from engram.playbook.guidance import fits

    tools = store.agent_tools()
    return [rule for rule in rules if fits(rule, agent, tools)]


def _known_scopes(store: Store) -> ace.KnownScopes:
    """The categories, agents and models of the store's runs and rules."""
    known = ace.KnownScopes()
    stats = store.stats()
    for kind in ("category", "agent", "model"):
        for value in stats.get(f"by_{kind}", {}):
            known.add(kind, str(value))
    for rule in store.rules(STATUSES):
        if rule.scope_kind != "all":
            known.add(rule.scope_kind, rule.scope_value)
    return known


def _dumps(data: Mapping[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
