"""Time and peak memory of ``engram failures``, ``engram compare`` and ``engram report`` on a
large store, each in a fresh process (as a user runs them).

    python benchmarks/bench_analysis.py                    # 20,000 traces
    python benchmarks/bench_analysis.py --traces 100000

Learns a generated corpus (six planted failure modes, two agents) into a fresh SQLite store, then
prints one JSON object with each command's wall time and peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
from pathlib import Path

from bench_learn import peak_rss_mb
from children import child_env, compile_engram

from engram.datasets.synthetic import BASELINE_AGENT, MCP_AGENT, default_scenario, write_corpus

COMMANDS = {
    "learn": ["learn", "{corpus}", "-q", "--json"],
    "failures": ["failures", "--format", "json"],
    "compare": ["compare", "--baseline", f"agent={BASELINE_AGENT}",
                "--treatment", f"agent={MCP_AGENT}", "--by", "category", "--format", "json"],
    "report": ["report", "-o", "{workdir}/report.html"],
}  # fmt: skip


def main() -> None:
    compile_engram()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--traces", type=int, default=20_000)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="engram-bench-analysis-"))
    corpus = workdir / f"traces-{args.traces}.json"
    if not corpus.exists():
        write_corpus(default_scenario(args.traces, seed=9), corpus)
    store = workdir / ".engram"
    shutil.rmtree(store, ignore_errors=True)  # learn into a fresh store every time
    env = child_env(store)
    results: dict[str, object] = {"traces": args.traces, "cpu": os.cpu_count()}
    for name, template in COMMANDS.items():
        command = [part.format(corpus=corpus, workdir=workdir) for part in template]
        seconds, peak, stdout = peak_rss_mb(command, env)
        entry: dict[str, object] = {"seconds": round(seconds, 2), "peak_rss_mb": round(peak)}
        if name == "failures":
            data = json.loads(stdout)
            entry["clusters"] = len(data["clusters"])
            entry["failed_runs"] = data["failed"]
        if name == "report":
            entry["html_kb"] = round((workdir / "report.html").stat().st_size / 1024)
        results[name] = entry
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
