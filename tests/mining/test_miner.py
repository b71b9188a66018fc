"""mine(): from the store's counts to rules, on runs built by hand so that every number a rule
carries is known, checked against statsmodels and scipy, traps included."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.contingency_tables import StratifiedTable

from engram.mining.miner import MiningResult, mine
from engram.mining.settings import MiningSettings
from engram.mining.stats import newcombe_interval
from engram.rules import Rule
from engram.trace import Agent, Outcome, Task, Trace
from tests.mining.arraystore import ArrayStore

Run = tuple[Trace, frozenset[str]]
_ids = itertools.count()


def runs(count: int, passes: int, *features: str, agent: str = "claude-code",
         category: str = "bugfix", task: str | None = None) -> list[Run]:  # fmt: skip
    """``count`` runs showing ``features``, the first ``passes`` of them passing; each of its
    own task unless ``task`` names one they share."""
    made = []
    for i in range(count):
        number = next(_ids)
        trace = Trace(
            task=Task(id=task or f"task-{number}", category=category),
            agent=Agent(name=agent, model=f"{agent}-model"),
            outcome=Outcome("pass" if i < passes else "fail", 1.0 if i < passes else 0.0),
            trace_id=f"t_{number}",
        )
        made.append((trace, frozenset({f"agent:{agent}", f"model:{agent}-model", *features})))
    return made


def learn(*groups: list[Run], **settings: object) -> MiningResult:
    return mine(ArrayStore(itertools.chain(*groups)), MiningSettings(**settings))  # type: ignore[arg-type]


def rule_on(result: MiningResult, feature: str) -> Rule:
    found = [rule for rule in result.rules if rule.feature == feature]
    assert len(found) == 1, [(r.feature, r.scope_label) for r in result.rules]
    return found[0]


def test_a_behaviour_that_goes_with_success_is_a_rule_carrying_its_own_numbers() -> None:
    result = learn(runs(100, 75, "cmd:pytest"), runs(100, 40))
    rule = rule_on(result, "cmd:pytest")
    assert (rule.kind, rule.scope_kind) == ("do", "all")
    evidence = rule.evidence
    assert (evidence.n_with, evidence.pass_with, evidence.n_without, evidence.pass_without) == (
        100, 75, 100, 40,
    )  # fmt: skip
    assert evidence.difference == pytest.approx(0.35)
    assert (evidence.ci_low, evidence.ci_high) == pytest.approx(newcombe_interval(75, 100, 40, 100))
    fisher = stats.fisher_exact([[75, 25], [40, 60]]).pvalue
    assert evidence.p_value == pytest.approx(fisher, rel=1e-9)
    # One agent, every task run once: one stratum, whose Mantel–Haenszel difference is the
    # raw one and whose test is statsmodels' Cochran–Mantel–Haenszel.
    assert evidence.stratified is not None
    cmh = StratifiedTable([np.array([[75, 25], [40, 60]])]).test_null_odds(correction=False)
    assert evidence.stratified.strata == 1
    assert evidence.stratified.difference == pytest.approx(0.35)
    assert evidence.stratified.p_value == pytest.approx(cmh.pvalue, rel=1e-9)
    assert rule.score == pytest.approx(evidence.stratified.ci_low) and 0 < rule.score < 0.35
    # The same advice for the category would say it twice: the global rule covers it.
    assert ("category=bugfix", "cmd:pytest", "covered by the global rule") in result.dropped


def test_a_behaviour_that_goes_with_failure_is_an_avoid_rule_scored_by_its_upper_bound() -> None:
    rule = rule_on(learn(runs(100, 20, "tool_error_loop:Edit"), runs(100, 60)),
                   "tool_error_loop:Edit")  # fmt: skip
    assert rule.kind == "avoid"
    assert rule.evidence.stratified is not None
    assert rule.score == pytest.approx(-rule.evidence.stratified.ci_high) and rule.score > 0


def test_who_ran_is_never_a_rule_and_a_tool_only_one_agent_has_is_not_a_behaviour() -> None:
    # The strong agent has a Task tool and always calls it; the weak one has none. Raw, the
    # tool (and the agent's name) look like a 50-point effect; among comparable runs there is
    # nothing to compare.
    strong = runs(150, 120, "tool:Task", agent="strong")
    weak = runs(150, 45, agent="weak")
    raw = stats.fisher_exact([[120, 30], [45, 105]]).pvalue
    assert raw < 1e-15  # the trap is a trap for a raw comparison
    result = learn(strong, weak)
    assert result.rules == []
    assert not any(r.feature.startswith(("agent:", "model:")) for r in result.rules)


def test_a_behaviour_seen_on_easy_tasks_is_compared_within_each_task() -> None:
    # Each agent runs two tasks many times; the behaviour shows mostly on the easy one and
    # makes no difference within either task.
    easy = runs(80, 72, "tool:Grep", task="easy") + runs(20, 18, task="easy")
    hard = runs(20, 4, "tool:Grep", task="hard") + runs(80, 16, task="hard")
    raw = stats.fisher_exact([[76, 24], [34, 66]]).pvalue
    assert raw < 1e-6
    result = learn(easy, hard)
    assert not any(r.feature == "tool:Grep" for r in result.rules)


def test_the_effect_within_agents_is_estimated_not_the_mix_of_who_ran() -> None:
    # +30 points within each agent; the stronger agent shows the behaviour more, so the raw
    # difference is 44 points.
    result = learn(
        runs(50, 40, "cmd:pytest", agent="a"), runs(50, 25, agent="a"),
        runs(10, 5, "cmd:pytest", agent="b"), runs(90, 18, agent="b"),
    )  # fmt: skip
    rule = rule_on(result, "cmd:pytest")
    assert rule.evidence.difference == pytest.approx(45 / 60 - 43 / 140)
    assert rule.evidence.stratified is not None
    assert rule.evidence.stratified.strata == 2
    assert rule.evidence.stratified.difference == pytest.approx(0.30)
    cmh = StratifiedTable(
        [np.array([[40, 10], [25, 25]]), np.array([[5, 5], [18, 72]])]
    ).test_null_odds(correction=False)
    assert rule.evidence.stratified.p_value == pytest.approx(cmh.pvalue, rel=1e-9)
    assert sorted(rule.agents) == ["a", "b"]


def test_a_feature_with_too_few_runs_on_either_side_is_not_even_tested() -> None:
    base = [runs(100, 75, "cmd:pytest"), runs(100, 40)]
    with_rare = [runs(4, 4, "cmd:pytest", "tool:Rare"), runs(96, 71, "cmd:pytest"), runs(100, 40)]
    assert learn(*with_rare).tests == learn(*base).tests
    assert not any(r.feature == "tool:Rare" for r in learn(*with_rare).rules)
    assert learn(*with_rare, min_support=4).tests > learn(*with_rare).tests  # now it is tested


def test_a_difference_below_the_minimum_is_no_rule_however_certain() -> None:
    result = learn(runs(2000, 1080, "cmd:make"), runs(2000, 1000))  # 4 points, p ≈ 0.01
    assert result.candidates == 0 and result.rules == []
    assert rule_on(learn(runs(2000, 1080, "cmd:make"), runs(2000, 1000), min_difference=0.03),
                   "cmd:make").kind == "do"  # fmt: skip


def test_q_values_control_the_false_discoveries_of_every_test_of_the_learn() -> None:
    rng = np.random.default_rng(7)
    noise = [f"tool:Noise{i}" for i in range(40)]
    made: list[Run] = []
    for i in range(400):
        real = i < 200
        passed = rng.random() < (0.75 if real else 0.40)
        features = {f for f in noise if rng.random() < 0.5}
        made += runs(1, int(passed), *features, *(["cmd:pytest"] if real else []))
    result = learn(made)
    rule = rule_on(result, "cmd:pytest")
    assert not any(r.feature.startswith("tool:Noise") for r in result.rules)
    assert result.tests >= 41  # the noise was tested too, and counted
    stratified = rule.evidence.stratified
    assert stratified is not None
    assert (
        stratified.p_value <= stratified.q_value <= stratified.p_value * result.tests * (1 + 1e-9)
    )


def test_a_tool_and_the_only_bigram_it_appears_in_make_one_rule() -> None:
    result = learn(runs(100, 80, "tool:Grep", "seq:Grep>Edit"), runs(100, 40))
    rule = rule_on(result, "tool:Grep")
    assert rule.merged_features == ["seq:Grep>Edit"]
    assert not any(r.feature == "seq:Grep>Edit" for r in result.rules)


def test_an_effect_that_reverses_in_one_category_is_said_per_category_not_globally() -> None:
    helps = [runs(100, 80, "cmd:pytest", category=c) + runs(100, 40, category=c)
             for c in ("bugfix", "feature", "refactor")]  # fmt: skip
    reverses = runs(100, 30, "cmd:pytest", category="docs") + runs(100, 60, category="docs")
    result = learn(*helps, reverses)
    assert ("all", "cmd:pytest", "effect differs between categories") in result.dropped
    kinds = {r.scope_value: r.kind for r in result.rules if r.feature == "cmd:pytest"}
    assert kinds == {"bugfix": "do", "feature": "do", "refactor": "do", "docs": "avoid"}


def test_rules_come_best_first_with_stable_ids() -> None:
    corpus = [runs(100, 80, "cmd:pytest"), runs(100, 40, "tool:Write"), runs(60, 45, "tool:Read"),
              runs(60, 24)]  # fmt: skip
    first, second = learn(*corpus), learn(*corpus)
    assert [r.score for r in first.rules] == sorted((r.score for r in first.rules), reverse=True)
    assert [r.id for r in first.rules] == [r.id for r in second.rules]
    assert len({r.id for r in first.rules}) == len(first.rules)
