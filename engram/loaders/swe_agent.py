"""SWE-agent ``.traj`` files and mini-swe-agent ``.traj.json`` files, one trace each.

SWE-agent: ``trajectory`` steps (``action`` run, ``observation`` seen), chat ``history``, and
``info`` (``exit_status``, ``submission`` patch, ``model_stats``). mini-swe-agent: ``messages``
(bash blocks or tool calls, then ``<returncode>`` observations), ``info`` and
``trajectory_format``. Beside them a batch writes ``preds.json`` (the patches again), logs and
YAML, which hold no run. Neither holds a test verdict: ``exit_cost`` / ``LimitsExceeded`` are the
agent's own limit (a valid fail), API and environment exits are not the agent's doing, and a
submitted run is a measurement only when a verdict (``resolved``, ``reward``) was added.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson

from engram.loaders import fields
from engram.loaders.claude_stream import mapping
from engram.loaders.records import Problem, Share
from engram.loaders.steps import json_arguments, read_json, step
from engram.parse.diff import parse_diff
from engram.trace import Agent, Changes, Metrics, Step, Task, Trace

NAME = "swe_agent"
KNOWN_MINI_FORMATS = ("mini-swe-agent-1", "mini-swe-agent-1.1")
_BASH_BLOCK = re.compile(r"```(?:bash|sh)?\s*\n(.*?)```", re.DOTALL)
# SWE-agent's own commands (its "ACI"); any other action is a shell command.
_ACI = frozenset({
    "open", "goto", "scroll_up", "scroll_down", "create", "edit", "search_dir", "search_file",
    "find_file", "submit", "str_replace_editor", "insert", "filemap", "view", "exit_forfeit",
})  # fmt: skip
# exit_status words by what they say about the run.
_EXIT_CLASSES = {
    "exit_cost": "budget", "exit_context": "budget", "exit_total_execution_time": "budget",
    "exit_command_timeout": "budget", "limitsexceeded": "budget", "timeout": "budget",
    "exit_api": "model_provider", "exit_environment_error": "infrastructure",
}  # fmt: skip


def sniff(first: dict[str, Any], path: Path) -> bool:
    if path.name.lower().endswith((".traj", ".traj.json")):
        return True
    return "trajectory_format" in first or (
        "trajectory" in first and bool({"history", "info", "environment"} & first.keys())
    )


def companion(head: dict[str, Any], path: Path) -> bool:
    """Predictions (``preds.json``: instance → patch) and a batch's SWE-bench report, which a
    run writes beside its trajectories."""
    records = getattr(head, "records", None) or [head]
    if path.name in ("preds.json", "all_preds.jsonl"):
        return True
    if any({"model_patch", "instance_id"} <= record.keys() for record in records):
        return True
    return {"resolved_ids", "submitted_instances"} <= head.keys()


def load(
    path: Path, on_progress: Callable[[int], None] | None = None, share: Share | None = None
) -> Iterator[Trace | Problem]:
    if share is not None and not share.reports_files:
        return
    data, problem = read_json(path)
    if problem or not isinstance(data, dict):
        yield Problem(str(path), None, problem or "not a trajectory object")
        return
    trajectory_format = data.get("trajectory_format")
    if isinstance(trajectory_format, str) or "messages" in data:
        if isinstance(trajectory_format, str) and trajectory_format not in KNOWN_MINI_FORMATS:
            yield Problem(str(path), None, f"trajectory format {trajectory_format!r} is newer "
                          "than engram knows; read as well as it can be", warning=True)  # fmt: skip
        yield _mini_trace(data, str(path))
    elif isinstance(data.get("trajectory"), list):
        yield _swe_trace(data, str(path))
    else:
        yield Problem(str(path), None, "neither a SWE-agent nor a mini-swe-agent trajectory")


def _swe_trace(data: dict[str, Any], source: str) -> Trace:
    steps = []
    for entry in data["trajectory"]:
        entry = mapping(entry)
        action = entry.get("action")
        if isinstance(action, str) and action.strip():
            steps.append(_action_step(action.strip(), fields.text(entry.get("observation"), 4000)))
    info = mapping(data.get("info"))
    replay = _replay_config(data.get("replay_config"))
    model = fields.text(mapping(mapping(replay.get("agent")).get("model")).get("name"), 200)
    stats = mapping(info.get("model_stats"))
    instruction = _first_user_text(data.get("history")) or fields.text(
        mapping(mapping(replay.get("problem_statement"))).get("text"), fields.INSTRUCTION_LIMIT
    )
    trace = Trace(
        task=Task(id=_instance_id(source), instruction=instruction or ""),
        agent=Agent(name="swe-agent", model=_bare_model(model)),
        steps=steps,
        changes=_changes(info.get("submission")),
        metrics=Metrics(
            input_tokens=fields.integer(stats.get("tokens_sent")),
            output_tokens=fields.integer(stats.get("tokens_received")),
            cost_usd=fields.number(stats.get("instance_cost")),
            turns=fields.integer(stats.get("api_calls")),
        ),
        run_id=_instance_id(source),
        source=source,
    )
    return _finish(trace, info, data)


def _action_step(action: str, observation: str | None) -> Step:
    first, _, rest = action.partition(" ")
    command = first.strip()
    if command in _ACI:
        arguments: dict[str, Any] = {"command": rest.strip()}
        if command == "str_replace_editor":
            words = rest.split()
            arguments = {"command": " ".join(words[:1]), "path": words[1] if len(words) > 1 else ""}
        elif command in ("open", "create", "edit"):
            arguments["path"] = rest.split()[0] if rest.split() else ""
        return step(command, arguments, observation or "")
    return step("bash", {"command": action}, observation or "")


def _mini_trace(data: dict[str, Any], source: str) -> Trace:
    info = mapping(data.get("info"))
    messages = [mapping(m) for m in fields.items(data.get("messages")) if isinstance(m, dict)]
    steps: list[Step] = []
    pending: dict[str, tuple[str, Any]] = {}  # tool call id: (tool, arguments)
    commands: list[str] = []
    input_tokens = output_tokens = 0
    for message in messages:
        role = message.get("role")
        extra = mapping(message.get("extra"))
        usage = mapping(mapping(extra.get("response")).get("usage"))
        input_tokens += fields.integer(usage.get("prompt_tokens")) or 0
        output_tokens += fields.integer(usage.get("completion_tokens")) or 0
        if role == "assistant":
            for call in fields.items(message.get("tool_calls")):
                function = mapping(mapping(call).get("function"))
                name = fields.text(function.get("name"), 200) or "bash"
                pending[str(mapping(call).get("id"))] = (
                    name,
                    json_arguments(function.get("arguments"), "command"),
                )
            if not message.get("tool_calls"):
                commands = [c.strip() for c in _BASH_BLOCK.findall(_content(message))][:1]
        elif role == "tool" and str(message.get("tool_call_id")) in pending:
            name, arguments = pending.pop(str(message.get("tool_call_id")))
            code = extra.get("returncode")
            failed = code != 0 if isinstance(code, int) and not isinstance(code, bool) else None
            steps.append(step(name, arguments, _content(message), failed=failed))
        elif role == "user" and commands:
            steps.append(step("bash", {"command": commands.pop()}, _content(message)))
    config = mapping(info.get("config"))
    model = fields.text(mapping(config.get("model")).get("model_name"), 200)
    user_texts = [_content(m) for m in messages if m.get("role") == "user"]
    trace = Trace(
        task=Task(id=_instance_id(source, data), instruction=user_texts[0] if user_texts else ""),
        agent=Agent(name="mini-swe-agent", model=_bare_model(model)),
        steps=steps,
        changes=_changes(info.get("submission")),
        metrics=Metrics(
            input_tokens=input_tokens or None,
            output_tokens=output_tokens or None,
            cost_usd=fields.number(mapping(info.get("model_stats")).get("instance_cost")),
            turns=fields.integer(mapping(info.get("model_stats")).get("api_calls")),
        ),
        run_id=_instance_id(source, data),
        source=source,
    )
    return _finish(trace, info, data)


def _finish(trace: Trace, info: dict[str, Any], data: dict[str, Any]) -> Trace:
    """The outcome: a verdict if one was added, else what the exit status says."""
    exit_status = fields.text(info.get("exit_status"), 200) or ""
    key = exit_status.lower().split(" ")[0].strip("()")
    inner = (
        exit_status[exit_status.find("(") + 1 : exit_status.rfind(")")]
        if "(" in exit_status
        else ""
    )
    cause = _EXIT_CLASSES.get(key) or _EXIT_CLASSES.get(inner.lower())
    verdict = _verdict(info, data)
    status: str | None = None
    if verdict is None and cause in ("budget",):
        status = "fail"
    elif verdict is None and cause is not None:
        status = "error"
    error = f"ExitStatus: {exit_status}" if cause else None
    return fields.finalize(
        trace, status=status, reward_value=verdict, error=error, details=[], cause=cause
    )


def _verdict(info: dict[str, Any], data: dict[str, Any]) -> float | None:
    """A test verdict some pipelines add to the file (``resolved`` or ``reward``)."""
    for holder in (info, data):
        if isinstance(holder.get("resolved"), bool):
            return 1.0 if holder["resolved"] else 0.0
        if holder.get("reward") is not None:
            try:
                return fields.reward(holder["reward"], "reward")
            except fields.RecordError:
                return None
    return None


def _changes(submission: Any) -> Changes:
    return parse_diff(submission) if isinstance(submission, str) else Changes(known=False)


def _replay_config(raw: Any) -> dict[str, Any]:
    if isinstance(raw, dict):
        return raw
    if isinstance(raw, str):
        try:
            parsed = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return {}
        return parsed if isinstance(parsed, dict) else {}
    return {}


def _first_user_text(history: Any) -> str | None:
    for message in fields.items(history):
        message = mapping(message)
        if message.get("role") == "user" and not message.get("is_demo"):
            text = _content(message)
            if text:
                return fields.clean_text(text, fields.INSTRUCTION_LIMIT)
    return None


def _content(message: dict[str, Any]) -> str:
    """A message's text, whether a string or a list of text blocks."""
    content = message.get("content")
    if isinstance(content, str):
        return content[: fields.INSTRUCTION_LIMIT]
    parts = [
        block.get("text", "") if isinstance(block, dict) else str(block)
        for block in fields.items(content)
        if isinstance(block, dict | str)
    ]
    return "\n".join(p for p in parts if isinstance(p, str))[: fields.INSTRUCTION_LIMIT]


def _instance_id(source: str, data: dict[str, Any] | None = None) -> str:
    if data and isinstance(data.get("instance_id"), str):
        return data["instance_id"]
    name = Path(source).name
    for suffix in (".traj.json", ".traj", ".json"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _bare_model(model: str | None) -> str | None:
    return model.rsplit("/", 1)[-1] if model else None
