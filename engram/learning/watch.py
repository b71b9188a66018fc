"""``engram learn --watch DIR``: learn runs as they finish, each once, until interrupted.

Every ``interval`` seconds the folder is looked through as ``engram learn DIR`` would. A run
is learned once it is complete: a Harbor trial once its ``result.json`` is there and reads as
JSON (its own files are not read on their own meanwhile), any other trace file once it has not
changed for ``settle`` seconds; what was learned is
read again only if it changes (a growing JSON Lines file), and the store keeps each run once
whatever is read twice.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engram.learning.learner import LearnSummary, learn

Signature = tuple[int, int]  # size and modification time (ns) of what stands for a run


@dataclass(slots=True)
class Watched:
    """What the watcher has done so far."""

    rounds: int = 0  # learns run
    runs_new: int = 0
    runs_known: int = 0
    skipped: int = 0  # records or files skipped by the learns
    problems: list[str] = field(default_factory=list)  # what was skipped, and why
    learned: list[list[Path]] = field(default_factory=list)  # what each learn read


def watch(
    folder: Path,
    *,
    interval: float = 2.0,
    settle: float = 2.0,
    stop: Callable[[Watched], bool] = lambda _: False,
    on_round: Callable[[Watched, LearnSummary], None] | None = None,
    **learn_options: Any,
) -> Watched:
    """Learn the runs under ``folder`` as they complete, until ``stop`` says so (or Ctrl-C);
    ``learn_options`` go to every learn (``tags``, ``settings``, ``jobs``…)."""
    from engram.loaders import expand_paths

    done: dict[Path, Signature] = {}
    watched = Watched()
    while not stop(watched):
        now = time.time_ns()
        ready = []
        for item in expand_paths([folder]):
            if not isinstance(item, Path) or _inside_a_trial(item, folder):
                continue  # nothing there yet, or a trial's own files before its result
            signature = _complete(item, now, settle)
            if signature is not None and done.get(item) != signature:
                ready.append((item, signature))
        if ready:
            summary = learn([item for item, _ in ready], **learn_options)
            watched.rounds += 1
            watched.runs_new += summary.traces_new
            watched.runs_known += summary.traces_known
            watched.skipped += len(summary.problems)
            watched.problems.extend(str(problem) for problem in summary.problems)
            watched.learned.append([item for item, _ in ready])
            done.update(ready)
            if on_round is not None:
                on_round(watched, summary)
            continue  # look again at once: more may have finished meanwhile
        until = time.monotonic() + interval
        while time.monotonic() < until and not stop(watched):  # a stop is heard within 0.2 s
            time.sleep(min(0.2, interval))
    return watched


_TRIAL_NAME = re.compile(r".+__[A-Za-z0-9]{7}")  # Harbor names a trial <task>__<suffix>


def _inside_a_trial(item: Path, root: Path) -> bool:
    """Whether ``item`` is a file of a Harbor trial (a folder named as a trial, or holding
    ``agent/`` or ``verifier/``): one still being written, with no ``result.json`` yet, or one
    whose result arrived after the folder was looked through, or is still being written; each
    is read as the trial, once its result is there. The name tells from the first moment,
    before any folder in it."""
    from engram.loaders.harbor import is_trial

    for folder in item.parents:
        if folder == root or root not in folder.parents:
            return False
        looks = _TRIAL_NAME.fullmatch(folder.name) or any(
            (folder / part).is_dir() for part in ("agent", "verifier")
        )
        result = folder / "result.json"
        if looks and (not result.exists() or is_trial(folder) or _being_written(result)):
            return True
    return False


def _being_written(result: Path) -> bool:
    """Whether a trial's ``result.json`` is still being written (not yet whole JSON): until it
    is, its folder's other files are not runs of their own."""
    try:
        json.loads(result.read_bytes())
    except (OSError, ValueError):
        return True
    return False


def _complete(item: Path, now: int, settle: float) -> Signature | None:
    """The signature of a run that is complete, or None while it is still being written."""
    marker = item / "result.json" if item.is_dir() else item
    try:
        stat = marker.stat()
    except OSError:
        return None
    if now - stat.st_mtime_ns < settle * 1e9:
        return None
    if item.is_dir() and _being_written(marker):
        return None
    return stat.st_size, stat.st_mtime_ns
