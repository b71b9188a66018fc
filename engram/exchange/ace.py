"""Skillbooks of ACE, the open-source Agentic Context Engine (``ace-framework`` on PyPI).

Written in the shape ``Skillbook.to_dict()`` of ace-framework 0.13 writes (schema "2", the
same in 0.12): each skill has ``id``, ``section`` ("context" or "harness"), ``keywords``,
``issue``, ``insight``, ``occurrences``, ``active``, ``used_count``, ``helpful_count``,
``harmful_count``, ``neutral_count``, ``created_at`` and ``updated_at``; the book has
``schema_version``, ``skills``, ``sections``, ``next_id`` and ``similarity_decisions``.

An engram rule becomes a "context" skill: its id, its wording as the insight, its evidence as
the issue, its scope and kind as the first two keywords (``all_runs`` or
``category:<name>``, then ``do``, ``avoid`` or ``note``), its feedback as the counts, and a
retired rule an inactive skill. What ACE has no field for (the exact evidence, a pin, who
wrote or retired it) rides in an ``engram`` field of the skill, which ACE's own reader leaves
aside, so that engram → ACE → engram is exact; ACE's fields win where a person changed them
(the insight, ``active``, the counts). A skill without it is a rule written by a person.
Reading, the older shapes are understood too: skills with ``content`` and a free-form
``section`` (ace-framework 0.7 to 0.11, and the ``bullets`` of the playbooks before them).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engram.exchange.common import Read, clean_text, iso, parse_time
from engram.exchange.jsonfile import rule_dict, rule_from_dict
from engram.mining.templates import safe_name
from engram.playbook.curation import KINDS, human_rule
from engram.render.markdown import compared_within
from engram.rules import Rule

SCHEMA_VERSION = "2"
EXTENSION = "engram"  # the skill's field with what ACE has no field for
SECTIONS = ("context", "harness")
ALL_RUNS = "all_runs"
_ALL_NAMES = {"", "all", ALL_RUNS, "all runs", "general", "global", "default"}
_SCOPED = re.compile(r"(category|agent|model):(.+)", re.S)
_ENGRAM_ID = re.compile(r"r_[0-9a-f]{10}")


def normalize_keyword(value: str) -> str:
    """A keyword as ACE keeps it: trimmed, lower case, runs of whitespace as one ``_``."""
    return re.sub(r"\s+", "_", value.strip().lower())


# ----------------------------------------------------------------------------- writing


def skillbook(rules: list[Rule], now: datetime) -> dict[str, Any]:
    """The rules as an ACE 0.13 skillbook (what ``Skillbook.to_dict()`` returns)."""
    skills = {rule.id: skill(rule, now) for rule in rules}
    return {
        "schema_version": SCHEMA_VERSION,
        "skills": skills,
        "sections": {"context": list(skills)} if skills else {},
        "next_id": 0,  # ACE numbers the skills it adds; none of these ids is one of its own
        "similarity_decisions": {},
    }


def skill(rule: Rule, now: datetime) -> dict[str, Any]:
    feedback = rule.feedback
    return {
        "id": rule.id,
        "section": "context",
        "keywords": [scope_keyword(rule), rule.kind],
        "issue": issue(rule),
        "insight": rule.text,
        "occurrences": [],
        "active": rule.status != "retired",
        "used_count": feedback.helpful + feedback.harmful + feedback.neutral,
        "helpful_count": feedback.helpful,
        "harmful_count": feedback.harmful,
        "neutral_count": feedback.neutral,
        "created_at": iso(rule.first_seen, now),
        "updated_at": iso(rule.last_seen, now),
        EXTENSION: rule_dict(rule),
    }


def scope_keyword(rule: Rule) -> str:
    if rule.scope_kind == "all":
        return ALL_RUNS
    return normalize_keyword(f"{rule.scope_kind}:{rule.scope_value}")


def issue(rule: Rule) -> str:
    """What the rule rests on, in a sentence (ACE's ``issue``: what the skill captures)."""
    where = "All runs" if rule.scope_kind == "all" else (
        f"Runs of {rule.scope_kind} {safe_name(rule.scope_value)}"
    )  # fmt: skip
    e, f = rule.evidence, rule.feedback
    given = f.helpful + f.harmful + f.neutral
    if rule.origin == "human":
        used = f"; given to {given:,} runs, {f.helpful:,} passed" if given else ""
        return f"{where}: written by a person{used}."
    if rule.is_failure:
        return (
            f"{where}: {round(100 * e.difference)}% of runs ended with this failure"
            f" ({e.n_with:,} of {e.runs:,})."
        )
    if e.stratified is not None:
        return (
            f"{where}: among runs of the {compared_within(e.stratified)}, those showing"
            f" {safe_name(rule.feature)} passed {100 * e.stratified.difference:+.0f} points"
            f" more often ({e.runs:,} runs)."
        )
    return (
        f"{where}: runs showing {safe_name(rule.feature)} passed"
        f" {round(100 * e.pass_rate_with)}% of the time, runs without it"
        f" {round(100 * e.pass_rate_without)}% ({e.runs:,} runs)."
    )


# ----------------------------------------------------------------------------- reading


@dataclass(slots=True)
class KnownScopes:
    """The categories, agents and models the store knows, by their keyword form, so that a
    skillbook's lower-cased keyword finds the name as the store spells it."""

    names: dict[str, dict[str, str]] = field(default_factory=dict)

    def add(self, kind: str, value: str) -> None:
        self.names.setdefault(kind, {}).setdefault(normalize_keyword(value), value)

    def find(self, kind: str, keyword: str) -> str | None:
        return self.names.get(kind, {}).get(normalize_keyword(keyword))


def is_skillbook(data: Any) -> bool:
    return isinstance(data, Mapping) and (
        isinstance(data.get("skills"), Mapping) or isinstance(data.get("bullets"), Mapping)
    )


def rules_from_skillbook(data: Mapping[str, Any], known: KnownScopes | None = None) -> Read:
    """Each skill as a rule written by a person, with its counts (see the module's notes)."""
    known = known or KnownScopes()
    skills = data.get("skills")
    if not isinstance(skills, Mapping):
        skills = data.get("bullets")
    read = Read()
    for key, value in (skills or {}).items():
        if not isinstance(value, Mapping):
            read.invalid += 1
            continue
        rule, shortened = _rule(str(value.get("id") or key), value, known)
        if rule is None:
            read.invalid += 1
            continue
        read.rules.append(rule)
        read.shortened += shortened
    return read


def _rule(skill_id: str, skill: Mapping[str, Any], known: KnownScopes) -> tuple[Rule | None, bool]:
    own = skill.get(EXTENSION)
    if isinstance(own, Mapping) and own.get("id") == skill_id:
        rule, shortened = rule_from_dict(own)
        if rule is not None:
            return _as_ace_says(rule, skill), shortened
    if "content" in skill and "issue" not in skill:  # before schema 2
        text, shortened = clean_text(skill.get("content"))
        section = str(skill.get("section") or "")
        scope = _legacy_scope(section, known)
        kind = "do"
        active = skill.get("status", "active") != "invalid"
        counts = [skill.get(name) for name in ("helpful", "harmful", "neutral")]
    else:
        insight, shortened = clean_text(skill.get("insight"))
        text = insight
        if not insight:
            text, shortened = clean_text(skill.get("issue"))
        raw = skill.get("keywords")
        keywords = [str(k) for k in raw if isinstance(k, str)] if isinstance(raw, list) else []
        section = normalize_keyword(str(skill.get("section") or "context"))
        if section not in SECTIONS:  # free-form, as ACE itself reads it: a leading keyword
            keywords.insert(0, section)
        scope = _scope(keywords, known)
        kind = next((k for k in map(normalize_keyword, keywords) if k in KINDS), "")
        kind = kind or ("note" if section == "harness" else "do")
        active = skill.get("active", True) is not False
        counts = [skill.get(f"{name}_count") for name in ("helpful", "harmful", "neutral")]
    if not text:
        return None, False
    rule = human_rule(
        text,
        kind,
        scope,
        rule_id_=skill_id if _ENGRAM_ID.fullmatch(skill_id) else None,  # engram's, kept
        status="active" if active else "retired",
    )
    rule.feedback.helpful, rule.feedback.harmful, rule.feedback.neutral = (
        _count(value) for value in counts
    )
    rule.first_seen = parse_time(skill.get("created_at"))
    rule.last_seen = parse_time(skill.get("updated_at")) or rule.first_seen
    return rule, shortened


def _as_ace_says(rule: Rule, skill: Mapping[str, Any]) -> Rule:
    """An exported rule, with what a person may have changed in ACE's own fields."""
    insight, _ = clean_text(skill.get("insight"))
    if insight and insight != rule.text:
        rule.text, rule.text_by = insight, "human"
    active = skill.get("active", True) is not False
    if not active and rule.status != "retired":
        rule.status, rule.status_by, rule.status_reason = "retired", "human", "inactive in ACE"
    elif active and rule.status == "retired":
        rule.status, rule.status_by, rule.status_reason = "active", "human", "active in ACE"
    for name in ("helpful", "harmful", "neutral"):
        value = skill.get(f"{name}_count")
        if value is not None:
            setattr(rule.feedback, name, _count(value))
    return rule


def _scope(keywords: list[str], known: KnownScopes) -> tuple[str, str]:
    """``category:<name>`` (or agent, model) names the scope; else ``all_runs``; else a first
    keyword that is a category the store knows (how ACE keeps an old free-form section)."""
    for keyword in keywords:
        match = _SCOPED.fullmatch(keyword.strip())
        if match:
            kind, value = match.group(1), match.group(2).strip()
            if value and len(value) <= 200:
                return kind, known.find(kind, value) or value
    if any(normalize_keyword(k) in _ALL_NAMES for k in keywords):
        return "all", ""
    if keywords:
        category = known.find("category", keywords[0])
        if category:
            return "category", category
    return "all", ""


def _legacy_scope(section: str, known: KnownScopes) -> tuple[str, str]:
    """A free-form section: ``category:<name>``, a category the store knows, else all runs."""
    return _scope([section], known)


def _count(value: Any) -> int:
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return max(value, 0)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return 0
