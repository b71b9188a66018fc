"""Terminal-Bench 1.0 runs (``tb run``, and the leaderboard's logs), one trace per trial.

A run folder holds ``run_metadata.json`` (``run_id``, ``agent_name``, ``model_name``,
``dataset_name`` and ``dataset_version``), ``results.json`` (``results``: per trial ``id``,
``trial_name``, ``task_id``, ``instruction``, ``is_resolved``, ``failure_mode``,
``parser_results`` of test name → ``passed``/``failed``, tokens and timestamps; then
``n_resolved``, ``accuracy``…) and ``<task_id>/<trial_name>/`` with the trial's own
``results.json``, panes, casts and logs. The run's ``results.json`` is read when present, else
each trial's.

``is_resolved`` decides: true passes (even after an agent time-out, since the tests still
ran), false fails. A trial never graded (null) is not a measurement: its ``failure_mode``
says what broke (the harness, the tests, the sandbox), or nothing did and it is unmeasured.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from engram.loaders import fields
from engram.loaders.files import read_start
from engram.loaders.records import Problem, Record, Share, read_records
from engram.loaders.steps import read_json
from engram.parse.testoutput import error_kind
from engram.trace import Agent, Failure, Metrics, Task, Trace

NAME = "terminal_bench"
_TRIAL_KEYS = frozenset({"trial_name", "task_id"})
_TRIAL_NAME = re.compile(r"^(.+)\.\d+-of-\d+\.(.+)$")
_VERDICT_KEYS = frozenset({"is_resolved", "failure_mode", "parser_results"})
#: ``failure_mode`` values (``terminal_bench/agents/failure_mode.py``, and ADE-Bench's) by the
#: failure class they name, with what they mean. Budget modes are the agent's own limit.
FAILURE_MODES: dict[str, tuple[str | None, str]] = {
    "unset": (None, ""),
    "none": (None, ""),
    "unknown": ("unknown", "the harness recorded an unknown failure"),
    "agent_timeout": ("budget", "the agent ran out of time"),
    "context_length_exceeded": ("budget", "the context window was exceeded"),
    "output_length_exceeded": ("budget", "the output length limit was exceeded"),
    "fatal_llm_parse_error": (
        "unknown",
        "the model kept writing actions the agent could not parse",
    ),
    "unknown_agent_error": ("unknown", "the agent failed before a verdict"),
    "agent_installation_failed": ("infrastructure", "the agent could not be installed"),
    "setup_timeout": ("infrastructure", "the environment did not start in time"),
    "test_timeout": ("verifier", "the tests did not finish in time"),
    "parse_error": ("verifier", "the harness could not parse the test output"),
}


def sniff(head: dict[str, Any], path: Path) -> bool:
    """A run's ``results.json`` (its trials under ``results``), or a trial's own."""
    if _is_trial_result(head):
        return True
    inner = getattr(head, "inner", None) or []
    return "results" in head and any(_is_trial_result(record) for record in inner)


def _is_trial_result(record: dict[str, Any]) -> bool:
    return record.keys() >= _TRIAL_KEYS and bool(_VERDICT_KEYS & record.keys())


def claims(folder: Path) -> Path | None:
    """A run folder is read through its ``results.json`` (one file for all its trials); a
    trial folder through its own, leaving its panes and logs unread."""
    results = folder / "results.json"
    try:
        head = read_start(results, 16384)
    except OSError:
        return None
    if head is not None and b'"trial_name"' in head and (b'"is_resolved"' in head or b'"failure_mode"' in head):
        return results
    return None


def companion(head: dict[str, Any], path: Path) -> bool:
    """A run's ``run_metadata.json``, read with its results."""
    return "agent_name" in head and bool({"run_id", "dataset_name", "task_ids"} & head.keys())


def load(
    path: Path, on_progress: Callable[[int], None] | None = None, share: Share | None = None
) -> Iterator[Trace | Problem]:
    """One trace per trial of a run's (or a trial's) ``results.json``."""
    folder = path.parent if path.is_file() or not path.is_dir() else path
    target = path if not path.is_dir() else path / "results.json"
    metadata = _metadata(folder)
    if metadata is None and (share is None or share.reports_files):
        yield Problem(str(target), None, "no run_metadata.json beside it or above: agent and "
                      "model are unknown", warning=True)  # fmt: skip
    for item in read_records(target, "results", on_progress, share):
        if isinstance(item, Problem):
            yield item
            continue
        try:
            yield to_trace(item, str(target), metadata or {})
        except fields.RecordError as exc:
            yield Problem(str(target), item.label, str(exc))


