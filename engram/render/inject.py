"""Put the guidance block into a text, replacing the block a previous inject left."""

from __future__ import annotations

import re

from engram.parse.marker import BLOCK

#: The section the seed's ``en`` tool keeps in CLAUDE.md / AGENTS.md; engram takes it over.
LEGACY_SECTION = re.compile(
    r"(<!-- BEGIN: LEARNED_PATTERNS -->\n?)(.*?)(\n?<!-- END: LEARNED_PATTERNS -->)", re.S
)


def replace_block(text: str, block: str | None) -> str:
    """``text`` with ``block`` in place of its engram block, or appended; None removes it."""
    match = BLOCK.search(text)
    if match:
        if block is None:
            before, after = text[: match.start()].rstrip("\n"), text[match.end() :].lstrip("\n")
            return (before + "\n" + (("\n" + after) if after else "")) if before else after
        return text[: match.start()] + block + text[match.end() :]
    if block is None:
        return text
    body = text.rstrip("\n")
    return f"{body}\n\n{block}\n" if body else f"{block}\n"


def replace_section(text: str, block: str | None) -> str:
    """``text`` (a CLAUDE.md or AGENTS.md) with engram's block as its managed section: in place
    of engram's block, else inside the seed's LEARNED_PATTERNS markers, else appended."""
    legacy = LEGACY_SECTION.search(text)
    if BLOCK.search(text) or legacy is None:
        return replace_block(text, block)
    inner = f"{block}" if block is not None else ""
    return text[: legacy.start(2)] + inner + text[legacy.end(2) :]
