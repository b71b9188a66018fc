"""Which runs a scope or a selector means, as SQL conditions on the traces table."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from engram.errors import StoreError
from engram.store.models import TraceRow, TraceTag

SCOPE_COLUMNS = {"category": TraceRow.category, "agent": TraceRow.agent, "model": TraceRow.model}
_SELECTOR_COLUMNS = {
    **SCOPE_COLUMNS,
    "job": TraceRow.job,
    "task": TraceRow.task_id,
    "file": TraceRow.source_file,
    "status": TraceRow.status,
}
SELECTOR_KEYS = (*_SELECTOR_COLUMNS, "tag")


def scope_filter(scope_kind: str, scope_value: str) -> list[Any]:
    if scope_kind == "all":
        return []
    return [SCOPE_COLUMNS[scope_kind] == scope_value]


def selector_filters(selectors: dict[str, str]) -> list[Any]:
    """SQL conditions for selectors; ``file`` matches a path or its last parts, ``tag`` a tag."""
    filters: list[Any] = []
    for key, value in selectors.items():
        if key == "tag":
            tagged = select(TraceTag.trace_pk).where(TraceTag.tag == value)
            filters.append(TraceRow.id.in_(tagged))
        elif key == "file":
            escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            filters.append(
                or_(
                    TraceRow.source_file == value,
                    TraceRow.source_file.like(f"%/{escaped}", escape="\\"),
                )
            )
        elif key in _SELECTOR_COLUMNS:
            filters.append(_SELECTOR_COLUMNS[key] == value)
        else:
            raise StoreError(f"unknown selector {key!r}; known: {', '.join(SELECTOR_KEYS)}")
    return filters
