"""``engram learn --jobs N`` gives exactly what ``--jobs 1`` gives."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

import engram
from engram.datasets.synthetic import Planted, Scenario, generate
from engram.extract import Extractor
from engram.store import Store
from engram.trace import Trace


def snapshot(store: Store) -> dict[str, Any]:
    stats = store.stats()
    stats.pop("store")
    counts = sorted(
        (r.scope_kind, r.scope_value, r.feature, r.runs, r.passed, r.reward_micros)
        for r in store.feature_counts(["all", "category", "agent", "model"])
    )
    rules = {r.id: (r.text, r.evidence.as_dict()) for r in store.rules()}
    return {"stats": stats, "counts": counts, "rules": rules}


@pytest.fixture
def inputs(tmp_path: Path) -> list[Path]:
    """A JSON document, JSON Lines with broken lines, and a few small files."""
    records = generate(Scenario(runs=900, seed=21, planted=(Planted("cmd:pytest", 0.45),)))
    document = tmp_path / "runs.json"
    document.write_text(json.dumps({"job_dir": "jobs/a/1", "traces": records[:400]}))
    lines = tmp_path / "runs.jsonl"
    body = [json.dumps(r) for r in records[400:700]]
    body[10] = "{broken"
    body[200] = json.dumps([1, 2])
    lines.write_text("\n".join(body) + "\n")
    small = []
    for index in range(6):
        path = tmp_path / f"small-{index}.json"
        path.write_text(json.dumps(records[700 + index * 30 : 730 + index * 30]))
        small.append(path)
    return [document, lines, *small]


@pytest.mark.parametrize("jobs", [2, 3])
@pytest.mark.parametrize("which", ["document", "lines", "many files"])
def test_parallel_learning_gives_the_same_store_and_summary(
    inputs: list[Path], tmp_path: Path, jobs: int, which: str
) -> None:
    files = {"document": inputs[:1], "lines": inputs[1:2], "many files": inputs}[which]
    results = {}
    for n in (1, jobs):
        with Store.open(f"sqlite:///{tmp_path / f'jobs{n}.db'}") as store:
            summary = engram.learn(files, store=store, jobs=n)
            results[n] = (snapshot(store), {k: v for k, v in summary.as_dict().items()
                                            if k not in ("seconds", "store")})  # fmt: skip
    assert results[1][0] == results[jobs][0]
    assert results[1][1] == results[jobs][1]
    if which != "document":
        assert results[1][1]["skipped"] == 2


class _Niceness(Extractor):
    """Names the priority its process reads at."""

    name = "niceness"

    def extract(self, trace: Trace) -> list[str]:
        return [f"nice:{os.nice(0)}"]


@pytest.mark.skipif(not hasattr(os, "nice"), reason="no process priorities here")
def test_workers_read_at_a_lower_priority_than_the_writer(inputs: list[Path]) -> None:
    from engram.learning.parallel import WORKER_NICENESS, load_parallel

    seen = {features for _, item, features in load_parallel(inputs, None, [_Niceness()], 2)
            if isinstance(item, Trace)}  # fmt: skip
    assert seen == {frozenset({f"nice:{min(os.nice(0) + WORKER_NICENESS, 19)}"})}
