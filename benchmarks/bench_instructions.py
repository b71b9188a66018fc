"""Instructions a learn executes, counted by valgrind: a figure that does not drift.

    python benchmarks/bench_instructions.py                  # 1,000 generated traces
    python benchmarks/bench_instructions.py --traces 300     # quicker

Wall times on a shared machine drift by a fifth within minutes, more than most changes to the
code move them. Valgrind's callgrind counts the instructions a process executes instead: the
same for the same code, input and environment, whatever else the machine does. Run this on two
checkouts (``PYTHONPATH=…``) to compare them. It prints one JSON object: the instructions of an
in-process ``engram.learn`` of the corpus into a fresh SQLite store, of a process that merely
imports what a learn imports, and the difference per trace. Valgrind runs code ~50× slower:
1,000 traces take a few minutes.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from children import child_env, compile_engram

from engram.datasets.synthetic import default_scenario, write_corpus

IMPORTS = "import engram.learning.learner, engram.mining.miner, engram.playbook.feedback"
LEARN = "import sys, engram; engram.learn([sys.argv[1]])"


def instructions(code: str, args: list[str], store: Path, out: Path) -> int:
    """Instructions of ``python -c code args…`` under callgrind."""
    shutil.rmtree(store, ignore_errors=True)
    store.mkdir(parents=True)
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
         sys.executable, "-c", code, *args],
        env=child_env(store), capture_output=True, text=True, check=True,
    )  # fmt: skip
    found = re.search(r"Collected\s*:\s*([\d,]+)", done.stderr)
    if found is None:
        raise SystemExit(f"valgrind said no count:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    compile_engram()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--traces", type=int, default=1_000)
    parser.add_argument("--workdir", type=Path, help="keep files here (default: a temp folder)")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="engram-bench-instructions-"))
    corpus = workdir / f"traces-{args.traces}.json"
    if not corpus.exists():
        write_corpus(default_scenario(args.traces, seed=1), corpus)
    store, out = workdir / ".engram", workdir / "callgrind.out"
    learn = instructions(LEARN, [str(corpus)], store, out)
    imports = instructions(IMPORTS, [], store, out)
    print(json.dumps({
        "traces": args.traces,
        "learn_instructions": learn,
        "import_instructions": imports,
        "per_trace": round((learn - imports) / args.traces),
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
