"""Run the README tour's commands in a fresh folder and write their real output into it.

    python examples/readme_tour.py          # rewrites README.md in place
    python examples/readme_tour.py --check  # exits 1 if the README's outputs are not current

Every fenced block whose lines start with ``$ `` is a tour step: its commands run in order, in
one folder (with the examples copied in), and the output after each command replaces what the
README shows. A block that ends with a line ``…`` keeps only as many lines as it showed. Times,
dates and the folder's path are written as the README shows them, so reruns compare equal.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"```\n(\$ .*?)\n```", re.S)
SHOWN_DIR = "/tmp/tour"
_VARYING = [
    (re.compile(r"\(\d+\.\ds, store"), "(1.3s, store"),
    (re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d"), "2026-11-24 19:32"),
]


def run_tour(readme: str, folder: Path) -> str:
    shutil.copytree(ROOT / "examples", folder / "examples")
    env = {**os.environ, "ENGRAM_NO_PROGRESS": "1", "COLUMNS": "200", "PYTHONUNBUFFERED": "1"}
    env.pop("ENGRAM_DIR", None)
    env.pop("ENGRAM_DATABASE_URL", None)

    def replace(match: re.Match[str]) -> str:
        lines = match.group(1).split("\n")
        commands = [i for i, line in enumerate(lines) if line.startswith("$ ")]
        out: list[str] = []
        for number, index in enumerate(commands):
            end = commands[number + 1] if number + 1 < len(commands) else len(lines)
            shown = lines[index + 1 : end]
            command = lines[index][2:]
            done = subprocess.run(command, shell=True, cwd=folder, env=env, text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip
            text = done.stdout.rstrip("\n")
            text = text.replace(str(folder), SHOWN_DIR)
            for pattern, fixed in _VARYING:
                text = pattern.sub(fixed, text)
            got = text.split("\n") if text else []
            if shown and shown[-1].strip() == "…":
                got = [*got[: len(shown) - 1], shown[-1]] if len(got) >= len(shown) else got
            out.extend([lines[index], *got])
        return "```\n" + "\n".join(out) + "\n```"

    return BLOCK.sub(replace, readme)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    readme = (ROOT / "README.md").read_text()
    with tempfile.TemporaryDirectory() as folder:
        updated = run_tour(readme, Path(folder))
    if args.check:
        sys.exit(0 if updated == readme else 1)
    (ROOT / "README.md").write_text(updated)


if __name__ == "__main__":
    main()
