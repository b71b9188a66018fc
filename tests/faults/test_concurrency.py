"""Many learners at once into one store, while guidance is read from it (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import engram
from engram.datasets.synthetic import Planted, Scenario, write_corpus
from engram.errors import NoStoreError
from engram.store import Store, open_store

pytestmark = pytest.mark.slow
LEARNERS = 8


def corpus(path: Path, seed: int) -> Path:
    scenario = Scenario(
        runs=240,
        seed=seed,
        planted=(
            Planted("tool_error_loop:Edit", -0.45, None, 0.25),
            Planted("cmd:pytest", 0.4, "feature_implementation", 0.5),
        ),
    )
    write_corpus(scenario, path)
    return path


def rule_table() -> dict[str, tuple[str, dict[str, object]]]:
    with open_store() as store:
        return {r.id: (r.status, r.evidence.as_dict()) for r in store.rules(statuses=("active",))}


def test_eight_learners_at_once_store_each_run_once_and_agree_with_one_by_one(
    tmp_path: Path,
) -> None:
    distinct = [corpus(tmp_path / f"part{i}.json", seed=100 + i) for i in range(6)]
    files = [*distinct, distinct[0], distinct[3]]  # two learners read a file another reads too
    env = {**os.environ, "ENGRAM_NO_PROGRESS": "1"}
    learners = [
        subprocess.Popen(
            [sys.executable, "-m", "engram", "learn", str(f), "--json", "--quiet"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for f in files
    ]  # fmt: skip

    seen_playbooks = 0
    while any(p.poll() is None for p in learners):
        try:
            playbook = engram.suggest(category="feature_implementation")
        except NoStoreError:
            continue  # the first learner is still making the store
        totals = {r.evidence.runs for r in playbook.rules if r.scope_kind == "all"}
        assert len(totals) <= 1, "a playbook mixed two minings"
        seen_playbooks += 1
        time.sleep(0.05)
    outputs = [p.communicate(timeout=300) for p in learners]
    for process, (_out, err) in zip(learners, outputs, strict=True):
        assert process.returncode == 0, err
        assert "locked" not in err and "serializ" not in err
    assert seen_playbooks > 0

    expected_runs = 6 * 240
    with open_store() as store:
        assert store.count_traces() == expected_runs
        counts = {(r.scope_kind, r.feature): r.runs for r in store.feature_counts(["all"])}
        assert counts[("all", "*")] == store.stats()["valid"]
    concurrent = rule_table()
    assert concurrent

    with Store.open(f"sqlite:///{tmp_path / 'one_by_one.db'}") as sequential:
        for f in files:
            engram.learn([f], store=sequential)
        one_by_one = {
            r.id: (r.status, r.evidence.as_dict()) for r in sequential.rules(statuses=("active",))
        }
    assert concurrent == one_by_one
    summaries = [json.loads(out) for out, _ in outputs]
    assert sum(s["traces_new"] for s in summaries) == expected_runs
