"""Learn throughput, peak memory and a cold ``engram suggest``, measured in fresh processes.

    python benchmarks/bench_learn.py                       # 20,000 traces, --jobs 1 and 2
    python benchmarks/bench_learn.py --traces 100000       # the suggest target: a 100k store
    python benchmarks/bench_learn.py --gigabytes 1         # the memory target: a 1 GB input
    python benchmarks/bench_learn.py --concurrent 8        # suggest while 8 learners write
    python benchmarks/bench_learn.py --database-url postgresql+psycopg://postgres@127.0.0.1/test
                                     [--concurrent 4]      # the same into PostgreSQL

Prints one JSON object: the input's size, the time ``json.load`` takes to merely parse it, and
for each ``--jobs`` value ``engram learn``'s wall time, traces/s, ratio to the parse time and
peak RSS (learns and parses run ``--repeat`` times, 3 by default: medians, and their ranges);
then the median wall times of a cold ``engram suggest`` process on the learned store
and of a cold first-prompt hook (``engram hooks run user-prompt-submit``, the guidance of the
past tasks most like a new prompt), and their ratios to the floor: a Python process that opens
the store with sqlite3 and runs one query.
With ``--concurrent N``, N learners write different corpora into one fresh store at once: their
wall time and throughput, and the wall times of cold ``engram suggest`` processes run one after
another meanwhile. With ``--database-url``, every store is a fresh schema in that PostgreSQL
database (dropped afterwards).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from children import child_env, compile_engram

from engram.datasets.synthetic import default_scenario, write_corpus

TRACE_BYTES = 5_500  # about the size of one generated trace, to size a corpus in gigabytes


def run(args: list[str], env: dict[str, str], stdin: str | None = None) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=True,
                          input=stdin)  # fmt: skip
    return time.perf_counter() - started, done.stdout


def parse_seconds(path: Path) -> float:
    """``json.load`` of the whole file, in a child so its memory is not ours."""
    code = (
        "import json,sys,time;t=time.perf_counter();json.load(open(sys.argv[1]));"
        "print(time.perf_counter()-t)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
    )
    return float(done.stdout)


def peak_rss_mb(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall time, peak RSS in MB (of the child or of its largest worker) and stdout of one
    ``engram`` child, measured by the child itself."""
    code = (
        "import resource,runpy,sys,time\n"
        "sys.argv=['engram',*sys.argv[1:]]\nt=time.perf_counter()\n"
        "try:\n    runpy.run_module('engram',run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "peak=max(resource.getrusage(w).ru_maxrss for w in "
        "(resource.RUSAGE_SELF,resource.RUSAGE_CHILDREN))/1024\n"
        "print('BENCH',time.perf_counter()-t,peak,file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True,
                          text=True, check=True)  # fmt: skip
    seconds, peak = done.stderr.strip().rsplit("BENCH", 1)[1].split()
    return float(seconds), float(peak), done.stdout


@contextmanager
def store_env(folder: Path, database_url: str | None) -> Iterator[dict[str, str]]:
    """The environment of an ``engram`` child writing a fresh store: a SQLite file in
    ``folder``, or a new schema of ``database_url``, dropped afterwards."""
    env = child_env(folder)
    if database_url is None:
        (folder / "engram.db").unlink(missing_ok=True)
        yield env
        return
    from sqlalchemy import create_engine

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in database_url else "?"
    env["ENGRAM_DATABASE_URL"] = f"{database_url}{separator}options=-csearch_path%3D{schema}"
    try:
        yield env
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def sqlite_floor(store: Path, runs: int) -> float:
    """Median wall time of a Python process that opens the store with sqlite3, one query."""
    code = (
        "import sqlite3,sys;c=sqlite3.connect(sys.argv[1]);"
        "c.execute('SELECT count(*) FROM rules').fetchone()"
    )
    return statistics.median(
        run([sys.executable, "-c", code, str(store / "engram.db")], {})[0] for _ in range(runs)
    )


def suggest_times(env: dict[str, str], runs: int) -> list[float]:
    command = [sys.executable, "-m", "engram", "suggest", "--category", "refactoring"]
    return [run(command, env)[0] for _ in range(runs)]


def prompt_hook_times(env: dict[str, str], runs: int) -> list[float]:
    """Cold ``engram hooks run user-prompt-submit`` processes, each a new session's first
    prompt of no known category: the guidance of the most similar past tasks."""
    command = [sys.executable, "-m", "engram", "hooks", "run", "user-prompt-submit"]
    prompt = "# Refactor the parser\n\nSplit the module in two; keep its behaviour."
    times = []
    for _ in range(runs):
        event = {"session_id": uuid.uuid4().hex, "prompt": prompt}
        seconds, output = run(command, env, json.dumps(event))
        if "additionalContext" not in output:
            raise SystemExit(f"the prompt hook gave no guidance: {output!r}")
        times.append(seconds)
    return times


def learn_benchmark(
    corpus: Path,
    workdir: Path,
    jobs: list[int],
    suggests: int,
    database_url: str | None,
    repeat: int = 3,
) -> dict[str, Any]:
    """Each learn ``repeat`` times into a fresh store, and ``json.load`` as often: medians,
    with the fastest and slowest beside them (this machine's speed drifts)."""
    results: dict[str, Any] = {"input_mb": round(corpus.stat().st_size / 1e6, 1)}
    if database_url:
        results["database"] = "postgresql"
    for n in jobs:
        store = workdir / f".engram-jobs{n}"
        times, peaks = [], []
        for attempt in range(repeat):
            with store_env(store, database_url) as env:
                seconds, peak, output = peak_rss_mb(
                    ["learn", str(corpus), "--json", "--quiet", "--jobs", str(n)], env
                )
                times.append(seconds)
                peaks.append(peak)
                if attempt == repeat - 1 and n == jobs[0]:  # guidance from the last store
                    results.update(_guidance_times(env, store, suggests, database_url))
        summary = json.loads(output)
        results["traces"] = summary["traces_read"]
        results["rules_active"] = summary["rules_active"]
        median = statistics.median(times)
        results[f"jobs_{n}"] = {
            "learn_s": round(median, 2),
            "learn_s_range": [round(min(times), 2), round(max(times), 2)],
            "traces_per_s": round(summary["traces_read"] / median),
            "peak_rss_mb": round(max(peaks)),
        }
    parses = [parse_seconds(corpus) for _ in range(repeat)]
    parse = statistics.median(parses)
    results["json_load_s"] = round(parse, 2)
    results["json_load_s_range"] = [round(min(parses), 2), round(max(parses), 2)]
    for n in jobs:
        results[f"jobs_{n}"]["learn_over_parse"] = round(results[f"jobs_{n}"]["learn_s"] / parse, 2)
    return results


def _guidance_times(
    env: dict[str, str], store: Path, suggests: int, database_url: str | None
) -> dict[str, Any]:
    """Cold ``suggest`` and first-prompt hook processes on a learned store, and their ratios
    to the sqlite3 floor (on SQLite)."""
    times = suggest_times(env, suggests)
    hook = statistics.median(prompt_hook_times(env, suggests))
    found: dict[str, Any] = {
        "suggest_cold_median_s": round(statistics.median(times), 3),
        "suggest_cold_max_s": round(max(times), 3),
        "prompt_hook_cold_median_s": round(hook, 3),
    }
    if database_url is None:
        floor = sqlite_floor(store, suggests)
        found["sqlite3_floor_s"] = round(floor, 3)
        found["suggest_over_floor"] = round(statistics.median(times) / floor, 1)
        found["prompt_hook_over_floor"] = round(hook / floor, 1)
    return found


def concurrent_benchmark(
    workdir: Path, learners: int, traces_each: int, database_url: str | None
) -> dict[str, Any]:
    """``learners`` learning at once into one store, and cold ``suggest`` processes run one
    after another meanwhile."""
    with store_env(workdir / ".engram-concurrent", database_url) as env:
        return _concurrent(workdir, learners, traces_each, env)


def _concurrent(
    workdir: Path, learners: int, traces_each: int, env: dict[str, str]
) -> dict[str, Any]:
    corpora = []
    for index in range(learners):
        path = workdir / f"part-{index}-{traces_each}.json"
        if not path.exists():
            write_corpus(default_scenario(traces_each, seed=100 + index), path)
        corpora.append(path)
    run([sys.executable, "-m", "engram", "learn", str(corpora[0]), "-q"], env)  # a first store
    started = time.perf_counter()
    children = [
        subprocess.Popen([sys.executable, "-m", "engram", "learn", str(path), "-q"], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for path in corpora[1:] + corpora[:1]
    ]  # fmt: skip
    times, cpu = [], []
    while any(child.poll() is None for child in children):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append(suggest_times(env, 1)[0])
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    failures = [child.stderr.read().decode() for child in children if child.wait() != 0]
    elapsed = time.perf_counter() - started
    times.sort()
    return {
        "learners": learners,
        "traces_each": traces_each,
        "all_learners_s": round(elapsed, 1),
        "all_learners_traces_per_s": round(learners * traces_each / elapsed),
        "learner_failures": failures,
        "suggests": len(times),
        "suggest_while_learning_median_s": round(statistics.median(times), 3),
        "suggest_while_learning_p95_s": round(times[int(0.95 * (len(times) - 1))], 3),
        "suggest_while_learning_max_s": round(times[-1], 3),
        # CPU the suggest process itself used: the rest of its wall time is waiting for a core
        "suggest_while_learning_cpu_median_s": round(statistics.median(cpu), 3),
    }


def main() -> None:
    compile_engram()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--traces", type=int, default=20_000)
    parser.add_argument("--gigabytes", type=float, help="size the input instead of --traces")
    parser.add_argument("--jobs", default="1,2", help="comma-separated --jobs values to time")
    parser.add_argument("--suggest-runs", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="learns per --jobs value")
    parser.add_argument("--concurrent", type=int, help="time suggest while N learners write")
    parser.add_argument("--traces-each", type=int, default=2_500)
    parser.add_argument("--workdir", type=Path, help="keep files here (default: a temp folder)")
    parser.add_argument("--database-url", help="learn into fresh schemas of this PostgreSQL")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="engram-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    if args.concurrent:
        result = concurrent_benchmark(
            workdir, args.concurrent, args.traces_each, args.database_url
        )
    else:
        traces = int(args.gigabytes * 1e9 / TRACE_BYTES) if args.gigabytes else args.traces
        corpus = workdir / f"traces-{traces}.json"
        if not corpus.exists():
            write_corpus(default_scenario(traces, seed=1), corpus)
        jobs = [int(n) for n in args.jobs.split(",")]
        result = learn_benchmark(corpus, workdir, jobs, args.suggest_runs, args.database_url,
                                 args.repeat)  # fmt: skip
    result["cpu"] = os.cpu_count()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
