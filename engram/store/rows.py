"""Rows as engram's objects; no database driver needed, so the quick read path shares it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from engram.rules import Evidence, Feedback, Rule, Stratified


def rule_from_mapping(row: Mapping[Any, Any]) -> Rule:
    """A Rule from a ``rules`` row, whether the driver decoded JSON and dates or not."""
    return Rule(
        id=row["id"],
        kind=row["kind"],
        scope_kind=row["scope_kind"],
        scope_value=row["scope_value"],
        feature=row["feature"],
        text=row["text"],
        evidence=Evidence(
            n_with=row["n_with"],
            pass_with=row["pass_with"],
            n_without=row["n_without"],
            pass_without=row["pass_without"],
            difference=row["difference"],
            ci_low=row["ci_low"],
            ci_high=row["ci_high"],
            p_value=row["p_value"],
            q_value=row["q_value"],
            reward_with=row["reward_with"],
            reward_without=row["reward_without"],
            stratified=Stratified.from_dict(_json(row["stratified"])),
        ),
        score=row["score"],
        merged_features=_list(row["merged_features"]),
        exceptions=_list(row["exceptions"]),
        status=row["status"],
        status_reason=row["status_reason"],
        status_by=row["status_by"],
        first_seen=_datetime(row["first_seen"]),
        last_seen=_datetime(row["last_seen"]),
        origin=row["origin"],
        text_by=row["text_by"],
        feedback=_feedback(row),
        agents=_list(row["agents"]),
        absorbed=[  # in one key order on every database (JSONB sorts keys its own way)
            {"feature": str(e.get("feature", "")), "reason": str(e.get("reason", ""))}
            for e in (_json(row["absorbed"]) or [])
            if isinstance(e, dict)
        ],
    )


def _feedback(row: Mapping[Any, Any]) -> Feedback:
    values = {name: row[name] for name in Feedback.__dataclass_fields__}
    values["randomized"] = _json(values["randomized"])
    return Feedback(**values)


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _list(value: Any) -> list[str]:
    if isinstance(value, str):
        value = json.loads(value)
    return list(value or [])


def _datetime(value: Any) -> datetime | None:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value
