"""Mining alone, on a learned store: with conditional selection, and without it.

    python benchmarks/bench_mining.py                    # a 100,000-run store
    python benchmarks/bench_mining.py --runs 20000 --store /tmp/s   # reuse a store

Learns the planted corpus (``engram.datasets.synthetic.iter_traces``: no transcripts to parse) into a
fresh SQLite store unless ``--store`` holds one, then times ``mine`` (best of ``--repeat``),
once as it is and once with each scope's candidates only clustered (no conditional selection),
and prints one JSON object with both times and the rules each made.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from engram.datasets.synthetic import default_scenario, iter_traces
from engram.mining import miner
from engram.mining.miner import mine
from engram.store import Store


def fill(store: Store, runs: int) -> float:
    started = time.perf_counter()
    learn_id = store.start_learn(["bench"], {}, "bench")
    batch: list[Any] = []
    for item in iter_traces(default_scenario(runs, 3)):
        batch.append(item)
        if len(batch) == 1000:
            store.add_traces(batch, learn_id)
            batch.clear()
    store.add_traces(batch, learn_id)
    return time.perf_counter() - started


def clustered_only(tests: Any, passed: Any, members: Any, **settings: Any) -> Any:
    """The scope's candidates clustered as before, nothing tested given anything."""
    import numpy as np

    from engram.mining.redundancy import _cluster

    matrix = np.column_stack(members)
    return _cluster(tests, matrix, settings["jaccard"]), []


def timed(store: Store, repeat: int) -> tuple[float, list[str]]:
    best, rules = float("inf"), []
    for _ in range(repeat):
        started = time.perf_counter()
        result = mine(store)
        best = min(best, time.perf_counter() - started)
        rules = sorted(f"{r.scope_label} {r.feature}" for r in result.rules if not r.is_failure)
    return best, rules


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--store", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = args.store or Path(tempfile.mkdtemp(prefix="engram-bench-mining-"))
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "engram.db"
    fresh = not database.exists()
    with Store.open(f"sqlite:///{database}") as store:
        result: dict[str, Any] = {"runs": args.runs, "store": str(database)}
        if fresh:
            result["fill_seconds"] = round(fill(store, args.runs), 1)
        with_selection, rules = timed(store, args.repeat)
        result["mine_seconds"] = round(with_selection, 2)
        result["rules"] = rules
        original = miner.reduce_scope
        miner.reduce_scope = clustered_only  # type: ignore[assignment]
        try:
            without, plain_rules = timed(store, args.repeat)
        finally:
            miner.reduce_scope = original
        result["mine_seconds_without_selection"] = round(without, 2)
        result["rules_without_selection"] = plain_rules
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
