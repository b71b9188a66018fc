"""engram's own JSON export: every rule as ``Rule.as_dict()`` gives it, plus what it takes to
restore the rule as it was (exact numbers, scope, status and who set it, dates, feedback).

Reading also takes a bare list of ``as_dict()`` rules (``engram patterns list --format
json``), with the numbers as rounded there.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime
from typing import Any

from engram import __version__
from engram.exchange.common import RULE_ID, SCOPE_KINDS, Read, clean_text, iso, parse_time
from engram.playbook.curation import KINDS
from engram.rules import RANDOMIZED_KEYS, STATUSES, Evidence, Feedback, Rule, Stratified

ORIGINS = ("learned", "human")
SETTERS = ("engram", "human", "feedback")  # who set a rule's status
_COUNTS = ("n_with", "pass_with", "n_without", "pass_without")
_NUMBERS = ("difference", "ci_low", "ci_high", "p_value", "q_value")


def document(rules: list[Rule], now: datetime) -> dict[str, Any]:
    return {
        "engram_version": __version__,
        "exported_at": iso(now, now),
        "rules": [rule_dict(rule) for rule in rules],
    }


def rule_dict(rule: Rule) -> dict[str, Any]:
    """``rule.as_dict()`` with its numbers unrounded and what ``as_dict`` leaves out."""
    e = rule.evidence
    data = rule.as_dict()
    data["evidence"] = {
        **e.as_dict(),
        **{name: getattr(e, name) for name in _NUMBERS},
        "reward_with": e.reward_with,
        "reward_without": e.reward_without,
    }
    if e.stratified is not None:
        data["evidence"]["stratified"] = asdict(e.stratified)
    data.update(
        score=rule.score,
        scope_kind=rule.scope_kind,
        scope_value=rule.scope_value,
        feature=rule.feature,
        merged_features=list(rule.merged_features),
        exceptions=list(rule.exceptions),
        status_reason=rule.status_reason,
        status_by=rule.status_by,
        text_by=rule.text_by,
        first_seen=iso(rule.first_seen, rule.first_seen) if rule.first_seen else None,
        last_seen=iso(rule.last_seen, rule.last_seen) if rule.last_seen else None,
        feedback={name: getattr(rule.feedback, name) for name in Feedback.__dataclass_fields__},
    )
    return data


def is_document(data: Any) -> bool:
    if isinstance(data, list):
        return all(isinstance(item, Mapping) and "id" in item for item in data)
    return isinstance(data, Mapping) and isinstance(data.get("rules"), list)


def rules_from_document(data: Any) -> Read:
    """The rules of an export (or a list of ``as_dict()`` rules); unusable entries are counted."""
    entries = data if isinstance(data, list) else data.get("rules", [])
    read = Read()
    for entry in entries:
        rule, shortened = rule_from_dict(entry) if isinstance(entry, Mapping) else (None, False)
        if rule is None:
            read.invalid += 1
            continue
        read.rules.append(rule)
        read.shortened += shortened
    return read


def rule_from_dict(entry: Mapping[str, Any]) -> tuple[Rule | None, bool]:
    """The rule ``rule_dict`` wrote (None if unusable), and whether its text was cut short."""
    rule_id, kind = entry.get("id"), entry.get("kind")
    if not (isinstance(rule_id, str) and RULE_ID.fullmatch(rule_id)) or kind not in KINDS:
        return None, False
    text, shortened = clean_text(entry.get("text"))
    scope = _scope(entry)
    feature = entry.get("feature")
    if not isinstance(feature, str):
        features = entry.get("features")
        feature = features[0] if isinstance(features, list) and features else None
    if not text or scope is None or not isinstance(feature, str) or not 0 < len(feature) <= 200:
        return None, False
    merged = _strings(entry.get("merged_features"))
    if not merged:
        merged = ["template:" + t for t in _strings(entry.get("templates"))]
    reason = entry.get("status_reason")
    rule = Rule(
        id=rule_id,
        kind=str(kind),
        scope_kind=scope[0],
        scope_value=scope[1],
        feature=feature,
        text=text,
        evidence=_evidence(entry.get("evidence")),
        score=_float(entry.get("score"), 0.0),
        merged_features=merged,
        exceptions=_strings(entry.get("exceptions")),
        status=_choice(entry.get("status"), STATUSES, "active"),
        status_reason=reason[:300] if isinstance(reason, str) and reason else None,
        status_by=_choice(entry.get("status_by"), SETTERS, "engram"),
        first_seen=parse_time(entry.get("first_seen")),
        last_seen=parse_time(entry.get("last_seen")),
        origin=_choice(entry.get("origin"), ORIGINS, "learned"),
        text_by=_choice(entry.get("text_by"), ("engram", "human"), "engram"),
        feedback=_feedback(entry.get("feedback")),
        agents=[a[:200] for a in _strings(entry.get("agents"))],
        absorbed=_absorbed(entry.get("absorbed")),
    )
    return rule, shortened


def _scope(entry: Mapping[str, Any]) -> tuple[str, str] | None:
    kind, value = entry.get("scope_kind"), entry.get("scope_value", "")
    if kind is None:
        scope = entry.get("scope")
        if not isinstance(scope, Mapping) or len(scope) > 1:
            return None
        kind, value = next(iter(scope.items())) if scope else ("all", "")
    if kind not in SCOPE_KINDS or not isinstance(value, str) or len(value) > 200:
        return None
    if (kind == "all") != (value == ""):
        return None
    return str(kind), value


def _evidence(data: Any) -> Evidence:
    data = data if isinstance(data, Mapping) else {}
    n_with, pass_with, n_without, pass_without = (_int(data.get(name)) for name in _COUNTS)
    difference, ci_low, ci_high = (_float(data.get(n), 0.0) for n in _NUMBERS[:3])
    p_value, q_value = (_float(data.get(n), 1.0) for n in _NUMBERS[3:])
    reward_with = data.get("reward_with", data.get("mean_reward_with"))
    reward_without = data.get("reward_without", data.get("mean_reward_without"))
    return Evidence(
        n_with, pass_with, n_without, pass_without, difference, ci_low, ci_high, p_value, q_value,
        reward_with=_float(reward_with, None), reward_without=_float(reward_without, None),
        stratified=Stratified.from_dict(data.get("stratified")),
    )  # fmt: skip


def _feedback(data: Any) -> Feedback:
    data = data if isinstance(data, Mapping) else {}
    feedback = Feedback(helpful=_int(data.get("helpful")), harmful=_int(data.get("harmful")),
                        neutral=_int(data.get("neutral")))  # fmt: skip
    nested = data.get("efficacy")
    randomized = nested.get("randomized") if isinstance(nested, Mapping) else None
    if isinstance(nested, Mapping) and "observational" in nested:  # ``Feedback.as_dict()``'s
        seen = nested.get("observational")
        seen = seen if isinstance(seen, Mapping) else {}
        data = {
            "given_runs": seen.get("given_runs"), "given_passed": seen.get("given_passed"),
            "others_runs": seen.get("other_runs"), "others_passed": seen.get("other_passed"),
            "efficacy": seen.get("difference"), "efficacy_low": seen.get("ci_low"),
            "efficacy_high": seen.get("ci_high"),
        }  # fmt: skip
    elif isinstance(nested, Mapping):  # the shape of schema 0004 and before
        given, others = nested.get("given"), nested.get("not_given")
        given = given if isinstance(given, Mapping) else {}
        others = others if isinstance(others, Mapping) else {}
        data = {
            "given_runs": given.get("runs"), "given_passed": given.get("passed"),
            "others_runs": others.get("runs"), "others_passed": others.get("passed"),
            "efficacy": nested.get("difference"), "efficacy_low": nested.get("ci_low"),
            "efficacy_high": nested.get("ci_high"),
        }  # fmt: skip
    for name in ("given_runs", "given_passed", "others_runs", "others_passed"):
        value = data.get(name)
        setattr(feedback, name, _int(value) if value is not None else None)
    for name in ("efficacy", "efficacy_low", "efficacy_high"):
        setattr(feedback, name, _float(data.get(name), None))
    if isinstance(randomized, Mapping):
        feedback.randomized = {key: _float(randomized.get(key), None) if key in _SHARES
                               else _int_or_none(randomized.get(key))
                               for key in RANDOMIZED_KEYS}  # fmt: skip
    return feedback


_SHARES = ("difference", "ci_low", "ci_high")


def _int_or_none(value: Any) -> int | None:
    return _int(value) if value is not None else None


def _absorbed(value: Any) -> list[dict[str, str]]:
    entries = value if isinstance(value, list) else []
    return [
        {"feature": str(e["feature"])[:200], "reason": str(e.get("reason", ""))[:300]}
        for e in entries
        if isinstance(e, Mapping) and isinstance(e.get("feature"), str)
    ]


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _choice(value: Any, allowed: tuple[str, ...], default: str) -> str:
    return value if isinstance(value, str) and value in allowed else default


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0
    return max(int(value), 0) if math.isfinite(value) else 0


def _float(value: Any, default: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return float(value) if math.isfinite(value) else default
