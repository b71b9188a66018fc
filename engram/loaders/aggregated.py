"""The aggregated trace format the seed's ``aggregate_execution_traces.py`` writes.

A JSON array of traces, an object ``{job_dir, timestamp, traces, summary}``, or JSON Lines. Each
trace has ``task_id``, ``task_instruction``, ``agent_config``, ``agent_response`` (Claude Code's
final ``result`` event), ``code_changes`` (a diff), ``test_reward``, ``test_output``, ``metrics``
and ``status``; a crashed run has ``error`` and ``details``; a trace may carry its agent's
stream-json events under ``transcript``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from engram.loaders import fields
from engram.loaders.claude_stream import read_events, summarize_input
from engram.loaders.fields import RecordError, integer, mapping, number, text
from engram.loaders.records import Problem, Record, Share, read_records
from engram.parse.diff import parse_diff
from engram.parse.outcome import RESULT_SUBTYPE_CLASSES
from engram.trace import Agent, Changes, Metrics, Step, Task, Trace

NAME = "aggregated"
TEST_OUTPUT_LIMIT = 2_000_000
UNEXPECTED = "unexpected error (please report it)"
_RECORD_KEYS = frozenset({"task_id", "task_instruction", "test_reward", "agent_config",
                          "code_changes", "agent_response"})  # fmt: skip
_TRACE_KEYS = frozenset(
    {
        "task_id",
        "task_instruction",
        "instruction",
        "task",
        "status",
        "test_reward",
        "reward",
        "agent_response",
        "transcript",
        "error",
        "code_changes",
        "agent_config",
    }
)
_IDENTITY_KEYS = ("task_id", "task_instruction", "instruction", "task", "trial_name", "run_id")
_OUTCOME_KEYS = ("status", "test_reward", "reward", "error", "agent_response", "transcript")


def sniff(first: dict[str, Any], path: Path) -> bool:
    """Aggregated traces: a record's own keys, or the seed's ``{job_dir, traces}``."""
    return bool(_RECORD_KEYS.intersection(first)) or "traces" in first


def load(
    path: Path, on_progress: Callable[[int], None] | None = None, share: Share | None = None
) -> Iterator[Trace | Problem]:
    for item in read_records(path, "traces", on_progress, share):
        if isinstance(item, Problem):
            yield item
            continue
        yield convert(item, str(path))


def convert(record: Record, source: str) -> Trace | Problem:
    """The record as a Trace, or a Problem saying why it cannot be one.

    Trace files are untrusted input: whatever a record holds, reading it never raises. An
    error no check foresaw is reported as such (and is a bug to fix), not passed on.
    """
    try:
        return to_trace(record, source)
    except RecordError as exc:
        return Problem(source, record.label, str(exc))
    except RecursionError:
        return Problem(source, record.label, "record nested too deeply")
    except Exception as exc:
        return Problem(source, record.label, f"{UNEXPECTED}: {type(exc).__name__}: {exc}")


def to_trace(record: Record, source: str | None = None) -> Trace:
    """One aggregated record as a normalized Trace; RecordError if it is not a trace."""
    data = record.data
    if not isinstance(data, dict):
        raise RecordError(f"expected a trace object, got {_type_name(data)}")
    if not _TRACE_KEYS.intersection(data):
        raise RecordError("not a trace: none of task_id, status, test_reward, transcript")
    if not any(data.get(k) is not None for k in _IDENTITY_KEYS):
        raise RecordError("not a trace: it names no task (task_id, task_instruction)")
    if not any(data.get(k) is not None for k in _OUTCOME_KEYS):
        raise RecordError("not a trace: no status, reward, error or agent response")
    _check_types(data)

    config = mapping(data.get("agent_config"))
    response = mapping(data.get("agent_response"))
    stream = read_events(data.get("transcript") or [])
    result = stream.result or response

    trace = Trace(
        task=_task(data),
        agent=_agent(data, config, stream.tools, stream.mcp_servers, stream.model),
        steps=stream.steps or _plain_steps(data.get("tool_calls") or data.get("steps")),
        changes=_changes(data.get("code_changes")),
        metrics=_metrics(data, result),
        run_id=text(data.get("run_id") or data.get("trial_name") or data.get("task_id"), 200),
        job=_job(data, record.context),
        source=source,
        tags=fields.tags(data.get("tags")),
    )
    denials = _list(result.get("permission_denials")) or _list(response.get("permission_denials"))
    trace.denied_tools = tuple(
        name for name in (text(mapping(d).get("tool_name"), 200) for d in denials) if name
    )
    error, details = _error_texts(data, result)
    subtype = result.get("subtype") if isinstance(result.get("subtype"), str) else None
    return fields.finalize(
        trace,
        status=data.get("status"),
        reward_value=_reward(data),
        error=error,
        details=details,
        cause=RESULT_SUBTYPE_CLASSES.get(subtype or ""),
        test_output=_test_output(data),
    )


def _check_types(data: dict[str, Any]) -> None:
    expected: dict[str, type | tuple[type, ...]] = {
        "task_instruction": str,
        "instruction": str,
        "status": (str, bool),
        "transcript": list,
        "agent_config": dict,
        "agent_response": dict,
        "metrics": dict,
        "code_changes": (str, dict),
    }
    for key, kind in expected.items():
        value = data.get(key)
        if value is not None and not isinstance(value, kind):
            raise RecordError(f"field {key!r} has the wrong type ({_type_name(value)})")


def _task(data: dict[str, Any]) -> Task:
    raw_task = data.get("task")
    task_info = mapping(raw_task)
    instruction = (
        data.get("task_instruction") or data.get("instruction") or task_info.get("instruction")
    )
    raw_id = text(data.get("task_id") or task_info.get("id") or task_info.get("name"), 200)
    if raw_id is None and isinstance(raw_task, str):
        raw_id = text(raw_task, 200)
    task = Task(
        id=_task_name(raw_id),
        title=text(data.get("task_title") or task_info.get("title"), 300),
        instruction=fields.clean_text(instruction, fields.INSTRUCTION_LIMIT),
        category=text(data.get("category") or task_info.get("category"), 120),
        difficulty=text(data.get("difficulty") or task_info.get("difficulty"), 40),
        repository=text(data.get("repository") or task_info.get("repository"), 200),
    )
    if task.difficulty:
        task.difficulty = task.difficulty.lower()
    return task


def _task_name(run_name: str | None) -> str | None:
    """``sgt-001__7A5Hxy2`` names a trial of task ``sgt-001``."""
    if run_name and "__" in run_name:
        head, tail = run_name.rsplit("__", 1)
        if head and 4 <= len(tail) <= 12 and tail.isalnum():
            return head
    return run_name


def _agent(
    data: dict[str, Any],
    config: dict[str, Any],
    tools: tuple[str, ...],
    mcp_servers: tuple[str, ...],
    stream_model: str | None,
) -> Agent:
    raw_agent = config.get("agent", data.get("agent"))
    agent_info = mapping(raw_agent)
    name = (
        text(agent_info.get("name"), 200)
        or _class_name(agent_info.get("import_path"))
        or text(config.get("agent_type") or config.get("type") or config.get("name"), 200)
        or (text(raw_agent, 200) if isinstance(raw_agent, str) else None)
    )
    model = (
        text(
            config.get("model")
            or agent_info.get("model_name")
            or agent_info.get("model")
            or data.get("model"),
            200,
        )
        or stream_model
    )
    if model and "/" in model:
        model = model.rsplit("/", 1)[1]  # "anthropic/claude-haiku-4-5"
    return Agent(name=name, model=model, tools=tools, mcp_servers=mcp_servers)


def _class_name(import_path: Any) -> str | None:
    if isinstance(import_path, str) and ":" in import_path:
        return text(import_path.rsplit(":", 1)[1], 200)
    return None


def _plain_steps(raw: Any) -> list[Step]:
    """Tool calls given as a plain list (``{tool, input, is_error, output}``)."""
    steps = []
    for call in _list(raw):
        call = mapping(call)
        name = text(call.get("tool") or call.get("name") or call.get("tool_name"), 200)
        if not name:
            continue
        summary, path = summarize_input(name, call.get("input") or call.get("arguments"))
        error = call.get("error")
        steps.append(
            Step(
                tool=name,
                input=summary,
                path=path,
                is_error=bool(call.get("is_error")) or bool(error),
                output=text(call.get("output") or error, 1000) or "",
            )
        )
    return steps


def _changes(raw: Any) -> Changes:
    if raw is None:
        return Changes(known=False)
    if isinstance(raw, dict):
        raw = raw.get("diff") or raw.get("patch") or ""
    return parse_diff(raw) if isinstance(raw, str) else Changes(known=False)


def _metrics(data: dict[str, Any], result: dict[str, Any]) -> Metrics:
    metrics = mapping(data.get("metrics"))
    tokens = mapping(metrics.get("tokens"))
    usage = mapping(result.get("usage"))
    cache = [
        integer(usage.get(k)) for k in ("cache_creation_input_tokens", "cache_read_input_tokens")
    ]
    duration_ms = number(result.get("duration_ms"))
    duration = number(
        metrics.get("duration_seconds")
        or metrics.get("duration_s")
        or metrics.get("duration")
        or data.get("duration_seconds")
    )
    return Metrics(
        input_tokens=integer(usage.get("input_tokens")) or integer(tokens.get("input")),
        output_tokens=integer(usage.get("output_tokens")) or integer(tokens.get("output")),
        cache_tokens=sum(c for c in cache if c) if any(cache) else integer(tokens.get("cache")),
        cost_usd=number(result.get("total_cost_usd"))
        or number(metrics.get("cost_usd") or metrics.get("cost")),
        duration_s=duration
        if duration is not None
        else (duration_ms / 1000 if duration_ms is not None else None),
        turns=integer(result.get("num_turns")) or integer(metrics.get("turns")),
    )


def _reward(data: dict[str, Any]) -> float | None:
    for key in ("test_reward", "reward"):
        if data.get(key) is not None:
            return fields.reward(data[key], key)
    return None


def _error_texts(data: dict[str, Any], result: dict[str, Any]) -> tuple[str | None, list[str]]:
    error = data.get("error")
    details: list[str] = []
    if isinstance(error, dict):  # {"type": ..., "message": ...}
        kind, message = text(error.get("type"), 200), text(error.get("message"))
        error = f"{kind}: {message}" if kind and message else (kind or message)
    error_text = text(error)
    for key in ("details", "exception", "error_message"):
        value = text(data.get(key))
        if value:
            details.append(value)
    exception = mapping(data.get("exception_info"))
    if exception:
        kind, message = (
            text(exception.get("exception_type"), 200),
            text(exception.get("exception_message")),
        )
        error_text = error_text or (f"{kind}: {message}" if kind else message)
    if result.get("is_error") is True:
        details.append(text(result.get("result")) or "")
    return error_text, [d for d in details if d]


def _test_output(data: dict[str, Any]) -> str | None:
    for key in ("test_output", "test_stdout", "verifier_output"):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value[:TEST_OUTPUT_LIMIT]
    return None


def _job(data: dict[str, Any], context: dict[str, Any]) -> str | None:
    job = data.get("job") or data.get("job_name")
    if isinstance(job, str):
        return text(job, 200)
    job_dir = context.get("job_dir") or data.get("job_dir")
    if isinstance(job_dir, str) and job_dir.strip("/"):
        return text(job_dir.rstrip("/").rsplit("/", 1)[-1], 200)
    return None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _type_name(value: Any) -> str:
    return {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        type(None): "null",
    }.get(type(value), "a number")
