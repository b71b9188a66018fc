"""The delimiters of engram's guidance block, shared by the renderer and the loaders."""

from __future__ import annotations

import re

BEGIN = "<!-- engram:begin rules={ids} -->"
BEGIN_PREFIX = "<!-- engram:begin"
END = "<!-- engram:end -->"
BLOCK = re.compile(r"<!-- engram:begin(?: rules=[A-Za-z0-9_,]*)? -->.*?<!-- engram:end -->", re.S)
_BEGIN = re.compile(r"<!-- engram:begin rules=([A-Za-z0-9_,]*) -->")


def injected_rule_ids(text: str) -> tuple[str, ...]:
    """Ids of the rules an instruction was given, read from its engram block marker."""
    ids: list[str] = []
    for match in _BEGIN.finditer(text):
        ids.extend(i for i in match.group(1).split(",") if i and i not in ids)
    return tuple(ids)
