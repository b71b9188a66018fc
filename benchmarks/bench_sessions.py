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
import tempfile
from pathlib import Path

from bench_harbor import timed_learns
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
    results = {"sessions": args.sessions,
               **timed_learns(projects, workdir / ".engram-sessions", args.repeat)}  # fmt: skip
    print(json.dumps({**results, "cpu": os.cpu_count()}, indent=2))


if __name__ == "__main__":
    main()
