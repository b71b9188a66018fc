"""The feedback loop: rules given to runs are judged by those runs' outcomes."""

from __future__ import annotations

import json
import random
from pathlib import Path

import engram
from engram.datasets.synthetic import default_scenario, write_corpus
from engram.parse.marker import BEGIN, END
from engram.playbook import curation
from engram.store import open_store

CATEGORY = "feature_implementation"
AGENT = "ClaudeCodeAgent"


def runs_given(rules: dict[str, str], round_number: int, count: int = 240) -> list[dict]:
    """New runs, each given a random subset of the rules; ``helps`` raises the chance to
    pass, ``hurts`` and ``pinned`` lower it."""
    rng = random.Random(round_number)
    effect = {"helps": 0.3, "hurts": -0.3, "pinned": -0.3}
    records = []
    for index in range(count):
        given = [name for name in rules if rng.random() < 0.5]
        ids = ",".join(rules[name] for name in given)
        block = f"{BEGIN.format(ids=ids)}\n## Lessons\n- DO: …\n{END}"
        chance = 0.5 + sum(effect[name] for name in given)
        passed = rng.random() < min(0.95, max(0.05, chance))
        records.append({
            "task_id": f"r{round_number}-t{index % 30:02d}__{index:07d}",
            "task_instruction": f"# Task {index}\n\nCategory: {CATEGORY}\n\n{block}\n",
            "agent_config": {"agent": {"name": AGENT}},
            "status": "pass" if passed else "fail",
            "test_reward": 1.0 if passed else 0.0,
            "code_changes": "diff --git a/a.py b/a.py\n--- a/a.py\n+++ b/a.py\n@@ -1 +1 @@\n-x\n+y\n",
        })  # fmt: skip
    return records


def test_rounds_of_the_loop_find_the_helpful_rule_and_retire_the_harmful(tmp_path: Path) -> None:
    corpus = tmp_path / "history.json"
    write_corpus(default_scenario(runs=300, seed=3), corpus)
    engram.learn([corpus])
    with open_store() as store:
        rules = {
            "helps": curation.add(store, "Run the whole test suite before finishing.",
                                  category=CATEGORY).id,
            "hurts": curation.add(store, "Rewrite the module from scratch.", kind="do",
                                  category=CATEGORY).id,
            "pinned": curation.add(store, "Keep a changelog entry.", category=CATEGORY).id,
        }  # fmt: skip
        curation.pin(store, rules["pinned"])
    for round_number in range(3):
        path = tmp_path / f"round-{round_number}.json"
        path.write_text(json.dumps(runs_given(rules, round_number)))
        engram.learn([path])
    with open_store() as store:
        helps, hurts, pinned = (store.rule(rules[name]) for name in ("helps", "hurts", "pinned"))
    assert helps.feedback.efficacy_low is not None and helps.feedback.efficacy_low > 0
    assert helps.status == "active"
    assert hurts.status == "retired" and hurts.status_by == "feedback"
    assert hurts.status_reason is not None and "its injection hurt" in hurts.status_reason
    assert pinned.status == "pinned"
    assert pinned.feedback.efficacy_high is not None and pinned.feedback.efficacy_high < 0
    given = helps.feedback.helpful + helps.feedback.harmful + helps.feedback.neutral
    assert given == helps.feedback.given_runs
    with open_store() as store:
        summary = store.stats()["feedback"]
    assert summary == {"rules_given": 3, "measured": 3, "helping": 1, "hurting": 2}


def test_errors_not_of_the_agents_making_count_as_neither(tmp_path: Path) -> None:
    with open_store(create=True) as store:
        rule = curation.add(store, "Read the README first.")
    block = f"{BEGIN.format(ids=rule.id)}\n{END}"
    records = [
        {"task_id": f"t{n}__000000{n}", "task_instruction": f"Category: docs\n{block}",
         "status": status, "test_reward": reward, "error": error}
        for n, (status, reward, error) in enumerate([
            ("pass", 1.0, None), ("fail", 0.0, None), ("partial", 0.5, None),
            ("error", None, "RuntimeError: Docker compose command failed"),
        ])
    ]  # fmt: skip
    path = tmp_path / "runs.json"
    path.write_text(json.dumps(records))
    engram.learn([path])
    with open_store() as store:
        feedback = store.rule(rule.id).feedback
    assert (feedback.helpful, feedback.harmful, feedback.neutral) == (1, 1, 1)
