"""``engram aggregate``: a Harbor job as the seed's aggregated JSON, with transcripts."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from engram.cli import app
from engram.extract import default_extractors, extract_features
from engram.loaders import load_file, load_path
from engram.trace import Trace
from tests.loaders.builders import INSTRUCTION, stream_events, trial_folder


def job(tmp_path: Path) -> Path:
    folder = tmp_path / "jobs" / "2026-01-01__00-00-00"
    folder.mkdir(parents=True)
    (folder / "config.json").write_text("{}")
    (folder / "result.json").write_text("{}")
    task = tmp_path / "task"
    task.mkdir()
    (task / "instruction.md").write_text(
        INSTRUCTION + "Use token ghp_abcdefghijklmnopqrstuvwxyz0123456789\n"
    )
    trial_folder(folder, name="fix-cache__1111111", reward=1.0, task_dir=task)
    trial_folder(folder, name="fix-cache__2222222", reward=0.0, task_dir=task)
    trial_folder(folder, name="other-task__3333333", reward=None, task_dir=task,
                 exception=("RuntimeError", "Docker compose command failed"))  # fmt: skip
    (folder / "fix-cache__2222222" / "verifier" / "test-stdout.txt").write_text("FAILED test_a")
    return folder


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_aggregate_writes_every_trial_with_its_transcript_and_a_summary(tmp_path: Path) -> None:
    folder = job(tmp_path)
    code, out, err = run("aggregate", "--job-dir", str(folder))
    assert code == 0 and "3 trials: 1 passed, 1 failed, 1 errors" in err
    document = json.loads(out)
    assert document["job_dir"] == str(folder)
    assert document["summary"] == {"total": 3, "passed": 1, "failed": 1, "errors": 1,
                                   "success_rate": 0.5}  # fmt: skip
    first, second, third = document["traces"]
    assert (first["task_id"], first["status"], first["test_reward"]) == (
        "fix-cache__1111111",
        "pass",
        1.0,
    )
    assert first["transcript"] == stream_events() and first["code_changes"].startswith("diff --git")
    assert first["agent_response"]["type"] == "result"
    assert second["test_output"] == "FAILED test_a"
    assert third["status"] == "error" and "Docker compose" in third["error"]
    assert "ghp_" not in out and "[REDACTED]" in first["task_instruction"]


def test_aggregate_keeps_one_task_and_writes_a_file(tmp_path: Path) -> None:
    output = tmp_path / "out.json"
    code, _, _ = run("aggregate", "--job-dir", str(job(tmp_path)), "--task", "fix-cache",
                     "-o", str(output))  # fmt: skip
    assert code == 0
    assert [t["task_id"] for t in json.loads(output.read_text())["traces"]] == [
        "fix-cache__1111111", "fix-cache__2222222"]  # fmt: skip


def test_the_aggregated_file_learns_the_same_as_the_job(tmp_path: Path) -> None:
    folder = job(tmp_path)
    output = tmp_path / "out.json"
    run("aggregate", "--job-dir", str(folder), "-o", str(output))
    extractors = default_extractors()
    direct = sorted(
        (t.run_id, t.outcome.status, sorted(extract_features(t, extractors)))
        for trial in sorted(folder.iterdir()) if trial.is_dir()
        for t in load_path(trial) if isinstance(t, Trace)
    )  # fmt: skip
    again = sorted(
        (t.run_id, t.outcome.status, sorted(extract_features(t, extractors)))
        for t in load_file(output) if isinstance(t, Trace)
    )  # fmt: skip
    assert direct == again


def test_aggregate_refuses_what_is_not_a_folder(tmp_path: Path) -> None:
    code, _, err = run("aggregate", "--job-dir", str(tmp_path / "nope"))
    assert code == 1 and "is not a folder" in err


def test_what_aggregate_writes_learns_whatever_the_number_of_trials(tmp_path: Path) -> None:
    folder = job(tmp_path)
    for task, expected in (("other-task", 1), ("fix-cache", 2), ("no-such-task", 0)):
        output = tmp_path / f"{task}.json"
        assert run("aggregate", "--job-dir", str(folder), "--task", task, "-o", str(output))[0] == 0
        read = list(load_file(output))
        assert all(isinstance(t, Trace) for t in read), read
        assert len(read) == expected, task


def test_a_jsonl_file_whose_first_line_is_broken_is_still_read_as_lines(tmp_path: Path) -> None:
    good = {"task_id": "t-1", "task_instruction": "Category: docs", "status": "pass"}
    path = tmp_path / "runs.jsonl"
    path.write_text('{"task_id": "t-0", "sta\n' + json.dumps(good) + "\n")
    read = list(load_file(path))
    assert [type(item).__name__ for item in read] == ["Problem", "Trace"]
