"""The delimiters of engram's guidance block, shared by the renderer and the loaders."""

from __future__ import annotations

import re

BEGIN = "<!-- engram:begin rules={ids} -->"
BEGIN_PREFIX = "<!-- engram:begin"
END = "<!-- engram:end -->"
BLOCK = re.compile(
    r"<!-- engram:begin(?: rules=[A-Za-z0-9_,]*)?(?: withheld=[A-Za-z0-9_,]*)? -->.*?"
    r"<!-- engram:end -->",
    re.S,
)
_BEGIN = re.compile(r"<!-- engram:begin rules=([A-Za-z0-9_,]*)(?: withheld=([A-Za-z0-9_,]*))? -->")


def begin(ids: list[str], withheld: list[str] | None) -> str:
    """The opening marker: the rules given, and under a holdout those withheld at random (the
    attribute is there, maybe empty, whenever the run took part in the holdout)."""
    held = "" if withheld is None else f" withheld={','.join(withheld)}"
    return f"<!-- engram:begin rules={','.join(ids)}{held} -->"


def injected_rule_ids(text: str) -> tuple[str, ...]:
    """Ids of the rules an instruction was given, read from its engram block marker."""
    return _ids(text, 1)


def withheld_rule_ids(text: str) -> tuple[str, ...] | None:
    """Ids of the rules withheld from an instruction at random, read from its marker; None
    if the run took no part in a holdout."""
    if not any(match.group(2) is not None for match in _BEGIN.finditer(text)):
        return None
    return _ids(text, 2)


def _ids(text: str, group: int) -> tuple[str, ...]:
    ids: list[str] = []
    for match in _BEGIN.finditer(text):
        ids.extend(i for i in (match.group(group) or "").split(",") if i and i not in ids)
    return tuple(ids)
