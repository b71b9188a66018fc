"""``engram learn --watch``: runs are learned as they finish, each once, never half-written."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from engram.datasets.synthetic import default_scenario, write_harbor_job
from engram.learning.watch import Watched, watch
from engram.store import open_store


def staged_job(tmp_path: Path, trials: int) -> list[Path]:
    staging = tmp_path / "staging" / "2026-01-01__00-00-00"
    write_harbor_job(default_scenario(trials, seed=9), staging)
    return sorted(p for p in staging.iterdir() if p.is_dir())


def write_trials(trials: list[Path], job: Path, pause: float) -> threading.Thread:
    """Copy trials into ``job`` one by one, each result.json last, as Harbor finishes them."""

    def run() -> None:
        job.mkdir(parents=True, exist_ok=True)
        for trial in trials:
            target = job / trial.name
            shutil.copytree(trial, target, ignore=shutil.ignore_patterns("result.json"))
            time.sleep(pause)  # the trial is being written: no result yet
            shutil.copy(trial / "result.json", target / "result.json")

    writer = threading.Thread(target=run, daemon=True)
    writer.start()
    return writer


def test_trials_are_learned_as_they_finish_each_once(tmp_path: Path) -> None:
    trials = staged_job(tmp_path, 12)
    job = tmp_path / "jobs" / "2026-01-01__00-00-00"
    writer = write_trials(trials, job, pause=0.15)
    deadline = time.monotonic() + 120

    def stop(watched: Watched) -> bool:
        return (not writer.is_alive() and watched.runs_new == len(trials)) or (
            time.monotonic() > deadline
        )

    watched = watch(tmp_path / "jobs", interval=0.05, settle=0.1, stop=stop)
    assert watched.problems == [] and watched.skipped == 0  # nothing read half-way
    assert watched.runs_new == len(trials)
    learned = [path.name for round_ in watched.learned for path in round_]
    assert sorted(learned) == sorted(t.name for t in trials)  # each once
    assert watched.rounds > 1  # learned as they came, not all at the end
    with open_store() as store:
        assert store.count_traces() == len(trials)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_the_command_follows_a_folder_until_interrupted(tmp_path: Path, stop: int) -> None:
    trials = staged_job(tmp_path, 4)
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    watcher = subprocess.Popen([sys.executable, "-m", "engram", "learn", "--watch", str(jobs)],
                               cwd=tmp_path, stderr=subprocess.PIPE, text=True,
                               env=dict(os.environ), preexec_fn=_as_from_a_terminal)  # fmt: skip
    said: list[str] = []
    reader = threading.Thread(target=lambda: said.extend(iter(lambda: watcher.stderr.read(1), "")),
                              daemon=True)  # type: ignore[union-attr]  # fmt: skip
    reader.start()
    write_trials(trials, jobs / "2026-01-01__00-00-00", pause=0.1).join()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and f"{len(trials)} runs learned" not in "".join(said):
        time.sleep(0.2)  # the live line says when every run is in
    watcher.send_signal(stop)
    try:
        watcher.wait(timeout=30)
    finally:
        watcher.kill()
    reader.join(timeout=10)
    err = "".join(said)
    assert watcher.returncode == 0, err
    assert "watching" in err and f"{len(trials)} runs learned" in err and "stopped" in err
    with open_store() as store:
        assert store.count_traces() == len(trials)


def _as_from_a_terminal() -> None:
    """Ctrl-C as a terminal delivers it, even when the tests run as a background job (whose
    children start with SIGINT ignored, which engram respects)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_a_trials_file_listed_before_its_result_arrived_is_left_to_the_trial(tmp_path: Path) -> None:
    from engram.learning.watch import _inside_a_trial

    (trial,) = staged_job(tmp_path, 1)
    log = next(path for path in trial.rglob("*") if path.is_file() and path.name != "result.json")
    assert _inside_a_trial(log, tmp_path)  # its result is there: the trial reads it, not alone
    (trial / "result.json").unlink()
    assert _inside_a_trial(log, tmp_path)  # still being written
    plain = tmp_path / "notes__abcdefg"  # named like a trial, holding something else
    plain.mkdir()
    (plain / "result.json").write_text('{"score": 1}')
    assert not _inside_a_trial(plain / "traces.json", tmp_path)


@pytest.mark.parametrize("written", [0, 0.5], ids=["empty", "half"])
def test_a_trial_whose_result_is_half_written_is_still_being_written(
    tmp_path: Path, written: float
) -> None:
    from engram.learning.watch import _inside_a_trial
    from tests.loaders.builders import trial_folder

    trial = trial_folder(tmp_path / "jobs" / "job")
    result = (trial / "result.json").read_bytes()
    (trial / "result.json").write_bytes(result[: int(len(result) * written)])
    assert _inside_a_trial(trial / "config.json", tmp_path / "jobs")  # not a run of its own
    (trial / "result.json").write_bytes(result)
    assert _inside_a_trial(trial / "config.json", tmp_path / "jobs")  # read as the trial
