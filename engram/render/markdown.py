"""The guidance block: short, delimited, and within a token budget."""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import TYPE_CHECKING

from engram.mining.templates import safe_name
from engram.parse.marker import END, begin
from engram.rules import Rule, Stratified

if TYPE_CHECKING:
    from engram.playbook.guidance import Playbook

CHARS_PER_TOKEN = 4
DEFAULT_MAX_TOKENS = 500  # fits beside an instruction in any prompt


def estimate_tokens(text: str) -> int:
    """A conservative token count for English prose and code names (about 4 characters each)."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def rule_line(rule: Rule, agents: Collection[str] | None = None) -> str:
    """A rule as one line of guidance; with ``agents`` (every agent the playbook speaks to),
    a rule learned from some of them only says for which."""
    evidence = rule.evidence
    if rule.origin == "human":
        given = evidence_of_use(rule)
        return f"- {rule.kind.upper()}: {rule.text} (written by a person{given})"
    if rule.is_failure:  # a recurring failure: how often it happened
        share = round(100 * evidence.difference)
        return (
            f"- {rule.kind.upper()}: {rule.text} ({share}% of runs ended so:"
            f" {evidence.n_with:,} of {evidence.runs:,})"
        )
    if evidence.stratified is not None:
        points = round(100 * evidence.stratified.difference)
        return (
            f"- {rule.kind.upper()}: {rule.text} ({points:+d} points of pass rate with it,"
            f" {compared_within(evidence.stratified)}; {evidence.runs:,} runs{_for(rule, agents)})"
        )
    with_rate = round(100 * evidence.pass_rate_with)
    without_rate = round(100 * evidence.pass_rate_without)
    return (
        f"- {rule.kind.upper()}: {rule.text} ({with_rate}% pass with it, {without_rate}%"
        f" without; {evidence.runs:,} runs{_for(rule, agents)})"
    )


def compared_within(stratified: Stratified) -> str:
    """What a stratified estimate compared, in words: "same agent and task"."""
    return "same agent and task" if "task" in stratified.by else "same agent"


def _for(rule: Rule, agents: Collection[str] | None) -> str:
    """``; for A, B`` when the rule's evidence comes from some of ``agents`` only."""
    if agents is None or not rule.agents or set(agents) <= set(rule.agents):
        return ""
    return "; for " + ", ".join(safe_name(agent) for agent in rule.agents[:3]) + (
        f" and {len(rule.agents) - 3} more" if len(rule.agents) > 3 else ""
    )


def evidence_of_use(rule: Rule) -> str:
    """``; given to 12 runs, 9 passed`` once a rule has been injected into measured runs."""
    f = rule.feedback
    runs = f.helpful + f.harmful + f.neutral
    return f"; given to {runs:,} runs, {f.helpful:,} passed" if runs else ""


def heading(playbook: Playbook) -> str:
    label = ", ".join(safe_name(v) for k, v in playbook.selectors.items() if k != "agent")
    if playbook.similar:
        like = ", ".join(safe_name(c) for c, _ in playbook.similar[:3])
        label = f"{label}; " if label else ""
        label += f"from similar tasks in {like}"
    if "agent" in playbook.selectors:  # the reader, not a filter on the runs counted
        label = f"{label}; " if label else ""
        label += f"for {safe_name(playbook.selectors['agent'])}"
    suffix = f" ({label})" if label else ""
    return f"## Lessons from {playbook.traces:,} earlier runs{suffix}"


def render_block(playbook: Playbook, max_tokens: int) -> str:
    """The delimited block with as many rules, best first, as fit in ``max_tokens``."""
    head = heading(playbook)
    ids, lines = _fitting(playbook, head, max_tokens)
    if playbook.withheld and not playbook.rules:  # all withheld: the marker alone says so
        return "\n".join([begin([], playbook.withheld), END])
    if not lines:
        lines = [NO_RULE if not playbook.rules else NOTHING_FITS]
    return _assemble(ids, head, lines, playbook.withheld)


NO_RULE = "- No lesson has enough evidence yet."
NOTHING_FITS = "- No lesson fits in this block's token budget."


def budget_notice(playbook: Playbook, max_tokens: int) -> str | None:
    """What the token budget left out, for the person who set it (None if nothing)."""
    ids, _lines = _fitting(playbook, heading(playbook), max_tokens)
    left = len(playbook.rules) - len(ids)
    if not left:
        return None
    return (
        f"{left} of {len(playbook.rules)} rules left out by the token budget ({max_tokens});"
        " raise --max-tokens to give more"
    )


def _fitting(playbook: Playbook, head: str, max_tokens: int) -> tuple[list[str], list[str]]:
    """The ids and lines of the rules, best first, that fit in ``max_tokens``."""
    lines: list[str] = []
    ids: list[str] = []
    for rule in playbook.rules:
        line = rule_line(rule, playbook.agents)
        candidate = _assemble([*ids, rule.id], head, [*lines, line], playbook.withheld)
        if estimate_tokens(candidate) > max_tokens:
            break
        lines.append(line)
        ids.append(rule.id)
    return ids, lines


def _assemble(ids: list[str], head: str, lines: list[str], withheld: list[str] | None) -> str:
    return "\n".join([begin(ids, withheld), head, *lines, END])
