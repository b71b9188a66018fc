"""Playbook versions: every learn (and every person's change) records the playbook as it
stood; two versions compare as rules added, retired and changed."""

from __future__ import annotations

from typing import Any

from engram.errors import EngramError
from engram.store import Store

_LIVE = ("active", "pinned")
_SCORE_STEP = 0.01  # smaller moves of a score are not a change worth listing


def history(store: Store) -> list[dict[str, Any]]:
    """Each version: its number, when and why it was made, and how many rules were live."""
    return [
        {
            "version": v["version"],
            "created_at": v["created_at"],
            "reason": v["reason"],
            "live_rules": sum(r["status"] in _LIVE for r in v["rules"]),
        }
        for v in store.playbook_versions()
    ]


def diff(store: Store, old: int, new: int) -> dict[str, Any]:
    """Rules added (live in ``new``, not in ``old``), retired (the reverse) and changed
    (text, kind, status between active and pinned, or score) between two versions."""
    versions = {v["version"]: v for v in store.playbook_versions()}
    for number in (old, new):
        if number not in versions:
            known = f"{min(versions)}…{max(versions)}" if versions else "none yet"
            raise EngramError(f"no playbook version {number}", hint=f"versions: {known}")
    before = {r["id"]: r for r in versions[old]["rules"]}
    after = {r["id"]: r for r in versions[new]["rules"]}
    live_before = {k for k, r in before.items() if r["status"] in _LIVE}
    live_after = {k for k, r in after.items() if r["status"] in _LIVE}
    changed = []
    for rule_id in sorted(live_before & live_after):
        a, b = before[rule_id], after[rule_id]
        fields = [k for k in ("text", "kind", "status") if a[k] != b[k]]
        if abs(a["score"] - b["score"]) >= _SCORE_STEP:
            fields.append("score")
        if fields:
            changed.append({"id": rule_id, "fields": fields, "before": a, "after": b})
    return {
        "from": old,
        "to": new,
        "added": [after[k] for k in sorted(live_after - live_before)],
        "retired": [
            {**before[k], "now": after[k]["status"] if k in after else "gone"}
            for k in sorted(live_before - live_after)
        ],
        "changed": changed,
    }
