"""Write the sample corpus, examples/traces.json, deterministically.

    python examples/generate.py            # 600 runs, seed 7
    python examples/generate.py --runs 5000 --seed 3 -o /tmp/big.json

Planted effects (what `engram learn` should find): the Sourcegraph MCP deep-search tool helps
cross-module bug fixes only; repeating a failing Edit hurts everywhere; running pytest helps
feature work only. Infrastructure errors come with WebFetch calls; TodoWrite, WebSearch, Task
and NotebookEdit are used at random and mean nothing. Failed runs end in one of six failure
modes, each printed the way its test runner prints it (pytest, Jest, go test, cargo test), with
random names, paths and numbers inside; each record's ``failure_mode`` names the truth.

Also writes ``pilot/baseline.json`` and ``pilot/mcp.json``: the seed's pilot, ten tasks run by a
baseline agent (one failure, one Docker TLS error) and an MCP agent (all passed).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from engram.datasets.synthetic import default_scenario, seed_pilot_records, write_corpus

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=600)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("-o", "--output", type=Path, default=HERE / "traces.json")
    args = parser.parse_args()
    count = write_corpus(default_scenario(args.runs, args.seed), args.output)
    print(f"wrote {count} traces to {args.output}")
    for side, records in seed_pilot_records().items():  # the seed's 10-task pilot, both sides
        path = HERE / "pilot" / f"{side}.json"
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps({"job_dir": f"jobs/pilot-{side}", "traces": records}, indent=1))
        print(f"wrote {len(records)} traces to {path}")


if __name__ == "__main__":
    main()
