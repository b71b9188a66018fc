"""Harbor trial and job folders: one trace per trial, the verifier's reward decides."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import engram
from engram.extract import default_extractors, extract_features
from engram.loaders import Problem, Reading, expand_paths, load_path, read_path
from engram.loaders.aggregated import to_trace as aggregated_trace
from engram.loaders.harbor import is_trial
from engram.loaders.records import Record
from engram.store import open_store
from engram.trace import Trace
from tests.loaders.builders import (
    INSTRUCTION,
    MODEL,
    aggregated_record,
    stream_events,
    trial_folder,
    write_lines,
)


def read(trial: Path) -> tuple[list[Trace], list[Problem]]:
    items = list(load_path(trial))
    return [i for i in items if isinstance(i, Trace)], [i for i in items if isinstance(i, Problem)]


def test_a_trial_is_one_trace_named_after_its_task(tmp_path: Path) -> None:
    task = tmp_path / "tasks" / "fix-flaky-cache"
    task.mkdir(parents=True)
    (task / "instruction.md").write_text(INSTRUCTION)
    (trace,), problems = read(trial_folder(tmp_path / "job", task_dir=task))
    assert problems == []
    assert (trace.task.id, trace.run_id) == ("fix-flaky-cache", "fix-flaky-cache__Ab3dE5f")
    assert (trace.task.category, trace.task.difficulty) == ("bug_fix", "easy")
    assert (trace.agent.name, trace.agent.model) == ("ClaudeCodeAgent", MODEL)
    assert (trace.outcome.status, trace.outcome.reward) == ("pass", 1.0)
    assert trace.changes.files == ("src/cache.py",)
    assert trace.metrics.duration_s == 42.0 and trace.metrics.cache_tokens == 1000


def test_the_verifiers_reward_overrules_the_agents_own_success(tmp_path: Path) -> None:
    (trace,), _ = read(trial_folder(tmp_path, reward=0.0))
    assert (trace.outcome.status, trace.outcome.failure_class) == ("fail", "tests_failed")
    (partial,), _ = read(trial_folder(tmp_path, name="t__Zz9yX8w", reward=0.42))
    assert (partial.outcome.status, partial.outcome.reward) == ("partial", 0.42)


@pytest.mark.parametrize(
    ("exception", "reward", "status", "failure"),
    [
        (("EnvironmentStartTimeoutError", "sandbox did not start"), None, "error", "infrastructure"),
        (("AgentSetupTimeoutError", "setup timed out after 360s"), None, "error", "infrastructure"),
        (("RuntimeError", "Docker compose command failed"), None, "error", "infrastructure"),
        (("RewardFileNotFoundError", "no reward file"), None, "error", "verifier"),
        (("AgentTimeoutError", "Agent execution timed out"), 0.0, "fail", "budget"),
        (("AgentTimeoutError", "Agent execution timed out"), None, "fail", "budget"),
    ],
)  # fmt: skip
def test_harbor_exceptions_become_failure_classes(
    tmp_path: Path, exception: tuple[str, str], reward: float | None, status: str, failure: str
) -> None:
    (trace,), _ = read(trial_folder(tmp_path, reward=reward, exception=exception))
    assert (trace.outcome.status, trace.outcome.failure_class) == (status, failure)


def test_a_reward_file_stands_in_when_result_json_has_none(tmp_path: Path) -> None:
    (trace,), _ = read(trial_folder(tmp_path, reward=None, reward_file="0.5\n"))
    assert trace.outcome.reward == 0.5 and trace.outcome.status == "partial"


def test_damaged_trials_say_what_is_wrong(tmp_path: Path) -> None:
    traces, problems = read(trial_folder(tmp_path, name="a__1111111", reward=None,
                                         reward_file="not a number"))  # fmt: skip
    assert "must be a number" in problems[0].message and len(traces) == 1
    traces, problems = read(trial_folder(tmp_path, name="b__2222222", with_result=False))
    assert traces == [] and "result.json is missing" in problems[0].message
    broken = trial_folder(tmp_path, name="c__3333333")
    (broken / "result.json").write_text('{"task_name": "c", "trial_name": ')
    traces, problems = read(broken)
    assert traces == [] and "not valid JSON" in problems[0].message


def test_a_job_folder_learns_every_trial_and_skips_what_it_cannot_read(tmp_path: Path) -> None:
    job = tmp_path / "jobs" / "2026-01-01__00-00-00"
    job.mkdir(parents=True)
    (job / "config.json").write_text(json.dumps({"job_name": job.name}))
    (job / "result.json").write_text(json.dumps({"stats": {}}))
    trial_folder(job, name="one__1111111", reward=1.0)
    trial_folder(job, name="two__2222222", reward=0.0)
    damaged = trial_folder(job, name="three__3333333", with_result=False)
    (damaged / "agent" / "core").write_bytes(bytes(range(256)) * 50)  # a binary file
    trial_folder(job, name="four__4444444", reward=None, reward_file="NaN?")
    assert [p.name for p in expand_paths([tmp_path / "jobs"])] == [
        "four__4444444", "one__1111111", "three__3333333", "two__2222222"]  # fmt: skip
    summary = engram.learn([tmp_path / "jobs"])
    assert summary.traces_new == 3 and len(summary.problems) == 2
    with open_store() as store:
        assert store.count_traces(job=job.name) == 3


def test_the_same_run_reads_the_same_from_every_format(tmp_path: Path) -> None:
    """A Harbor trial, its Claude Code stream, and the seed's aggregated JSON of one run."""
    task = tmp_path / "tasks" / "fix-flaky-cache"
    task.mkdir(parents=True)
    (task / "instruction.md").write_text(INSTRUCTION)
    (from_trial,), _ = read(trial_folder(tmp_path, task_dir=task))
    from_aggregated = aggregated_trace(Record("record 1", aggregated_record(), {}))
    (from_stream,) = [t for t in load_path(write_lines(tmp_path / "r.jsonl", stream_events()))
                      if isinstance(t, Trace)]  # fmt: skip
    extractors = default_extractors()
    behaviour = {
        name: {f for f in extract_features(t, extractors) if not f.startswith(("agent:", "changes:"))}
        for name, t in (("trial", from_trial), ("aggregated", from_aggregated),
                        ("stream", from_stream))
    }  # fmt: skip
    assert behaviour["trial"] == behaviour["aggregated"]
    context = {"category:bug_fix", "difficulty:easy", "repo:acme"}
    # the stream alone has no verifier: the same behaviour, but nothing judged it
    assert behaviour["stream"] - context - {"outcome:unmeasured"} == (
        behaviour["trial"] - context - {"outcome:pass"}
    )
    assert from_stream.outcome.status == "unmeasured" and from_trial.outcome.status == "pass"
    assert extract_features(from_trial, extractors) == extract_features(from_aggregated, extractors)
    assert from_trial.outcome == from_aggregated.outcome


