"""The environment the benchmarks run ``engram`` children in: as an installed engram runs.

An installed package's modules are compiled to bytecode when it is installed; a checkout's are
compiled by its first run and cached. Where ``PYTHONDONTWRITEBYTECODE`` is set (some CI and
container images set it) every child would instead compile engram's modules from source on
every start, a cost no installed engram pays, so it is dropped, and the checkout is compiled
once before anything is timed.
"""

from __future__ import annotations

import compileall
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child_env(store: Path) -> dict[str, str]:
    """The environment of an ``engram`` child using the SQLite store in ``store``."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONDONTWRITEBYTECODE", "ENGRAM_DATABASE_URL")}  # fmt: skip
    env.update(ENGRAM_DIR=str(store), ENGRAM_NO_PROGRESS="1")
    return env


def compile_engram() -> None:
    """Cache the bytecode of engram's modules, as installing it would."""
    for package in ("engram", "extractors"):
        compileall.compile_dir(ROOT / package, quiet=1)
