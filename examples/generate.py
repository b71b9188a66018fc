"""Write the sample corpus, examples/traces.json, deterministically.

    python examples/generate.py            # 600 runs, seed 7
    python examples/generate.py --runs 5000 --seed 3 -o /tmp/big.json

Planted effects (what `engram learn` should find): the Sourcegraph MCP deep-search tool helps
cross-module bug fixes only; repeating a failing Edit hurts everywhere; running pytest helps
feature work only. Infrastructure errors come with WebFetch calls; TodoWrite, WebSearch, Task
and NotebookEdit are used at random and mean nothing. Failed runs end in one of six failure
modes, each printed the way its test runner prints it (pytest, Jest, go test, cargo test), with
random names, paths and numbers inside; each record's ``failure_mode`` names the truth.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from engram.synthetic import default_scenario, write_corpus

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=600)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("-o", "--output", type=Path, default=HERE / "traces.json")
    args = parser.parse_args()
    count = write_corpus(default_scenario(args.runs, args.seed), args.output)
    print(f"wrote {count} traces to {args.output}")


if __name__ == "__main__":
    main()