def test_a_multi_step_trial_is_one_run_judged_by_its_last_step(tmp_path: Path) -> None:
    trial = trial_folder(tmp_path, reward=None)
    events = stream_events()
    for index, name in enumerate(["1-explore", "2-fix"]):
        step = trial / "steps" / name
        (step / "agent").mkdir(parents=True)
        (step / "verifier").mkdir()
        write_lines(step / "agent" / "claude-code.txt", events[: 5 if index == 0 else None])
        (step / "verifier" / "reward.txt").write_text("0" if index == 0 else "1")
    (trace,), problems = read(trial)
    assert problems == []
    assert trace.outcome.reward == 1.0 and len(trace.steps) == 4


PYTEST_OUTPUT = (
    "=========================== short test summary info ============================\n"
    "FAILED tests/test_cache.py::test_expiry - AssertionError: expected 3 entries, got 4\n"
    "ERROR tests/test_store.py - ModuleNotFoundError: No module named 'cache.store'\n"
    "========================= 1 failed, 1 error in 0.31s ==========================\n"
)


def test_the_verifiers_test_output_names_what_failed(tmp_path: Path) -> None:
    trial = trial_folder(tmp_path, reward=0.0)
    (trial / "verifier" / "test-stdout.txt").write_text(PYTEST_OUTPUT)
    (trace,), problems = read(trial)
    assert problems == []
    assert [(f.source, f.test, f.kind) for f in trace.failures] == [
        ("test", "tests/test_cache.py::test_expiry", "assertion"),
        ("test", None, "import"),
    ]
    record = {**aggregated_record(reward=0.0, status="fail"), "test_output": PYTEST_OUTPUT}
    same = aggregated_trace(Record("record 1", record, {}))
    assert same.failures == trace.failures


