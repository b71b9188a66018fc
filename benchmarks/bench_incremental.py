"""Incremental learning: 1,000 new traces into a store of 100,000, against learning all
101,000 again into a fresh store. Each learn runs in a fresh process.

    python benchmarks/bench_incremental.py                          # 100,000 + 1,000
    python benchmarks/bench_incremental.py --base 20000 --new 500

Prints one JSON object: the three learns' wall times and peak RSS, and the incremental learn's
share of the full one (the target is at most 5%).
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

from engram.datasets.synthetic import default_scenario, write_corpus


def learn(paths: list[Path], store: Path) -> dict[str, float]:
    env = child_env(store)
    seconds, peak, stdout = peak_rss_mb(["learn", *map(str, paths), "-q", "--json"], env)
    summary = json.loads(stdout)
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(peak),
            "traces_new": summary["traces_new"], "rules_active": summary["rules_active"]}  # fmt: skip


def main() -> None:
    compile_engram()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=int, default=100_000)
    parser.add_argument("--new", type=int, default=1_000)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="engram-bench-incremental-"))
    base, new = workdir / f"base-{args.base}.json", workdir / f"new-{args.new}.json"
    if not base.exists():
        write_corpus(default_scenario(args.base, seed=21), base)
    if not new.exists():
        write_corpus(default_scenario(args.new, seed=22), new)
    for name in ("store-incremental", "store-full"):
        shutil.rmtree(workdir / name, ignore_errors=True)
    results: dict[str, object] = {"base": args.base, "new": args.new, "cpu": os.cpu_count()}
    results["learn_base"] = learn([base], workdir / "store-incremental")
    results["learn_new_into_base"] = learn([new], workdir / "store-incremental")
    results["learn_all_fresh"] = learn([base, new], workdir / "store-full")
    share = results["learn_new_into_base"]["seconds"] / results["learn_all_fresh"]["seconds"]  # type: ignore[index]
    results["incremental_share_of_full"] = round(share, 4)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
