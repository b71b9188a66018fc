"""Terminal-Bench 1.0 runs: one trace per trial, agent and model from run_metadata.json."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from engram.loaders import Problem, Reading, expand_paths, load_path, read_path
from engram.trace import Trace
from tests.loaders.builders import terminal_bench_run

RUN = Path(__file__).parent / "fixtures" / "terminal_bench" / "2026-01-20__14-02-11"


def traces_of(path: Path) -> list[Trace]:
    return [item for item in load_path(path) if isinstance(item, Trace)]


def by_task(path: Path) -> dict[str | None, Trace]:
    return {trace.task.id: trace for trace in traces_of(path)}


def test_a_run_folder_is_read_once_through_its_results() -> None:
    found = list(expand_paths([RUN.parent]))
    assert found == [RUN / "results.json"]  # not the trial's own results.json, panes or logs
    traces = traces_of(found[0])
    assert len(traces) == 8 and len({t.trace_id for t in traces}) == 8
    first = traces[0]
    assert (first.agent.name, first.agent.model) == ("terminus", "claude-sonnet-4-20250514")
    assert (first.run_id, first.job) == ("hello-world.1-of-1.2026-01-20__14-02-11", RUN.name)
    assert first.tags == ("terminal-bench-core@0.1.1",)
    assert first.task.instruction.startswith("Task hello-world")
    assert (first.metrics.input_tokens, first.metrics.duration_s) == (2210, 40.0)


@pytest.mark.parametrize(
    ("task", "status", "failure"),
    [
        ("hello-world", "pass", None),
        ("fix-permissions", "fail", "tests_failed"),
        ("count-dataset-tokens", "pass", None),  # resolved after the agent's time ran out
        ("build-tcc-qemu", "fail", "budget"),  # the agent's own limit: a valid fail
        ("git-multibranch", "error", "verifier"),  # the tests never finished: not measured
        ("raman-fitting", "error", "verifier"),  # the harness could not parse the tests' output
        ("oom", "error", "unknown"),
        ("csv-to-parquet", "error", "infrastructure"),  # the agent could not be installed
    ],
)
def test_is_resolved_decides_and_the_failure_mode_explains(
    task: str, status: str, failure: str | None
) -> None:
    trace = by_task(RUN / "results.json")[task]
    assert (trace.outcome.status, trace.outcome.failure_class) == (status, failure)
    assert trace.outcome.valid == (status in ("pass", "fail"))


def test_failing_tests_of_parser_results_are_the_runs_failures() -> None:
    traces = by_task(RUN / "results.json")
    assert [(f.source, f.test) for f in traces["fix-permissions"].failures] == [
        ("test", "test_owner_is_app")]  # fmt: skip
    assert traces["build-tcc-qemu"].failures[0].message.startswith("AgentTimeoutError")
    assert ("test", "test_tcc_boots") in [
        (f.source, f.test) for f in traces["build-tcc-qemu"].failures
    ]
    assert traces["hello-world"].failures == ()


def test_a_trial_never_judged_and_never_broken_is_unmeasured(tmp_path: Path) -> None:
    run = terminal_bench_run(tmp_path, "r1", "terminus", "openai/gpt-5", {"a": None, "b": True})
    traces = by_task(run / "results.json")
    assert traces["a"].outcome.status == "unmeasured" and not traces["a"].outcome.measured
    assert traces["b"].outcome.status == "pass" and traces["b"].agent.model == "gpt-5"


def test_trials_of_a_run_without_its_results_are_read_one_by_one(tmp_path: Path) -> None:
    run = tmp_path / RUN.name
    shutil.copytree(RUN, run)
    (run / "results.json").unlink()  # a run still going: only its trials' results exist
    found = list(expand_paths([tmp_path]))
    trial = run / "hello-world" / "hello-world.1-of-1.2026-01-20__14-02-11" / "results.json"
    assert found == [trial, run / "run_metadata.json"]  # the metadata is known, and holds no run
    (trace,) = traces_of(trial)
    assert trace.outcome.status == "pass" and trace.agent.name == "terminus"


def test_without_run_metadata_the_agent_is_unknown_and_said_so(tmp_path: Path) -> None:
    run = terminal_bench_run(tmp_path, "r2", "terminus", "m", {"a": True})
    (run / "run_metadata.json").unlink()
    items = list(read_path(run / "results.json"))
    warnings = [i for i in items if isinstance(i, Problem)]
    assert [w.warning for w in warnings] == [True] and "run_metadata.json" in warnings[0].message
    (trace,) = [i for i in items if isinstance(i, Trace)]
    assert trace.agent.name is None and trace.job == "r2"
    assert isinstance(items[0], Reading) and items[0].format == "terminal_bench"


def test_broken_trials_are_named_and_the_rest_is_read(tmp_path: Path) -> None:
    run = terminal_bench_run(tmp_path, "r3", "terminus", "m", {"a": True, "b": False, "c": True})
    data = json.loads((run / "results.json").read_text())
    data["results"][1]["is_resolved"] = "yes"
    data["results"][2] = ["not", "a", "trial"]
    (run / "results.json").write_text(json.dumps(data))
    items = list(load_path(run / "results.json"))
    problems = [(p.label, p.message) for p in items if isinstance(p, Problem)]
    assert problems == [
        ("record 2", "is_resolved must be true, false or null, got 'yes'"),
        ("record 3", "expected a trial result object"),
    ]
    assert [t.task.id for t in items if isinstance(t, Trace)] == ["a"]


def test_the_leaderboards_run_metadata_is_known_and_not_a_trace(tmp_path: Path) -> None:
    run = terminal_bench_run(tmp_path, "r4", "terminus", "m", {"a": True})
    (reading,) = list(read_path(run / "run_metadata.json"))
    assert isinstance(reading, Reading) and reading.companion


def test_a_parser_key_of_test_and_message_gives_both(tmp_path: Path) -> None:
    run = terminal_bench_run(tmp_path, "r5", "terminus", "m", {"solana": False})
    data = json.loads((run / "results.json").read_text())
    data["results"][0]["parser_results"] = {
        "test_status_endpoint - Failed: Solana service is not responding": "failed",
        "../tests/test_outputs.py - IndexError: list index out of range": "failed",
        "test_ok": "passed",
    }
    (run / "results.json").write_text(json.dumps(data))
    (trace,) = traces_of(run / "results.json")
    assert [(f.test, f.kind, f.message) for f in trace.failures] == [
        ("test_status_endpoint", "unknown", "Failed: Solana service is not responding"),
        ("../tests/test_outputs.py", "runtime", "IndexError: list index out of range"),
    ]
