"""A learn killed with SIGKILL anywhere leaves a store that opens, checks out, and completes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import engram
from engram.datasets.synthetic import Planted, Scenario, write_corpus
from engram.errors import NoStoreError
from engram.store import Store, open_store
from tests.conftest import Restore
from tests.faults.checks import assert_consistent
from tests.faults.killer import learn_killed

pytestmark = pytest.mark.slow

SCENARIO = Scenario(runs=900, seed=5, planted=(Planted("tool_error_loop:Edit", -0.45, None, 0.25),))


@pytest.fixture(scope="module")
def halves(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("crash")
    first, second = folder / "first.json", folder / "second.json"
    write_corpus(SCENARIO, first)
    write_corpus(replace(SCENARIO, seed=6), second)
    return first, second


@pytest.fixture(scope="module")
def reference(
    halves: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """What a store holds after both halves were learned without trouble."""
    with Store.open(f"sqlite:///{tmp_path_factory.mktemp('ref') / 'ref.db'}") as store:
        for half in halves:
            engram.learn([half], store=store)
        return snapshot(store)


def snapshot(store: Store) -> dict[str, Any]:
    stats = store.stats()
    for volatile in ("store", "learns"):
        stats.pop(volatile)
    counts = sorted(
        (r.scope_kind, r.scope_value, r.feature, r.runs, r.passed, r.reward_micros)
        for r in store.feature_counts(["all", "category", "agent", "model"])
    )
    rules = {r.id: r.evidence.as_dict() for r in store.rules(statuses=("active",))}
    return {"stats": stats, "counts": counts, "rules": rules}


FRESH_STORE_POINTS = [  # killed while the store is made and migrated, or first mined
    ("SELECT", 1), ("CREATE TABLE", 1), ("CREATE TABLE", 4), ("CREATE INDEX", 2),
    ("INSERT INTO alembic_version", 1), ("INSERT INTO learns", 1), ("INSERT INTO rules", 1),
]  # fmt: skip
WRITE_POINTS = [  # killed while the second half is being written and mined
    ("INSERT INTO features", 1), ("INSERT INTO traces", 1), ("INSERT INTO traces", 2),
    ("INSERT INTO trace_features", 1), ("INSERT INTO trace_features", 2),
    ("INSERT INTO feature_counts", 1), ("INSERT INTO feature_counts", 3),
    ("UPDATE rules", 1), ("UPDATE learns", 1),
    ("SELECT", 5), ("SELECT", 10), ("SELECT", 15),
]  # fmt: skip


@pytest.mark.parametrize(("prefix", "nth"), FRESH_STORE_POINTS)
def test_killed_while_the_store_is_made(
    prefix: str, nth: int, halves: tuple[Path, Path], reference: dict[str, Any]
) -> None:
    assert learn_killed(prefix, nth, [halves[0]]) == -signal.SIGKILL
    for half in halves:
        engram.learn([half])
    with open_store() as store:
        assert_consistent(store)
        assert snapshot(store) == reference


@pytest.mark.parametrize(("prefix", "nth"), WRITE_POINTS)
def test_killed_while_writing(
    prefix: str, nth: int, halves: tuple[Path, Path], reference: dict[str, Any], restore: Restore
) -> None:
    restore("crash-first-half", lambda: engram.learn([halves[0]]))
    assert learn_killed(prefix, nth, [halves[1]]) == -signal.SIGKILL
    with open_store() as store:
        assert_consistent(store)
    engram.learn([halves[1]])
    with open_store() as store:
        assert_consistent(store)
        assert snapshot(store) == reference


def test_killed_at_random_moments_again_and_again(
    halves: tuple[Path, Path], reference: dict[str, Any]
) -> None:
    env = {**os.environ, "ENGRAM_NO_PROGRESS": "1"}
    command = [sys.executable, "-m", "engram", "learn", str(halves[0]), str(halves[1]), "-q"]
    for delay in (0.4, 0.8, 1.1, 1.4, 1.7, 2.0, 2.4, 2.8):
        child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)  # fmt: skip
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        try:
            store = open_store()
        except NoStoreError:
            continue  # killed before the store existed
        with store:
            assert_consistent(store)
    engram.learn([halves[0]])
    engram.learn([halves[1]])
    with open_store() as store:
        assert_consistent(store)
        assert snapshot(store) == reference
