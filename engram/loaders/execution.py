"""Build, test and lint execution records, as the seed's own learning tools keep them.

Two spellings: JSON Lines rows ``{trace_id, timestamp, bead_id, task_description,
execution_results: [{runner, command, status, errors: [...]}], discovered_issues, outcome}``
and single capture objects ``{beadId, taskDescription, executions: [...], outcome,
discoveredIssues}``. Each execution is a shell step (so ``cmd:pytest`` means the same as in any
other trace), failed when its status says so; its errors are the step's output, for failure
modes. ``outcome`` is ``success``, ``failure`` or ``partial``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from engram.loaders import fields
from engram.loaders.claude_stream import mapping
from engram.loaders.records import Problem, Record, Share, read_records
from engram.loaders.steps import step
from engram.parse.messages import MAX_FAILURES
from engram.parse.outcome import normalize_status
from engram.parse.testoutput import error_kind
from engram.trace import Agent, Failure, Step, Task, Trace

NAME = "execution_records"
_FAILED = frozenset({"fail", "failed", "failure", "error", "errored"})
_LINTERS = re.compile(
    r"ruff|flake8|pylint|eslint|biome|clippy|golangci|staticcheck|rubocop|shellcheck|lint",
    re.IGNORECASE,
)


def sniff(first: dict[str, Any], path: Path) -> bool:
    return "execution_results" in first or {"executions", "beadId"} <= first.keys()


def load(
    path: Path, on_progress: Callable[[int], None] | None = None, share: Share | None = None
) -> Iterator[Trace | Problem]:
    for item in read_records(path, "records", on_progress, share):
        if isinstance(item, Problem):
            yield item
            continue
        try:
            yield to_trace(item, str(path))
        except fields.RecordError as exc:
            yield Problem(str(path), item.label, str(exc))


def to_trace(record: Record, source: str) -> Trace:
    data = record.data
    if not isinstance(data, dict):
        raise fields.RecordError("expected an execution record object")
    executions = data.get("execution_results", data.get("executions"))
    if not isinstance(executions, list):
        raise fields.RecordError("no execution_results (or executions) list")
    steps: list[Step] = []
    reported: list[Failure] = []
    for execution in executions:
        execution = mapping(execution)
        command = fields.text(execution.get("command"), 2000) or fields.text(
            execution.get("runner"), 200
        )
        status = str(execution.get("status", "")).lower()
        errors = [mapping(e) for e in fields.items(execution.get("errors")) if isinstance(e, dict)]
        output = "\n".join(_error_line(e) for e in errors[:50])
        if status in _FAILED:
            runner = fields.text(execution.get("runner"), 100)
            reported.extend(_failure(e, runner) for e in errors[:MAX_FAILURES])
        steps.append(step("Bash", {"command": command or ""}, output, failed=status in _FAILED))
    bead = fields.text(data.get("bead_id", data.get("beadId")), 200)
    description = data.get("task_description", data.get("taskDescription"))
    outcome = data.get("outcome")
    verdict = normalize_status(outcome)
    trace = Trace(
        task=Task(id=bead, instruction=fields.clean_text(description, fields.INSTRUCTION_LIMIT)),
        agent=Agent(name=fields.text(data.get("agent"), 200) or "execution-records"),
        steps=steps,
        run_id=fields.text(data.get("trace_id", data.get("traceId")), 200) or bead,
        source=source,
    )
    failing = [s.output for s in steps if s.is_error and s.output]
    return fields.finalize(
        trace,
        status=verdict,
        reward_value=None,
        error=None,
        details=failing[:1] if verdict == "error" else [],
        reported=reported,
    )


def _failure(error: dict[str, Any], runner: str | None) -> Failure:
    """An error a runner reported, as a failure; a linter's findings are lint errors."""
    tool = fields.text(error.get("tool"), 100) or runner
    message = fields.text(error.get("message"), 400) or ""
    kind = error_kind(message)
    if kind in ("unknown", "runtime") and tool and _LINTERS.search(tool):
        kind = "lint"
    return Failure("tool", kind, f"{tool}: {message}" if tool else message)


def _error_line(error: dict[str, Any]) -> str:
    where = ":".join(str(error[k]) for k in ("file", "line", "column") if error.get(k) is not None)
    parts = [error.get("tool"), error.get("severity"), where, error.get("message")]
    return " ".join(str(p) for p in parts if p)
