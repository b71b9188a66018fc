"""Playbooks and rules as JSON-ready data (the contract in docs/contracts.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engram.playbook.guidance import Playbook


def playbook_dict(playbook: Playbook) -> dict[str, Any]:
    data: dict[str, Any] = {"category": playbook.category}
    for key in ("agent", "model"):
        if key in playbook.selectors:
            data[key] = playbook.selectors[key]
    data["traces"] = playbook.traces
    if playbook.similar:
        data["similar_categories"] = [{"category": c, "weight": w} for c, w in playbook.similar]
    data["rules"] = [rule.as_dict() for rule in playbook.rules]
    if playbook.withheld is not None:
        data["withheld"] = list(playbook.withheld)
    return data
