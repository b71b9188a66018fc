"""``engram aggregate``: a Harbor job folder as the seed's aggregated trace JSON.

The replacement for the seed's ``runners/aggregate_execution_traces.py``: one object
``{job_dir, timestamp, traces, summary}`` whose traces carry the task, instruction, agent
config and response, diff, reward, test output, metrics, status, and the agent's event stream
under ``transcript`` (which the seed's script left out). Written record by record, redacted.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import orjson

from engram.errors import EngramError
from engram.loaders import Problem, expand_paths
from engram.loaders.claude_stream import mapping
from engram.loaders.harbor import is_trial, load_trial
from engram.loaders.records import MAX_RECORD_BYTES
from engram.parse.redact import redact_data
from engram.trace import Trace

TEXT_LIMIT = 4 * 1024 * 1024


@dataclass(slots=True)
class AggregateSummary:
    total: int = 0
    passed: int = 0
    failed: int = 0
    errors: int = 0
    problems: list[Problem] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        measured = self.total - self.errors
        return {
            "total": self.total,
            "passed": self.passed,
            "failed": self.failed,
            "errors": self.errors,
            "success_rate": round(self.passed / measured, 4) if measured else None,
        }


def aggregate(job_dir: Path, output: IO[str], task: str | None = None) -> AggregateSummary:
    """Write the aggregated JSON of every trial under ``job_dir`` (of one task, if given)."""
    if not job_dir.is_dir():
        raise EngramError(f"{job_dir} is not a folder", hint="give a Harbor job folder")
    trials = [p for p in expand_paths([job_dir]) if isinstance(p, Path) and is_trial(p)]
    if task is not None:
        trials = [t for t in trials if _task_of(t) == task or t.name.startswith(f"{task}__")]
    summary = AggregateSummary()
    output.write(f'{{"job_dir": {json.dumps(str(job_dir))}, "timestamp": ')
    output.write(json.dumps(datetime.now(UTC).isoformat(timespec="seconds")) + ', "traces": [')
    for record in _records(trials, summary):
        output.write(("," if summary.total > 1 else "") + "\n" + json.dumps(record))
    output.write(f'\n], "summary": {json.dumps(summary.as_dict())}}}\n')
    return summary


def _records(trials: list[Path], summary: AggregateSummary) -> Iterator[dict[str, Any]]:
    for trial in trials:
        traces = []
        for item in load_trial(trial):
            if isinstance(item, Problem):
                summary.problems.append(item)
            else:
                traces.append(item)
        if not traces:
            continue
        trace = traces[0]
        summary.total += 1
        summary.passed += trace.outcome.status == "pass"
        summary.failed += trace.outcome.status in ("fail", "partial")
        summary.errors += trace.outcome.status == "error"
        yield redact_data(record(trial, trace))


def record(trial: Path, trace: Trace) -> dict[str, Any]:
    """One trial in the seed's aggregated format."""
    result = _json(trial / "result.json")
    config = _json(trial / "config.json")
    events = _events(trial / "agent" / "claude-code.txt")
    response = next((e for e in reversed(events) if e.get("type") == "result"), None)
    response = response or _json(trial / "agent" / "claude.txt") or None
    agent = mapping(config.get("agent")) or mapping(mapping(result.get("config")).get("agent"))
    metrics = trace.metrics
    entry: dict[str, Any] = {
        "task_id": trace.run_id,
        "task_instruction": trace.task.instruction,
        "agent_config": {
            "agent": agent,
            "model": agent.get("model_name") or trace.agent.model,
            "timestamp": (trace.run_id or "").rpartition("__")[2] or None,
        },
        "agent_request": None,
        "agent_response": response,
        "code_changes": _text(trial / "agent" / "patch.diff"),
        "test_reward": trace.outcome.reward,
        "test_output": _text(trial / "verifier" / "test-stdout.txt"),
        "metrics": {
            "tokens": {
                "input": metrics.input_tokens,
                "output": metrics.output_tokens,
                "total": (metrics.input_tokens or 0) + (metrics.output_tokens or 0),
            },
            "cost_usd": metrics.cost_usd,
            "duration_seconds": metrics.duration_s,
        },
        "status": trace.outcome.status,
        "transcript": events,
    }
    if trace.outcome.status == "error":
        error_type, message = trace.outcome.error_type, trace.outcome.error_message
        entry["error"] = f"{error_type}: {message}" if error_type else message
        entry["details"] = _text(trial / "exception.txt")
    return entry


def _task_of(trial: Path) -> str:
    name = mapping(_json(trial / "result.json")).get("task_name")
    return name if isinstance(name, str) else trial.name.rpartition("__")[0]


def _json(path: Path) -> dict[str, Any]:
    try:
        if path.stat().st_size > MAX_RECORD_BYTES:
            return {}
        data = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _events(path: Path) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError:
        return events
    with handle:
        for line in iter(lambda: handle.readline(MAX_RECORD_BYTES), b""):
            try:
                event = orjson.loads(line)
            except orjson.JSONDecodeError:
                continue
            if isinstance(event, dict):
                events.append(event)
    return events


def _text(path: Path) -> str | None:
    try:
        with open(path, "rb") as handle:
            return handle.read(TEXT_LIMIT).decode("utf-8", errors="replace")
    except OSError:
        return None
