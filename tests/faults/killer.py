"""A learn that kills itself with SIGKILL just before its nth SQL statement starting with a
prefix, run in a child process forked from a server that has imported engram's learning
path already: each crash test then pays a fork, not a fresh interpreter's imports (about
two thirds of such a test's time). The child still dies as any killed learn does."""

from __future__ import annotations

import multiprocessing
import os
import signal
from functools import cache
from multiprocessing.context import ForkServerContext
from pathlib import Path
from typing import Any

#: What a learn imports on its way, imported once by the server.
PRELOAD = [
    "tests.faults.killer",
    "engram.learning.learner",
    "engram.loaders.aggregated",
    "engram.mining.miner",
    "engram.mining.linkage",
    "scipy.cluster.hierarchy",
    "extractors",
]


@cache
def _context() -> ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def learn_killed(prefix: str, nth: int, files: list[Path]) -> int | None:
    """The exit code of a child learning ``files`` into this test's store (as this process's
    working folder and environment name it) that kills itself at statement ``nth`` of
    ``prefix``: ``-SIGKILL`` if it got that far."""
    args = (prefix, nth, [str(f) for f in files], os.getcwd(), dict(os.environ))
    child = _context().Process(target=_learn_and_die, args=args)
    child.start()
    child.join(timeout=300)
    if child.is_alive():
        child.kill()
        child.join()
    return child.exitcode


def _learn_and_die(prefix: str, nth: int, files: list[str], cwd: str, env: dict[str, str]) -> None:
    # The server was started by an earlier test: take this test's folder and store.
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    import engram

    seen = [0]

    def kill(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith(prefix.upper()):
            seen[0] += 1
            if seen[0] == nth:
                os.kill(os.getpid(), signal.SIGKILL)

    event.listen(Engine, "before_cursor_execute", kill)
    engram.learn(files, batch_size=400)
