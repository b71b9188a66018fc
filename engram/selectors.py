"""Selectors: ``key=value`` filters on runs, ANDed (``agent=ClaudeCodeAgent``, ``tag=baseline``)."""

from __future__ import annotations

from collections.abc import Iterable

from engram.errors import EngramError

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
