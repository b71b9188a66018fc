"""Picking a loader for a file, and finding the files inside the folders named."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from engram.errors import EngramError
from engram.loaders import Problem, expand_paths, load_file, loader_names
from engram.trace import Trace

TRACE = {"task_id": "sgt-001__7A5Hxy2", "test_reward": 1.0, "status": "pass"}


def test_the_aggregated_loader_is_known() -> None:
    assert "aggregated" in loader_names()


def test_a_file_of_traces_is_read_with_the_detected_loader(tmp_path: Path) -> None:
    path = tmp_path / "traces.json"
    path.write_text(json.dumps([TRACE]))
    (trace,) = load_file(path)
    assert isinstance(trace, Trace)
    assert trace.task.id == "sgt-001"
    assert trace.source == str(path)


def test_a_file_of_an_unknown_format_says_which_formats_were_tried(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("these are not traces\n")
    (problem,) = load_file(path)
    assert isinstance(problem, Problem)
    assert problem.file == str(path)
    assert problem.message.startswith("not a trace file of a known format")
    for name in loader_names():
        assert name in problem.message


def test_an_empty_file_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_text("")
    (problem,) = load_file(path)
    assert isinstance(problem, Problem)
    assert problem.file == str(path)


def test_json_of_an_unnamed_shape_is_judged_record_by_record(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text(json.dumps([{"foo": 1}, {"bar": 2}]))
    problems = list(load_file(path))
    assert [(p.file, p.label) for p in problems if isinstance(p, Problem)] == [
        (str(path), "record 1"),
        (str(path), "record 2"),
    ]
    assert len(problems) == 2


def test_an_empty_json_array_gives_nothing(tmp_path: Path) -> None:
    path = tmp_path / "none.json"
    path.write_text("[]")
    assert list(load_file(path)) == []


def test_a_file_that_cannot_be_opened_is_a_problem(tmp_path: Path) -> None:
    (problem,) = load_file(tmp_path / "missing.json")
    assert isinstance(problem, Problem)
    assert "cannot read the file" in problem.message
    (problem,) = load_file(tmp_path)
    assert isinstance(problem, Problem)
    assert "cannot read the file" in problem.message


def test_forcing_a_known_format_skips_detection(tmp_path: Path) -> None:
    path = tmp_path / "traces.txt"
    # Nothing in the first bytes names the format, yet the forced loader reads it.
    path.write_text(" " * 70_000 + json.dumps([TRACE]))
    (problem,) = load_file(path)
    assert isinstance(problem, Problem)
    assert "not a trace file" in problem.message
    (trace,) = load_file(path, format="aggregated")
    assert isinstance(trace, Trace)


def test_forcing_an_unknown_format_raises_an_engram_error_with_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "traces.json"
    path.write_text(json.dumps([TRACE]))
    with pytest.raises(EngramError, match="unknown format 'atif-v9'") as raised:
        list(load_file(path, format="atif-v9"))
    assert raised.value.hint is not None
    assert "aggregated" in raised.value.hint


def test_expand_paths_lists_trace_files_in_folders_recursively_in_a_stable_order(
    tmp_path: Path,
) -> None:
    (tmp_path / "jobs" / "b").mkdir(parents=True)
    (tmp_path / "jobs" / "a" / "deep").mkdir(parents=True)
    for name in (
        "jobs/b/two.json",
        "jobs/a/deep/one.jsonl",
        "jobs/a/three.NDJSON",
        "jobs/z.json",
        "jobs/b/x.traj",
    ):
        (tmp_path / name).write_text("[]")
    for name in ("jobs/a/notes.txt", "jobs/b/claude-code.txt", "jobs/readme.md"):
        (tmp_path / name).write_text("x")
    found = list(expand_paths([tmp_path / "jobs"]))
    assert found == [
        tmp_path / "jobs/a/deep/one.jsonl",
        tmp_path / "jobs/a/three.NDJSON",
        tmp_path / "jobs/b/two.json",
        tmp_path / "jobs/b/x.traj",
        tmp_path / "jobs/z.json",
    ]


def test_expand_paths_keeps_a_named_file_whatever_its_suffix(tmp_path: Path) -> None:
    path = tmp_path / "claude-code.txt"
    path.write_text("{}")
    assert list(expand_paths([path])) == [path]


def test_expand_paths_reports_missing_paths_and_folders_without_trace_files(
    tmp_path: Path,
) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "text").mkdir()
    (tmp_path / "text" / "notes.txt").write_text("x")
    good = tmp_path / "good.json"
    good.write_text("[]")
    found = list(
        expand_paths([tmp_path / "nope.json", tmp_path / "empty", tmp_path / "text", good])
    )
    assert found == [
        Problem(str(tmp_path / "nope.json"), None, "no such file or folder"),
        Problem(
            str(tmp_path / "empty"),
            None,
            "the folder holds no trace files, Harbor trials or Terminal-Bench runs",
        ),
        Problem(
            str(tmp_path / "text"),
            None,
            "the folder holds no trace files, Harbor trials or Terminal-Bench runs",
        ),
        good,
    ]


def test_expand_paths_keeps_the_order_of_the_paths_given(tmp_path: Path) -> None:
    first, second = tmp_path / "b.json", tmp_path / "a.json"
    first.write_text("[]")
    second.write_text("[]")
    assert list(expand_paths([first, second])) == [first, second]


def test_expand_paths_of_nothing_is_nothing() -> None:
    assert list(expand_paths([])) == []


FIXTURES = Path(__file__).parent / "fixtures"


def formats_read(folder: Path) -> dict[str, str]:
    """Each path found under ``folder`` (relative) and the format it is read as."""
    from engram.loaders import Reading, read_path

    found: dict[str, str] = {}
    for path in expand_paths([folder]):
        assert isinstance(path, Path), path
        for item in read_path(path):
            if isinstance(item, Reading):
                tag = f"{item.format} (beside)" if item.companion else item.format
                found[str(Path(item.source).relative_to(folder))] = tag
    return found


def test_a_folder_of_swe_agent_trajectories_is_found_and_its_predictions_known() -> None:
    assert formats_read(FIXTURES / "swe_agent") == {
        "run/acme__inventory-142/acme__inventory-142.traj": "swe_agent",
        "run/acme__inventory-143/acme__inventory-143.traj.json": "swe_agent",
        "run/preds.json": "swe_agent (beside)",
    }


def test_an_openhands_evaluation_reads_the_graded_rows_and_knows_the_rest() -> None:
    assert formats_read(FIXTURES / "openhands" / "evaluation") == {
        "eval_outputs/acme__inventory-142/report.json": "openhands (beside)",
        "llm_completions/acme__inventory-142/claude-sonnet-4-5-1770714004.1.json": "openhands (beside)",
        "metadata.json": "openhands (beside)",
        "output.jsonl": "openhands (beside)",  # the graded copy beside it is read instead
        "output.swebench_eval.jsonl": "openhands",
    }


def test_a_folder_of_every_format_reads_each_with_its_own_loader() -> None:
    found = formats_read(FIXTURES)
    assert {tag.split(" ")[0] for tag in found.values()} == set(loader_names())
    for path, tag in found.items():
        assert tag.split(" ")[0] == path.split("/")[0], path


def test_a_long_first_record_is_still_recognised(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    long = {"task_id": "t-1", "task_instruction": "x " * 200_000, "status": "pass"}
    other = {"type": "system", "subtype": "init", "session_id": "s", "note": "y" * 100_000}
    path.write_text(json.dumps({"huge": "z" * 100_000, **other}) + "\n" + json.dumps(other) + "\n")
    (trace,) = load_file(path)
    assert isinstance(trace, Trace) and trace.run_id == "s"
    path.write_text(json.dumps(long) + "\n")
    (trace,) = load_file(path)
    assert isinstance(trace, Trace) and trace.task.id == "t-1"


def test_a_trial_found_in_a_job_is_not_asked_again_when_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engram.loaders import harbor, read_path
    from tests.loaders.builders import trial_folder

    job = tmp_path / "job"
    trials = [trial_folder(job, f"task-{k}__Ab3dE5{k}") for k in range(3)]
    asked: list[Path] = []
    real_claims = harbor.claims
    monkeypatch.setattr(harbor, "claims", lambda path: asked.append(path) or real_claims(path))
    found = list(expand_paths([job]))
    assert found == trials
    assert sorted(asked) == [job, *trials]  # each asked once, by the walk
    traces = [item for trial in found for item in read_path(trial) if isinstance(item, Trace)]
    assert [trace.run_id for trace in traces] == [trial.name for trial in trials]
    assert sorted(asked) == [job, *trials]  # reading them asked nothing more
    assert list(read_path(trials[0]))[-1].run_id == trials[0].name  # a second read asks again
    assert asked[-1] == trials[0]


def test_each_expansion_asks_afresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from engram.loaders import harbor, read_path
    from tests.loaders.builders import trial_folder

    trial = trial_folder(tmp_path / "job")
    other = tmp_path / "other.json"
    other.write_text(json.dumps([TRACE]))
    assert list(expand_paths([tmp_path / "job"])) == [trial]
    assert list(expand_paths([other])) == [other]  # what the first one found is forgotten
    asked: list[Path] = []
    real_claims = harbor.claims
    monkeypatch.setattr(harbor, "claims", lambda path: asked.append(path) or real_claims(path))
    assert list(read_path(trial))[-1].run_id == trial.name
    assert asked == [trial]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_named_as_a_trace_file_is_reported_not_waited_on(tmp_path: Path) -> None:
    pipe = tmp_path / "traces.json"
    os.mkfifo(pipe)
    (problem,) = load_file(pipe)
    assert isinstance(problem, Problem)
    assert problem.message == "cannot read the file: it is not a regular file"