def _metadata(folder: Path) -> dict[str, Any] | None:
    """The run's metadata: beside a run's results, two folders up from a trial's."""
    for candidate in (folder, folder.parent.parent):
        path = candidate / "run_metadata.json"
        if path.is_file():
            data, problem = read_json(path)
            if not problem and isinstance(data, dict):
                return data
    return None


def to_trace(record: Record, source: str, metadata: dict[str, Any]) -> Trace:
    """One trial's result as a Trace; RecordError if it is not a trial."""
    data = record.data
    if not isinstance(data, dict):
        raise fields.RecordError("expected a trial result object")
    if not _is_trial_result(data):
        raise fields.RecordError("not a trial result: no trial_name, task_id and is_resolved")
    trial = fields.text(data.get("trial_name"), 200)
    resolved = data.get("is_resolved")
    if resolved is not None and not isinstance(resolved, bool):
        raise fields.RecordError(f"is_resolved must be true, false or null, got {resolved!r:.40}")
    mode = fields.text(data.get("failure_mode"), 100) or "unset"
    cause, meaning = FAILURE_MODES.get(mode, ("unknown", f"failure mode {mode!r}"))
    model = fields.text(metadata.get("model_name"), 200)
    dataset = fields.text(metadata.get("dataset_name"), 100)
    version = fields.text(metadata.get("dataset_version"), 50)
    trace = Trace(
        task=Task(
            id=fields.text(data.get("task_id"), 200),
            instruction=fields.clean_text(data.get("instruction"), fields.INSTRUCTION_LIMIT),
        ),
        agent=Agent(
            name=fields.text(metadata.get("agent_name"), 200),
            model=model.rsplit("/", 1)[-1] if model else None,
        ),
        metrics=_metrics(data),
        run_id=trial,
        job=fields.text(metadata.get("run_id"), 200) or _run_of(trial),
        source=source,
        tags=fields.tags(f"{dataset}@{version}" if dataset and version else dataset),
    )
    status = "pass" if resolved else "fail" if resolved is False else None
    if status is None:
        status = "error" if cause is not None else "unmeasured"
    if resolved and cause == "budget":
        cause = None  # the tests passed after the agent's time ran out: a pass, nothing failed
    error = f"{_error_type(mode)}: {meaning}" if cause is not None and meaning else None
    return fields.finalize(
        trace,
        status=status,
        reward_value=None,
        error=error,
        details=[],
        cause=cause if cause != "unknown" else None,
        reported=_failing_tests(data.get("parser_results")),
    )


def _run_of(trial: str | None) -> str | None:
    """``fix-git.1-of-1.2025-08-07__20-46-16`` is a trial of run ``2025-08-07__20-46-16``."""
    found = _TRIAL_NAME.match(trial or "")
    return found.group(2) if found else None


def _failing_tests(results: Any) -> list[Failure]:
    """``parser_results``' failed tests, as the verifier's failures. Its pytest parser keys some
    by ``test - message`` (pytest's short summary line), which gives the message too."""
    if not isinstance(results, dict):
        return []
    failures = []
    for name, status in list(results.items())[:1000]:
        if not isinstance(name, str) or str(status).lower() not in ("failed", "error"):
            continue
        test, _, message = name.partition(" - ")
        test = fields.text(test, 300) or "a test"
        message = fields.text(message, 300) or ""
        failures.append(Failure("test", error_kind(message), message or f"{test} failed", test))
        if len(failures) >= 50:
            break
    return failures


def _metrics(data: dict[str, Any]) -> Metrics:
    tokens_in = fields.integer(data.get("total_input_tokens"))
    tokens_out = fields.integer(data.get("total_output_tokens"))
    if not tokens_in and not tokens_out:  # installed agents report 0 for "not counted"
        tokens_in = tokens_out = None
    return Metrics(
        input_tokens=tokens_in,
        output_tokens=tokens_out,
        duration_s=_seconds(data.get("agent_started_at"), data.get("agent_ended_at")),
    )


def _seconds(started: Any, ended: Any) -> float | None:
    if not (isinstance(started, str) and isinstance(ended, str)):
        return None
    try:
        seconds = (datetime.fromisoformat(ended) - datetime.fromisoformat(started)).total_seconds()
    except (ValueError, TypeError):
        return None
    return seconds if seconds >= 0 else None


def _error_type(mode: str) -> str:
    """``agent_timeout`` → ``AgentTimeoutError``, ``parse_error`` → ``ParseError``."""
    name = "".join(part.capitalize() for part in mode.split("_") if part.isalnum()) or "Unknown"
    return name if name.endswith("Error") else name + "Error"
