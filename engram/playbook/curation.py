"""People curate the playbook: pin, retire, restore, edit, and write rules of their own.

A person's pin, retire or edit is marked as theirs, and a later learn leaves it as it is.
Restoring hands a rule back to the evidence: the next learn keeps it only if it still holds.
"""

from __future__ import annotations

import hashlib
import re

from engram.errors import EngramError
from engram.rules import KINDS, Evidence, Rule, rule_id
from engram.store import Store

TEXT_LIMIT = 500
_SPACE = re.compile(r"\s+")


def pin(store: Store, rule: str, reason: str | None = None) -> Rule:
    """Keep the rule in the playbook whatever later runs say."""
    return store.set_status(rule, "pinned", reason or "pinned by a person", by="human")


def retire(store: Store, rule: str, reason: str | None = None) -> Rule:
    """Take the rule out of the playbook; a later learn does not bring it back."""
    return store.set_status(rule, "retired", reason or "retired by a person", by="human")


def restore(store: Store, rule: str) -> Rule:
    """Put the rule back and let the evidence decide again."""
    return store.set_status(rule, "active", None, by="engram")


def edit(store: Store, rule: str, text: str) -> Rule:
    """Give the rule a person's wording; later learns keep the wording and update the numbers."""
    return store.edit_text(rule, _clean(text))


def add(store: Store, text: str, kind: str = "do", category: str | None = None) -> Rule:
    """A rule written by a person, for a category or for all runs."""
    if kind not in KINDS:
        raise EngramError(f"unknown kind {kind!r}", hint=f"one of {', '.join(KINDS)}")
    text = _clean(text)
    rule = human_rule(text, kind, ("category", category) if category else ("all", ""))
    return store.add_rule(rule)


def human_rule(
    text: str,
    kind: str,
    scope: tuple[str, str],
    *,
    rule_id_: str | None = None,
    status: str = "active",
) -> Rule:
    """A rule written by a person. Its id is ``rule_id_`` when given, else one made from its
    scope, kind and wording, so the same rule written (or imported) twice is one rule."""
    scope_kind, scope_value = scope
    feature = "human:" + hashlib.sha256(text.encode()).hexdigest()[:10]
    return Rule(
        id=rule_id_ or rule_id(scope_kind, scope_value, kind, feature),
        kind=kind,
        scope_kind=scope_kind,
        scope_value=scope_value,
        feature=feature,
        text=text,
        evidence=Evidence(0, 0, 0, 0, 0.0, 0.0, 0.0, 1.0, 1.0),
        score=0.0,
        status=status,
        status_reason="retired where it came from" if status == "retired" else None,
        status_by="human" if status == "retired" else "engram",  # as ``patterns add`` leaves it
        origin="human",
        text_by="human",
    )


def _clean(text: str) -> str:
    cleaned = _SPACE.sub(" ", text).strip()
    if not cleaned:
        raise EngramError("a rule needs some text")
    if len(cleaned) > TEXT_LIMIT:
        raise EngramError(
            f"a rule's text is at most {TEXT_LIMIT} characters ({len(cleaned)} given)"
        )
    return cleaned