def test_a_broken_trial_leads_with_its_exception(tmp_path: Path) -> None:
    trial = trial_folder(tmp_path, reward=None,
                         exception=("RuntimeError", "Docker compose command failed"))  # fmt: skip
    (trial / "verifier" / "test-stdout.txt").write_text(PYTEST_OUTPUT)
    (trace,), _ = read(trial)
    assert trace.outcome.failure_class == "infrastructure"
    assert trace.failures[0].message == "RuntimeError: Docker compose command failed"


# ---------------------------------------------------------------- Harbor's newer trial layout

JOB = Path(__file__).parent / "fixtures" / "harbor" / "2026-01-12__09-30-00"


def test_a_jobs_own_config_and_result_are_known_and_its_trials_found() -> None:
    found = list(expand_paths([JOB.parent]))
    assert found == [JOB / "csv-header__Pq3Rs4t", JOB / "fix-stock-report__Xy7Qa2b"]
    (reading,) = list(read_path(JOB / "result.json"))
    assert isinstance(reading, Reading) and reading.companion and reading.format == "harbor"
    assert not is_trial(JOB)


def test_the_ctrf_report_names_the_failing_tests_once(tmp_path: Path) -> None:
    (trace,), problems = read(JOB / "csv-header__Pq3Rs4t")
    assert problems == []
    assert (trace.outcome.status, trace.outcome.failure_class) == ("fail", "tests_failed")
    assert [(f.source, f.kind, f.test) for f in trace.failures] == [
        ("test", "assertion", "test_outputs.py::test_header_row")]  # fmt: skip
    assert trace.failures[0].message == "AssertionError: assert 'id,name,qty' == 'a1,bolt,3'"


def test_an_atif_trial_has_its_tools_steps_and_sub_agent(tmp_path: Path) -> None:
    (trace,), _ = read(JOB / "csv-header__Pq3Rs4t")
    assert (trace.agent.name, trace.agent.model) == ("terminus-2", "claude-sonnet-4-5")
    assert trace.agent.tools == ("bash_command", "Task", "mark_task_complete")
    assert [(s.tool, s.parent, s.is_error) for s in trace.steps][1:3] == [
        ("Task", None, False), ("bash_command", "call_1_1", True)]  # fmt: skip
    assert trace.task.instruction.startswith("The stock report")


def test_a_broken_ctrf_report_is_a_warning_and_the_tests_output_is_read(tmp_path: Path) -> None:
    trial = trial_folder(tmp_path, reward=0.0)
    (trial / "verifier" / "ctrf.json").write_text('{"results": {"tests": ')
    (trial / "verifier" / "test-stdout.txt").write_text(
        "FAILED tests/test_cache.py::test_hit - AssertionError: assert 1 == 2\n1 failed in 0.1s\n"
    )
    (trace,), (problem,) = read(trial)
    assert problem.warning and problem.label == "verifier/ctrf.json"
    assert [f.test for f in trace.failures] == ["tests/test_cache.py::test_hit"]


def test_a_log_too_long_to_read_at_once_is_read_line_by_line_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engram.loaders import files

    trial = trial_folder(tmp_path)
    log = trial / "agent" / "claude-code.txt"
    log.write_text(log.read_text() + '\nnot an event\n{"type":\r\n{broken\n')
    short = read(trial)
    monkeypatch.setattr(files, "LOG_AT_ONCE", 64)  # shorter than the log
    long = read(trial)
    assert long == short  # the same trace, and the same messages, to the column
    assert short[0][0].steps and [p.message.count("invalid event") for p in short[1]] == [1, 1]


def test_a_folder_that_can_be_entered_but_not_listed_is_asked_file_by_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    trial = trial_folder(tmp_path, reward=None, reward_file="0.25")
    verifier = str(trial / "verifier")
    listing = os.scandir

    def scandir(path: Any) -> Any:
        if str(path) == verifier:
            raise PermissionError(13, "Permission denied", verifier)
        return listing(path)

    monkeypatch.setattr(os, "scandir", scandir)
    (trace,), problems = read(trial)
    assert problems == [] and (trace.outcome.status, trace.outcome.reward) == ("partial", 0.25)
