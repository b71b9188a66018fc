"""OpenHands: event streams (a JSON list, or JSON Lines, of actions and observations),
evaluation ``output.jsonl`` rows (``instance_id``, ``instruction``, ``history``, ``metrics``,
``test_result``, ``error``) and resolver ``output.jsonl`` rows (``issue``, ``issue_type``,
``instruction``, ``base_commit``, ``git_patch``, ``history``, ``metrics``, ``success``,
``result_explanation``, ``error``), one trace per stream or row.

An action (``run``, ``edit``, ``read``, ``browse``…) is a step; its observation (matched by
``cause`` or ``tool_call_id``) says whether it failed: an ``error`` observation, or a command's
non-zero exit code. An evaluation row's verdict is ``test_result.report.resolved`` (or
``resolved``); a resolver row's is ``success``, as the resolver judged it. A row's ``error`` is
classified like any run-level error. Beside the rows an evaluation keeps ``metadata.json``,
``llm_completions/`` and per-instance ``eval_outputs/``, which hold no run; when the graded
``output.swebench_eval.jsonl`` is there, it is read instead of ``output.jsonl``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from engram.loaders import fields
from engram.loaders.claude_stream import mapping
from engram.loaders.records import Problem, Record, Share, read_records
from engram.loaders.steps import step
from engram.parse.diff import parse_diff
from engram.trace import Agent, Changes, Metrics, Step, Task, Trace

NAME = "openhands"
_SKIPPED_ACTIONS = frozenset({"message", "system", "change_agent_state", "recall", "null"})


_ROW_KEYS = frozenset({"instance_id", "issue", "success", "comment_success", "base_commit"})


def sniff(first: dict[str, Any], path: Path) -> bool:
    return ("history" in first and bool(_ROW_KEYS & first.keys())) or (
        "source" in first
        and ("action" in first or "observation" in first)
        and bool({"args", "extras", "content", "message"} & first.keys())
    )


def companion(head: dict[str, Any], path: Path) -> bool:
    """An evaluation's metadata, raw LLM completions and per-instance reports, and its
    ungraded ``output.jsonl`` when the graded copy is beside it."""
    if path.name == "output.jsonl" and (path.parent / "output.swebench_eval.jsonl").is_file():
        return True
    if "agent_class" in head and bool({"llm_config", "max_iterations"} & head.keys()):
        return True
    if "llm_completions" in path.parts and bool({"messages", "fncall_messages"} & head.keys()):
        return True
    return path.name == "report.json" and "eval_outputs" in path.parts


def load(
    path: Path, on_progress: Callable[[int], None] | None = None, share: Share | None = None
) -> Iterator[Trace | Problem]:
    """Rows of ``output.jsonl`` are traces; a file of events is one trace."""
    events: list[dict[str, Any]] = []
    for item in read_records(path, None, on_progress, share):
        if isinstance(item, Problem):
            yield item
        elif isinstance(item.data, dict) and "history" in item.data:
            yield _row_trace(item, str(path))
        elif isinstance(item.data, dict) and ("action" in item.data or "observation" in item.data):
            events.append(item.data)
        else:
            yield Problem(str(path), item.label, "not an OpenHands event or evaluation row")
    if events:
        yield _trace(events, str(path), {})


def _row_trace(record: Record, source: str) -> Trace:
    row = record.data
    history = row.get("history")
    events = _flatten(history if isinstance(history, list) else [])
    return _trace(events, source, row)


def _issue(row: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    """A resolver row's issue as (``owner/repo#number``, ``owner/repo``, title)."""
    issue = mapping(row.get("issue"))
    owner, repo = fields.text(issue.get("owner"), 100), fields.text(issue.get("repo"), 100)
    number = fields.integer(issue.get("number"))
    repository = f"{owner}/{repo}" if owner and repo else None
    key = f"{repository}#{number}" if repository and number is not None else None
    return key, repository, fields.text(issue.get("title"), 300)


def _flatten(history: list[Any]) -> list[dict[str, Any]]:
    """Old rows keep ``[action, observation]`` pairs; newer ones a flat list of events."""
    events: list[dict[str, Any]] = []
    for entry in history:
        if isinstance(entry, list):
            events.extend(e for e in entry if isinstance(e, dict))
        elif isinstance(entry, dict):
            events.append(entry)
    return events


