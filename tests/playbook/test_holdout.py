"""Randomized holdout: rules withheld at random prove what they do, where the observational
comparison is fooled by which runs were given them.

The simulated loop: three rules of one category, one that helps (+20 points), one that hurts
(−25) and one that does nothing; tasks easy (75% pass) or hard (35%). Runs under a holdout have
each rule withheld at random; as a trap, other runs are given the rules mostly when the task
is easy, with no holdout, as a person picking where guidance goes would.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

import engram
from engram.parse.marker import injected_rule_ids, withheld_rule_ids
from engram.playbook import curation
from engram.playbook.guidance import Playbook
from engram.store import open_store

CATEGORY = "bug_fix"
EFFECTS = {"help": 0.20, "hurt": -0.25, "null": 0.0}
TEXTS = {
    "help": "Reproduce the failure with a test before changing code.",
    "hurt": "Rewrite the module from scratch rather than patching it.",
    "null": "Keep a short log of what you tried.",
}
BASE = {"easy": 0.75, "hard": 0.35}


def record(index: int, difficulty: str, block: str, effect: float, chance: random.Random) -> dict:
    passed = chance.random() < BASE[difficulty] + effect
    return {
        "task_id": f"{difficulty}-{index % 40:02d}__{index:07d}",
        "task_instruction": f"# Task {index}\n\nCategory: {CATEGORY}\n\nFix it.\n\n{block}\n",
        "agent_config": {"agent": {"name": "AgentA"}},
        "status": "pass" if passed else "fail",
        "test_reward": 1.0 if passed else 0.0,
    }


def effect_of(block: str, ids: dict[str, str]) -> float:
    given = set(injected_rule_ids(block))
    return sum(EFFECTS[name] for name, rule_id in ids.items() if rule_id in given)


def round_of_runs(playbook: Playbook, ids: dict[str, str], start: int, randomized: int,
                  biased: int, seed: int) -> list[dict]:  # fmt: skip
    chance = random.Random(seed)
    runs = []
    for index in range(start, start + randomized):
        difficulty = chance.choice(("easy", "hard"))
        block = playbook.hold_out(0.5, seed=index).to_markdown()
        runs.append(record(index, difficulty, block, effect_of(block, ids), chance))
    for index in range(start + randomized, start + randomized + biased):
        difficulty = chance.choice(("easy", "hard"))
        given = chance.random() < (0.9 if difficulty == "easy" else 0.1)
        block = playbook.to_markdown() if given else ""
        runs.append(record(index, difficulty, block, effect_of(block, ids), chance))
    return runs


def learn_runs(runs: list[dict], path: Path) -> None:
    path.write_text(json.dumps(runs))
    summary = engram.learn([path])
    assert summary.ok and summary.traces_new == len(runs)


def feedback(rule_id: str) -> dict:
    with open_store() as store:
        return store.rule(rule_id).feedback.as_dict()["efficacy"]


@pytest.fixture
def rules(tmp_path: Path) -> dict[str, str]:
    seed = tmp_path / "seed.json"
    learn_runs([record(i, "easy", "", 0.0, random.Random(i)) for i in range(20)], seed)
    with open_store() as store:
        return {name: curation.add(store, text, category=CATEGORY).id
                for name, text in TEXTS.items()}  # fmt: skip


def test_the_block_names_what_was_given_and_what_was_withheld(rules: dict[str, str]) -> None:
    playbook = engram.suggest(CATEGORY)
    held = playbook.hold_out(0.5, seed=3)
    block = held.to_markdown()
    assert set(injected_rule_ids(block)) | set(withheld_rule_ids(block)) == set(rules.values())
    assert set(injected_rule_ids(block)) == {r.id for r in held.rules}
    everything = playbook.hold_out(1.0, seed=1).to_markdown()
    assert everything.splitlines() == [
        f"<!-- engram:begin rules= withheld={','.join(r.id for r in playbook.rules)} -->",
        "<!-- engram:end -->",
    ]  # a run whose whole block was withheld still says it was part of the experiment
    assert playbook.hold_out(0.5, seed=3).to_markdown() == block  # seeded: reproducible


def test_the_randomized_estimate_finds_the_truth_the_observational_one_misses(
    rules: dict[str, str], tmp_path: Path
) -> None:
    playbook = engram.suggest(CATEGORY)
    assert {r.id for r in playbook.rules} == set(rules.values())
    learn_runs(round_of_runs(playbook, rules, 1000, 1400, 1000, seed=1), tmp_path / "r1.json")

    randomized = {name: feedback(rule_id)["randomized"] for name, rule_id in rules.items()}
    for name, truth in EFFECTS.items():  # within about three standard errors (0.026)
        assert abs(randomized[name]["difference"] - truth) < 0.08, (name, randomized[name])
    assert randomized["help"]["proven"] and not randomized["null"]["proven"]
    observed = feedback(rules["null"])["observational"]
    assert observed["difference"] > randomized["null"]["difference"] + 0.05  # the trap
    assert observed["ci_low"] > 0  # observationally, the rule that does nothing "helps"
    with open_store() as store:
        hurt, null, help_ = (store.rule(rules[n]) for n in ("hurt", "null", "help"))
    assert (hurt.status, hurt.status_by) == ("retired", "feedback")
    assert "withheld at random" in (hurt.status_reason or "")
    assert null.status == "active" and help_.status == "active"

    # The next round is given what is left; the retired rule stays out, the proof holds.
    playbook = engram.suggest(CATEGORY)
    assert rules["hurt"] not in {r.id for r in playbook.rules}
    learn_runs(round_of_runs(playbook, rules, 5000, 800, 0, seed=2), tmp_path / "r2.json")
    assert feedback(rules["help"])["randomized"]["proven"]
    assert not feedback(rules["null"])["randomized"]["proven"]
    with open_store() as store:
        assert store.rule(rules["hurt"]).status == "retired"


def test_a_pinned_rule_shown_to_hurt_stays(rules: dict[str, str], tmp_path: Path) -> None:
    with open_store() as store:
        curation.pin(store, rules["hurt"], "we want it anyway")
    playbook = engram.suggest(CATEGORY)
    learn_runs(round_of_runs(playbook, rules, 1000, 1000, 0, seed=4), tmp_path / "r.json")
    assert feedback(rules["hurt"])["randomized"]["ci_high"] < 0
    with open_store() as store:
        assert store.rule(rules["hurt"]).status == "pinned"


def test_experiments_lists_the_rules_under_test_with_what_they_need(
    rules: dict[str, str], tmp_path: Path
) -> None:
    from engram.playbook.feedback import experiments

    playbook = engram.suggest(CATEGORY)
    learn_runs(round_of_runs(playbook, rules, 1000, 60, 0, seed=5), tmp_path / "r.json")
    with open_store() as store:
        found = {e.rule.id: e for e in experiments(store)}
    assert set(found) == set(rules.values())
    for experiment in found.values():
        assert experiment.given_runs + experiment.other_runs == 60
    null = found[rules["null"]]
    assert null.verdict == "undecided"
    assert null.runs_needed is None or null.runs_needed > 0  # none if no lift is seen at all
