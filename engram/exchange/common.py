"""What the exchange formats share: rule order and scopes, dates, and cleaning imported text."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from engram.playbook.curation import TEXT_LIMIT
from engram.rules import Rule

SCOPE_KINDS = ("all", "category", "agent", "model")
#: A rule id engram would write (and a safe primary key for one imported from elsewhere).
RULE_ID = re.compile(r"[A-Za-z0-9_.:-]{1,20}")
_SPACE = re.compile(r"\s+")
_COMMENT = re.compile(r"<!--|-->")  # would end engram's block early inside an instruction
ELLIPSIS = "…"


@dataclass(slots=True)
class Read:
    """Rules read from a file, and how many of its entries could not be used or were cut."""

    rules: list[Rule] = field(default_factory=list)
    invalid: int = 0
    shortened: int = 0


def ordered(rules: list[Rule]) -> list[Rule]:
    """By scope (all runs first), then as the playbook orders them: pinned, people's, score."""
    return sorted(
        rules,
        key=lambda r: (
            SCOPE_KINDS.index(r.scope_kind) if r.scope_kind in SCOPE_KINDS else len(SCOPE_KINDS),
            r.scope_kind,
            r.scope_value,
            r.status != "pinned",
            r.origin != "human",
            -r.score,
            r.id,
        ),
    )


def iso(moment: datetime | None, default: datetime) -> str:
    """An ISO 8601 time in UTC, as ACE writes them (``2026-03-02T10:00:00.123456+00:00``)."""
    value = moment or default
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def parse_time(value: Any) -> datetime | None:
    """A time written by ``iso`` (or any ISO 8601 time); None when absent or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def clean_text(value: Any) -> tuple[str, bool]:
    """Imported wording fit for a rule: control characters and HTML comment marks out,
    whitespace collapsed, cut to the rule text limit. Returns the text ("" when nothing is
    left) and whether it had to be cut."""
    if not isinstance(value, str):
        return "", False
    text = "".join(" " if unicodedata.category(c) == "Cc" else c for c in value)
    text = _SPACE.sub(" ", _COMMENT.sub("", text)).strip()
    if len(text) <= TEXT_LIMIT:
        return text, False
    cut = text[: TEXT_LIMIT - len(ELLIPSIS)]
    space = cut.rfind(" ")
    if space > TEXT_LIMIT // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.") + ELLIPSIS, True
