"""The whole playbook as a markdown document: every live rule, grouped by scope, each with the
evidence line the guidance block gives it."""

from __future__ import annotations

from datetime import datetime
from itertools import groupby

from engram import __version__
from engram.exchange.common import ordered
from engram.mining.templates import safe_name
from engram.render.markdown import rule_line
from engram.rules import Rule

TITLE = "# engram playbook"
NO_RULES = "No lesson has enough evidence yet."


def playbook_markdown(
    rules: list[Rule], traces: int, now: datetime, intro: str | None = None
) -> str:
    """The document: a title, ``intro`` (else a line on where the rules come from), then one
    section per scope, all runs first."""
    count = f"{len(rules):,} rule{'s' if len(rules) != 1 else ''}"
    lines = [
        TITLE,
        "",
        intro
        or (
            f"Lessons learned from {traces:,} earlier coding-agent runs ({count}, exported"
            f" {now:%Y-%m-%d} by engram {__version__}). Each rule gives the evidence it rests on."
        ),
    ]
    if not rules:
        lines += ["", NO_RULES]
    for (scope_kind, scope_value), group in groupby(
        ordered(rules), key=lambda r: (r.scope_kind, r.scope_value)
    ):
        lines += ["", heading(scope_kind, scope_value), ""]
        for rule in group:
            lines.append(rule_line(rule))
            if rule.exceptions:
                names = ", ".join(safe_name(name) for name in rule.exceptions)
                lines.append(f"  (not for category {names})")
    return "\n".join(lines) + "\n"


def heading(scope_kind: str, scope_value: str) -> str:
    if scope_kind == "all":
        return "## All runs"
    return f"## {scope_kind.capitalize()}: {safe_name(scope_value)}"
