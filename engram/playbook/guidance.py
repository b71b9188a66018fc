"""The guidance for one kind of task: the rules that hold for it, best first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TypeVar

from engram.parse.instruction import task_category
from engram.render.markdown import DEFAULT_MAX_TOKENS
from engram.rules import Rule
from engram.store.selectors import unknown_category

if TYPE_CHECKING:
    from engram.store import Store
    from engram.store.quick import Source

#: A category with fewer runs than this says too little; similar tasks' categories help out.
MIN_CATEGORY_RUNS = 10
HOLDOUT_SEED = "ENGRAM_HOLDOUT_SEED"  # a fixed seed for every holdout draw, to reproduce one
T = TypeVar("T")


@dataclass(slots=True)
class Playbook:
    rules: list[Rule]
    traces: int
    category: str | None = None
    selectors: dict[str, str] = field(default_factory=dict)
    #: For a task of no known category: the past categories its instruction resembled.
    similar: list[tuple[str, float]] = field(default_factory=list)
    #: What a person should know about this answer (e.g. a category the store has never seen).
    notices: list[str] = field(default_factory=list)
    #: Every agent the guidance speaks to (None: one agent, ``agent``), so that a rule learned
    #: from some of them says for which.
    agents: list[str] | None = None
    #: Rules withheld at random from this run (``hold_out``): the marker names them.
    withheld: list[str] | None = None

    def hold_out(self, probability: float, seed: int | None = None) -> Playbook:
        """This playbook with each rule withheld at random with ``probability`` (a fresh seed
        per run unless one is given), for a randomized measure of what each rule does."""
        import os
        import random
        import secrets

        if seed is None and os.environ.get(HOLDOUT_SEED, "").isdigit():
            seed = int(os.environ[HOLDOUT_SEED])  # to reproduce a draw (the README's tour)
        chance = random.Random(secrets.randbits(64) if seed is None else seed)
        drawn = [(rule, chance.random() < probability) for rule in self.rules]
        return replace(self, rules=[r for r, out in drawn if not out],
                       withheld=[*(self.withheld or []), *(r.id for r, out in drawn if out)])  # fmt: skip

    def to_markdown(self, max_tokens: int = DEFAULT_MAX_TOKENS) -> str:
        from engram.render.markdown import render_block

        return render_block(self, max_tokens)

    def to_dict(self) -> dict[str, Any]:
        from engram.render.json import playbook_dict

        return playbook_dict(self)


def suggest(
    category: str | None = None,
    *,
    agent: str | None = None,
    model: str | None = None,
    store: Store | None = None,
    limit: int | None = None,
    instruction: str | None = None,
) -> Playbook:
    """Rules for a task category (and, if given, agent or model), plus the global rules that
    hold there; pinned rules first, then people's own, then by score.

    With ``instruction`` and no category (or one with fewer than ``MIN_CATEGORY_RUNS`` runs),
    the categories of the most similar past tasks stand in, their rules weighed by similarity.
    """
    if store is None and not _quick_store():  # one full opening for all the reads below
        from engram.store import open_store

        with open_store() as opened:
            return suggest(category, agent=agent, model=model, store=opened, limit=limit,
                           instruction=instruction)  # fmt: skip
    scopes = [("all", "")]
    selectors: dict[str, str] = {}
    for kind, value in (("category", category), ("agent", agent), ("model", model)):
        if value:
            scopes.append((kind, value))
            selectors[kind] = value
    # The runs counted are those the rules were learned from: every agent's, compared within
    # each agent (an agent with no runs here still reads rules backed by others').
    counted = {k: v for k, v in selectors.items() if k != "agent"}
    rules, traces = _read(store, scopes, counted)
    similar: list[tuple[str, float]] = []
    if instruction and (category is None or traces < MIN_CATEGORY_RUNS):
        similar = _similar(store, instruction)
        if similar:
            extra = [("category", c) for c, _ in similar]
            rules, traces = _read(store, [*scopes, *extra], {k: v for k, v in counted.items()
                                                              if k != "category"})  # fmt: skip
    weight = dict(similar)
    rules = [
        rule
        for rule in rules
        if not (rule.scope_kind == "all" and category and category in rule.exceptions)
    ]
    notices: list[str] = []
    if category and not any(r.scope == {"category": category} for r in rules):
        notice = unknown_category(category, _known_categories(store))
        if notice:
            notices.append(notice)
    rules = _one_per_feature(rules)
    tools = _agent_tools(store)
    if agent:
        rules = [rule for rule in rules if fits(rule, agent, tools)]
        if agent not in tools:
            notices.append(f"the store has no runs of agent {agent!r}: only rules that name no"
                           f" tool are given{_known_agents(tools)}")  # fmt: skip
    rules.sort(
        key=lambda r: (
            r.status != "pinned",
            r.origin != "human",
            -r.score * (weight.get(r.scope_value, 1.0) if r.scope_kind == "category" else 1.0),
            r.id,
        )
    )
    return Playbook(
        rules=rules[:limit] if limit else rules,
        traces=traces,
        category=category,
        selectors=selectors,
        similar=[(c, round(w, 3)) for c, w in similar],
        notices=notices,
        agents=None if agent else sorted(tools),
    )


def fits(rule: Rule, agent: str, tools: dict[str, set[str]]) -> bool:
    """Whether ``agent`` can follow ``rule``: it has every tool the rule names (``tools``:
    per agent, what its runs showed), and a rule about recurring failures was seen in its
    own runs, if it has any."""
    from engram.mining.templates import required_tools

    if rule.is_failure and rule.agents and agent in tools and agent not in rule.agents:
        return False
    return required_tools(rule.feature) <= tools.get(agent, set())


def _known_agents(tools: dict[str, set[str]]) -> str:
    names = sorted(tools)
    return f" (agents with runs: {', '.join(names[:8])}{', …' if len(names) > 8 else ''})" if names else ""


def _agent_tools(store: Store | None) -> dict[str, set[str]]:
    from engram.store.quick import read_agent_tools

    return _answer(store, read_agent_tools, lambda opened: opened.agent_tools())


def _known_categories(store: Store | None) -> list[str]:
    from engram.store.quick import read_categories

    return _answer(store, read_categories, lambda opened: opened.known_categories())


def _quick_store() -> bool:
    """Whether the quick read path may answer from the store (SQLite, or PostgreSQL)."""
    from engram.config import resolve_database_url
    from engram.store.quick import quick_source

    return quick_source(resolve_database_url()[0]) is not None


def _answer(
    store: Store | None, quick: Callable[[Source], T | None], full: Callable[[Store], T]
) -> T:
    """A read from ``store``; without one, from the quick SQLite path when it can answer,
    else from the store opened the full way."""
    if store is not None:
        return full(store)
    from engram.config import resolve_database_url
    from engram.store.quick import quick_source

    source = quick_source(resolve_database_url()[0])
    found = quick(source) if source else None
    if found is not None:
        return found
    from engram.store import open_store

    with open_store() as opened:
        return full(opened)


def _similar(store: Store | None, instruction: str) -> list[tuple[str, float]]:
    from engram.playbook.similar import similar_categories
    from engram.store.quick import read_task_instructions

    tasks = _answer(store, read_task_instructions, lambda opened: opened.task_instructions())
    return similar_categories(tasks, instruction)


def inject(
    text: str,
    *,
    category: str | None = None,
    agent: str | None = None,
    store: Store | None = None,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    section: bool = False,
) -> str:
    """``text`` with engram's guidance block added, or replaced if it has one already
    (see ``injection``)."""
    return injection(
        text, category=category, agent=agent, store=store, max_tokens=max_tokens,
        section=section,
    ).text  # fmt: skip


@dataclass(slots=True)
class Injection:
    text: str  # the instruction with the block in it
    playbook: Playbook  # the guidance it was given


def injection(
    text: str,
    *,
    category: str | None = None,
    agent: str | None = None,
    store: Store | None = None,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    section: bool = False,
    holdout: float = 0.0,
) -> Injection:
    """``text`` with engram's guidance block added, or replaced if it has one already.

    The category comes from the text's ``Category:`` line unless given; with ``agent``, only
    rules that agent can follow are given. With no rule to give,
    any old block is removed. ``section`` treats the text as a CLAUDE.md or AGENTS.md: the
    rules are for ``category`` (all runs if None), and the block takes the place of the seed's
    LEARNED_PATTERNS section when the file has one. With ``holdout``, each rule is withheld
    at random with that probability (``Playbook.hold_out``).
    """
    from engram.render.inject import replace_block, replace_section

    crlf = "\r\n" in text  # a Windows file keeps its line endings
    body = text.replace("\r\n", "\n") if crlf else text
    if section:
        playbook, place = suggest(category, agent=agent, store=store), replace_section
    else:
        category = category if category is not None else task_category(body)
        playbook = suggest(category, agent=agent, store=store, instruction=body)
        place = replace_block
    if holdout:
        playbook = playbook.hold_out(holdout)
    given = playbook.rules or playbook.withheld  # a run whose rules were all withheld is marked
    result = place(body, playbook.to_markdown(max_tokens) if given else None)
    return Injection(result.replace("\n", "\r\n") if crlf else result, playbook)


def _read(
    store: Store | None, scopes: list[tuple[str, str]], selectors: dict[str, str]
) -> tuple[list[Rule], int]:
    """Rules and run count, from the quick SQLite path when it can answer, else the Store."""
    statuses = ("active", "pinned")
    if store is None:
        from engram.config import resolve_database_url
        from engram.store.quick import quick_source, read_playbook

        url, _location, _created = resolve_database_url()
        source = quick_source(url)
        answer = read_playbook(source, scopes, statuses, selectors) if source else None
        if answer is not None:
            return answer
        from engram.store import open_store

        with open_store() as opened:
            return opened.rules(statuses, scopes), opened.count_traces(**selectors)
    return store.rules(statuses, scopes), store.count_traces(**selectors)


def _one_per_feature(rules: list[Rule]) -> list[Rule]:
    """Where a feature has a rule in a narrow scope and in all runs, keep the narrow one."""
    narrow = {rule.feature for rule in rules if rule.scope_kind != "all"}
    return [rule for rule in rules if rule.scope_kind != "all" or rule.feature not in narrow]