def _trace(events: list[dict[str, Any]], source: str, row: dict[str, Any]) -> Trace:
    steps, actions = _steps(events)
    metadata = mapping(row.get("metadata"))
    metrics = mapping(row.get("metrics")) or _last_metrics(events)
    usage = mapping(metrics.get("accumulated_token_usage"))
    model = fields.text(mapping(metadata.get("llm_config")).get("model"), 200) or _model(events)
    instruction = row.get("instruction") or next(
        (mapping(e.get("args")).get("content") or e.get("message") for e in events
         if e.get("source") == "user" and e.get("action") == "message"), "")  # fmt: skip
    test_result = mapping(row.get("test_result"))
    patch = test_result.get("git_patch", row.get("git_patch"))
    issue, repository, title = _issue(row)
    model = fields.text(row.get("model"), 200) or model
    trace = Trace(
        task=Task(
            id=fields.text(row.get("instance_id"), 200) or issue,
            title=title,
            instruction=fields.clean_text(instruction, fields.INSTRUCTION_LIMIT),
            repository=repository,
        ),
        agent=Agent(
            name=fields.text(metadata.get("agent_class"), 200) or "openhands",
            model=model.rsplit("/", 1)[-1] if model else None,
        ),
        steps=steps,
        changes=parse_diff(patch) if isinstance(patch, str) else Changes(known=False),
        metrics=Metrics(
            input_tokens=fields.integer(usage.get("prompt_tokens")),
            output_tokens=fields.integer(usage.get("completion_tokens")),
            cache_tokens=fields.integer(usage.get("cache_read_tokens")),
            cost_usd=fields.number(metrics.get("accumulated_cost")),
            turns=actions or None,
        ),
        run_id=fields.text(row.get("instance_id"), 200) or issue,
        source=source,
    )
    verdict = _verdict(row, test_result)
    error = fields.text(row.get("error")) or _final_error(events)
    return fields.finalize(
        trace,
        status=None if verdict is not None else ("error" if error else None),
        reward_value=verdict,
        error=error,
        details=[],
    )


def _steps(events: list[dict[str, Any]]) -> tuple[list[Step], int]:
    """Steps of the agent's actions, each failed or not by its observation."""
    observations: dict[Any, dict[str, Any]] = {}
    for event in events:
        if "observation" in event:
            key = event.get("cause", mapping(event.get("tool_call_metadata")).get("tool_call_id"))
            observations.setdefault(fields.key(key), event)
    steps, actions = [], 0
    for event in events:
        action = event.get("action")
        if not isinstance(action, str) or event.get("source") == "user":
            continue
        actions += 1
        if action in _SKIPPED_ACTIONS:
            continue
        metadata = mapping(event.get("tool_call_metadata"))
        tool = fields.text(metadata.get("function_name"), 200) or action
        observation = observations.get(fields.key(event.get("id"))) or observations.get(
            fields.key(metadata.get("tool_call_id")), {}
        )
        output = fields.text(observation.get("content"), 4000) or ""
        exit_code = mapping(mapping(observation.get("extras")).get("metadata")).get("exit_code")
        failed = observation.get("observation") == "error" or (
            isinstance(exit_code, int) and not isinstance(exit_code, bool) and exit_code != 0
        )
        steps.append(step(tool, mapping(event.get("args")), output, failed=failed))
    return steps, actions


def _verdict(row: dict[str, Any], test_result: dict[str, Any]) -> float | None:
    report = mapping(test_result.get("report"))
    for holder in (report, test_result, row):
        if isinstance(holder.get("resolved"), bool):
            return 1.0 if holder["resolved"] else 0.0
    if isinstance(row.get("success"), bool):  # the resolver's own judgement of its fix
        return 1.0 if row["success"] else 0.0
    return None


def _final_error(events: list[dict[str, Any]]) -> str | None:
    """The reason of a stream that ended in the ``error`` state."""
    for event in reversed(events):
        extras = mapping(event.get("extras"))
        if event.get("observation") == "agent_state_changed":
            if extras.get("agent_state") == "error":
                return fields.text(extras.get("reason")) or "AgentError"
            return None
    return None


def _last_metrics(events: list[dict[str, Any]]) -> dict[str, Any]:
    for event in reversed(events):
        if isinstance(event.get("llm_metrics"), dict):
            return event["llm_metrics"]
    return {}


def _model(events: list[dict[str, Any]]) -> str | None:
    for event in events:
        response = mapping(mapping(event.get("tool_call_metadata")).get("model_response"))
        if isinstance(response.get("model"), str):
            return response["model"]
    return None
