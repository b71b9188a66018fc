"""``engram capture``: the outcome of an interactive session, told by a person or by a check.

A Claude Code session has no verifier, so it is stored unmeasured: it feeds tool statistics,
never pass rates. ``capture`` gives the latest (or a named) session its outcome, ``pass`` or
``fail``, or runs a check command (the test suite, say) and takes its exit status, then mines
again: the run now counts like any measured one.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass

from engram.errors import EngramError, os_errors
from engram.loaders.claude_code import AGENT_NAME


@dataclass(frozen=True, slots=True)
class Captured:
    trace_id: str
    run_id: str | None
    status: str
    command_exit: int | None  # the check command's exit status, if one ran


def capture(
    outcome: str | None = None, *, session: str | None = None, command: Sequence[str] = ()
) -> Captured:
    """Record ``outcome`` (or the exit status of ``command``: 0 passes) for ``session``, else
    for the newest unmeasured Claude Code session, and mine again."""
    from engram.learning.learner import learn
    from engram.store import open_store

    if (outcome is None) == (not command):
        raise EngramError("give an outcome (--outcome pass|fail) or a check command, not both")
    exit_status = None
    if command:
        with os_errors("run", command[0]):
            exit_status = subprocess.run(list(command), check=False).returncode
        outcome = "pass" if exit_status == 0 else "fail"
    if outcome not in ("pass", "fail"):
        raise EngramError(f"{outcome!r} is not an outcome", hint="pass or fail")
    with open_store() as store:
        trace_id, run_id = store.record_outcome(outcome, run_id=session,
                                                agent=None if session else AGENT_NAME)  # fmt: skip
        learn([], store=store, remine=True)
    return Captured(trace_id, run_id, outcome, exit_status)
