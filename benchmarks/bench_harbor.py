"""Learn throughput from a Harbor job folder, next to the same runs as aggregated JSON.

    python benchmarks/bench_harbor.py                 # 2,000 trials with Claude Code logs

Writes the same generated runs twice (a job folder of trial folders, and one aggregated JSON
file), learns each into a fresh store in a fresh process (``--jobs 1`` and ``2``, each
``--repeat`` times, 3 by default), and prints the median times and their ranges as JSON, with
each input's parse floor: a fresh process that ``json.loads`` every line of every JSON Lines
file and ``json.load``s every JSON file it holds (and reads the rest), the faster of two runs
so that both it and the learns read the files from memory.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from children import child_env, compile_engram

from engram.datasets.synthetic import default_scenario, write_corpus, write_harbor_job

PARSE = """
import json, os, sys, time
started = time.perf_counter()
root = sys.argv[1]
paths = [root] if os.path.isfile(root) else [
    os.path.join(folder, name) for folder, _, names in os.walk(root) for name in names]
for path in paths:
    with open(path, "rb") as handle:
        if path.endswith(".jsonl"):
            for line in handle:
                if line.strip():
                    json.loads(line)
        elif path.endswith(".json"):
            json.load(handle)
        else:
            handle.read()
print(time.perf_counter() - started)
"""


def parse_seconds(target: Path) -> float:
    """The faster of two runs: the first may read the files from disk, the learns will not."""
    runs = [subprocess.run([sys.executable, "-c", PARSE, str(target)], capture_output=True,
                           text=True, check=True) for _ in range(2)]  # fmt: skip
    return min(float(done.stdout) for done in runs)


def learn_seconds(target: Path, store: Path, jobs: int) -> tuple[float, dict[str, object]]:
    env = child_env(store)
    (store / "engram.db").unlink(missing_ok=True)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "engram", "learn", str(target), "--json", "-q",
                           "--jobs", str(jobs)],
                          env=env, capture_output=True, text=True, check=False)  # fmt: skip
    return time.perf_counter() - started, json.loads(done.stdout)


def main() -> None:
    compile_engram()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=2_000)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--repeat", type=int, default=3, help="learns of each input and --jobs")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="engram-bench-harbor-"))
    scenario = default_scenario(args.trials, seed=5)
    job = workdir / "jobs" / "2026-01-01__00-00-00"
    if not job.exists():
        write_harbor_job(scenario, job)
    aggregated = workdir / "aggregated.json"
    if not aggregated.exists():
        write_corpus(scenario, aggregated)
    results = {
        name: timed_learns(target, workdir / f".engram-{name}", args.repeat)
        for name, target in (("harbor_job", job.parent), ("aggregated_json", aggregated))
    }
    print(json.dumps({**results, "cpu": os.cpu_count()}, indent=2))


def timed_learns(target: Path, store: Path, repeat: int) -> dict[str, Any]:
    """The parse floor of ``target``, and its learns with ``--jobs 1`` and ``2`` (``repeat``
    times each): median times, their ranges and their ratios to the floor."""
    parse = parse_seconds(target)
    results: dict[str, Any] = {"parse_floor_s": round(parse, 2)}
    for jobs in (1, 2):
        runs = [learn_seconds(target, store, jobs) for _ in range(repeat)]
        times = [seconds for seconds, _ in runs]
        seconds, summary = statistics.median(times), runs[-1][1]
        results[f"jobs_{jobs}"] = {
            "traces": summary["traces_read"],
            "learn_s": round(seconds, 2),
            "learn_s_range": [round(min(times), 2), round(max(times), 2)],
            "traces_per_s": round(summary["traces_read"] / seconds),
            "learn_over_parse": round(seconds / parse, 2),
            "skipped": summary["skipped"],
        }
    return results


if __name__ == "__main__":
    main()
