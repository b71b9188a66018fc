"""Learn throughput from a folder of Claude Code session logs, as ``~/.claude/projects/`` holds.

    python benchmarks/bench_sessions.py                   # 2,000 sessions
    python benchmarks/bench_sessions.py --sessions 10000

Writes the generated runs' conversations as session logs (one ``<session>.jsonl`` each, in a
few project folders, opening with the records newer Claude Code writes first), learns the
folder into a fresh store in a fresh process (``--jobs 1`` and ``2``, each ``--repeat`` times,
3 by default), and prints the median times and their ranges as JSON, with the parse floor: a
fresh process that ``json.loads`` every line of every log, the faster of two runs so that it
reads the files from memory as the learns do.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
from pathlib import Path

from bench_harbor import learn_seconds, parse_seconds
from children import compile_engram

from engram.datasets.synthetic import default_scenario, write_session_logs


def main() -> None:
    compile_engram()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=2_000)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--repeat", type=int, default=3, help="learns of each --jobs value")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="engram-bench-sessions-"))
    projects = workdir / f"projects-{args.sessions}"
    if not projects.exists():
        write_session_logs(default_scenario(args.sessions, seed=11), projects)
    parse = parse_seconds(projects)
    results: dict[str, object] = {"sessions": args.sessions, "parse_floor_s": round(parse, 2)}
    for jobs in (1, 2):
        runs = [learn_seconds(projects, workdir / ".engram-sessions", jobs)
                for _ in range(args.repeat)]  # fmt: skip
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
    print(json.dumps({**results, "cpu": os.cpu_count()}, indent=2))


if __name__ == "__main__":
    main()
