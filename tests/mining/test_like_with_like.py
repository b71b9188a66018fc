"""Like with like, on corpora whose truth is known: two agents with different tools and
strengths, easy and hard tasks run many times, real effects and traps."""

from __future__ import annotations

from pathlib import Path

import pytest

import engram
from engram.datasets.confounded import REAL, STRONG, TRAPS, WEAK, Confounded, write
from engram.mining.stats import fisher_p
from engram.mining.templates import required_tools
from engram.store import open_store

EXPECTED = {("cmd:pytest", "do"), ("tool_error_loop:Edit", "avoid"), ("tool:think", "do")}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("confounded") / "runs.json"
    write(Confounded(tasks=120), path)
    return path


@pytest.fixture
def learned(corpus: Path) -> Path:
    engram.learn([corpus])
    return corpus


def test_the_traps_are_traps_for_a_raw_comparison(learned: Path) -> None:
    """Without comparing like with like, each trap would pass the significance filter."""
    with open_store() as store:
        counts = {r.feature: r for r in store.feature_counts(["all"]) if r.scope_kind == "all"}
    total = counts["*"]
    for trap in ("tool:execute_bash", "tool:WebSearch", "tool:browser", "tool:TodoWrite"):
        row = counts[trap]
        without, passed_without = total.runs - row.runs, total.passed - row.passed
        p = fisher_p(row.passed, row.runs, passed_without, without)
        raw = row.passed / row.runs - passed_without / without
        assert p < 0.01 and abs(raw) >= 0.10, (trap, p, raw)


def test_the_real_effects_are_found_and_no_trap_is_a_rule(learned: Path) -> None:
    with open_store() as store:
        rules = [r for r in store.rules() if not r.is_failure]
    assert {(r.feature, r.kind) for r in rules} == EXPECTED
    assert not {r.feature for r in rules} & set(TRAPS)
    for rule in rules:
        stratified = rule.evidence.stratified
        assert stratified is not None and stratified.by == ["agent", "model", "task"]
        truth = REAL[rule.feature][0]
        assert stratified.ci_low <= truth <= stratified.ci_high, rule.feature
        assert rule.score == pytest.approx(
            stratified.ci_low if truth > 0 else -stratified.ci_high
        )


def test_a_rule_knows_whose_runs_it_rests_on(learned: Path) -> None:
    with open_store() as store:
        agents = {r.feature: r.agents for r in store.rules() if not r.is_failure}
    assert agents == {"cmd:pytest": [STRONG, WEAK], "tool_error_loop:Edit": [STRONG],
                      "tool:think": [WEAK]}  # fmt: skip


@pytest.mark.parametrize("agent", [STRONG, WEAK])
def test_each_agents_guidance_holds_only_rules_that_fit_it(learned: Path, agent: str) -> None:
    playbook = engram.suggest(agent=agent)
    with open_store() as store:
        tools = store.agent_tools()[agent]
    assert playbook.rules
    for rule in playbook.rules:
        assert required_tools(rule.feature) <= tools, rule.feature
    text = playbook.to_markdown()
    other = WEAK if agent == STRONG else STRONG
    assert other not in text
    lacking = {"Edit", "WebSearch", "TodoWrite"} if agent == WEAK else {"think", "execute_bash"}
    assert not any(f" {tool} " in text or f"{tool}." in text for tool in lacking), text


def test_without_an_agent_a_rule_says_whose_runs_it_is_for(learned: Path) -> None:
    text = engram.suggest().to_markdown(max_tokens=2000)
    think = next(line for line in text.splitlines() if "think" in line)
    assert think.endswith(f"; for {WEAK})")
    pytest_line = next(line for line in text.splitlines() if "pytest" in line)
    assert "; for" not in pytest_line


def test_a_sweep_of_one_run_per_task_is_compared_within_each_agent(tmp_path: Path) -> None:
    path = tmp_path / "sweep.json"
    write(Confounded(tasks=480, repeats=1, seed=5), path)
    engram.learn([path])
    with open_store() as store:
        rules = {r.feature: r for r in store.rules() if not r.is_failure}
    assert {"cmd:pytest", "tool_error_loop:Edit"} <= set(rules)
    assert rules["cmd:pytest"].evidence.stratified.by == ["agent", "model", "category"]  # type: ignore[union-attr]
    assert "tool:execute_bash" not in rules  # who ran it is not a behaviour


def test_a_store_of_both_kinds_gets_both_right(corpus: Path, tmp_path: Path) -> None:
    sweep = tmp_path / "sweep.json"
    write(Confounded(tasks=300, repeats=1, seed=9), sweep)
    text = sweep.read_text().replace('"task-', '"sweep-')  # other tasks, run once each
    sweep.write_text(text)
    engram.learn([corpus, sweep])
    with open_store() as store:
        rules = {(r.feature, r.kind) for r in store.rules() if not r.is_failure}
    assert rules >= EXPECTED
    assert not {feature for feature, _ in rules} & {"tool:execute_bash", "tool:TodoWrite"}
