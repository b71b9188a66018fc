"""Selectors: ``key=value`` filters on runs, ANDed (``agent=ClaudeCodeAgent``, ``tag=baseline``)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from engram.errors import EngramError

if TYPE_CHECKING:
    from engram.store import Store

#: What runs can be selected by (the store maps each to a column or the run's tags).
SELECTOR_KEYS = ("agent", "model", "category", "job", "task", "tag", "file", "status")


def parse_selectors(texts: Iterable[str]) -> dict[str, str]:
    """``["agent=A", "tag=x,model=m"]`` as ``{"agent": "A", "tag": "x", "model": "m"}``."""
    selectors: dict[str, str] = {}
    for text in texts:
        for part in (p.strip() for p in text.split(",")):
            if not part:
                continue
            key, sep, value = part.partition("=")
            key, value = key.strip().lower(), value.strip()
            if not sep or not value:
                raise EngramError(
                    f"selector {part!r} is not key=value", hint=f"keys: {', '.join(SELECTOR_KEYS)}"
                )
            if key not in SELECTOR_KEYS:
                raise EngramError(
                    f"unknown selector key {key!r}", hint=f"keys: {', '.join(SELECTOR_KEYS)}"
                )
            if selectors.get(key, value) != value:
                raise EngramError(f"selector {key!r} given twice ({selectors[key]!r}, {value!r})")
            selectors[key] = value
    return selectors


def describe(selectors: dict[str, str]) -> str:
    return ",".join(f"{key}={value}" for key, value in selectors.items()) or "all runs"


def closest_first(value: str, choices: Sequence[str]) -> list[str]:
    """``choices`` ordered by how much they look like ``value``, the likeliest first."""
    folded = value.casefold()

    def likeness(choice: str) -> float:
        return difflib.SequenceMatcher(None, folded, choice.casefold()).ratio()

    return sorted(choices, key=lambda choice: (-likeness(choice), choice))


def unknown_category(category: str, known: Sequence[str], shown: int = 8) -> str | None:
    """A warning when the store knows nothing of ``category``, naming the known ones."""
    if category in known:
        return None
    if not known:
        return f"the store has no runs or rules of any category, so none of {category!r}"
    names = closest_first(category, known)
    more = f", +{len(names) - shown} more" if len(names) > shown else ""
    return (
        f"the store has no runs or rules of category {category!r};"
        f" known categories: {', '.join(names[:shown])}{more}"
    )


def selector_notices(store: Store, *selections: dict[str, str] | None) -> list[str]:
    """Warnings for selectors that name a category the store has never seen."""
    asked = [s["category"] for s in selections if s and s.get("category")]
    if not asked:
        return []
    known = store.known_categories()
    return [notice for category in asked if (notice := unknown_category(category, known))]
