"""Codex CLI session rollouts (``~/.codex/sessions/…/rollout-*.jsonl``), one trace per file.

Each line is ``{timestamp, type, payload}``: ``session_meta``, ``turn_context`` (the model),
``response_item`` (``function_call`` / ``function_call_output``, ``custom_tool_call`` for
``apply_patch``, messages) and ``event_msg`` (``token_count`` totals, ``user_message``,
``turn_aborted``). Shell calls give their exit code in the output, in one of three shapes.
A rollout holds no test verdict; an aborted turn is recorded as the run's error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson

from engram.loaders import fields
from engram.loaders.claude_stream import mapping
from engram.loaders.records import Problem, Share, read_records
from engram.loaders.steps import exit_code, json_arguments, step
from engram.parse.diff import parse_diff
from engram.trace import Agent, Changes, Metrics, Task, Trace

NAME = "codex"
_ENVELOPE_TYPES = frozenset({"session_meta", "turn_context", "response_item", "event_msg",
                             "compacted"})  # fmt: skip


def sniff(first: dict[str, Any], path: Path) -> bool:
    return (first.get("type") in _ENVELOPE_TYPES and "payload" in first) or (
        {"id", "instructions", "git"} <= first.keys()  # before Sept 2025
    )


def load(
    path: Path, on_progress: Callable[[int], None] | None = None, share: Share | None = None
) -> Iterator[Trace | Problem]:
    if share is not None and not share.reports_files:
        return
    items: list[dict[str, Any]] = []
    for item in read_records(path, "items", on_progress):
        if isinstance(item, Problem):
            yield item
        elif isinstance(item.data, dict):
            data = item.data
            items.append(mapping(data.get("payload")) | {"_type": data.get("type")}
                         if "payload" in data else data)  # fmt: skip
    if not items:
        yield Problem(str(path), None, "no Codex rollout items in the file")
        return
    yield _trace(items, str(path))


def _trace(items: list[dict[str, Any]], source: str) -> Trace:
    calls: dict[str, tuple[str, Any]] = {}
    steps = []
    session_id = model = instruction = error = None
    tokens: dict[str, Any] = {}
    patches: list[str] = []
    for item in items:
        kind, envelope = item.get("type"), item.get("_type")
        if envelope == "session_meta" or ("instructions" in item and "git" in item):
            session_id = fields.text(item.get("id") or item.get("session_id"), 200)
        elif envelope == "turn_context":
            model = fields.text(item.get("model"), 200) or model
        elif kind in ("function_call", "custom_tool_call", "local_shell_call"):
            name = fields.text(item.get("name"), 200) or "shell"
            arguments = item.get("arguments", item.get("input", item.get("action")))
            calls[str(item.get("call_id"))] = (name, _arguments(arguments))
        elif kind in ("function_call_output", "custom_tool_call_output"):
            name, arguments = calls.pop(str(item.get("call_id")), ("shell", {}))
            output, code = _output(item.get("output"))
            failed = code != 0 if code is not None else None
            steps.append(step(name, arguments, output, failed=failed))
            patch = arguments.get("patch") if isinstance(arguments, dict) else None
            if isinstance(patch, str) and not steps[-1].is_error:
                patches.append(patch)
        elif kind == "token_count":
            tokens = mapping(mapping(item.get("info")).get("total_token_usage")) or tokens
        elif kind == "user_message" and instruction is None:
            instruction = fields.text(item.get("message"), fields.INSTRUCTION_LIMIT)
        elif kind == "turn_aborted":
            error = f"TurnAborted: {fields.text(item.get('reason'), 200) or 'aborted'}"
        elif kind == "message" and item.get("role") == "user" and instruction is None:
            text = _message_text(item.get("content"))
            if text and not text.lstrip().startswith(
                ("<environment_context", "<user_instructions")
            ):
                instruction = text
    trace = Trace(
        task=Task(instruction=fields.clean_text(instruction, fields.INSTRUCTION_LIMIT)),
        agent=Agent(name="codex", model=model),
        steps=steps,
        changes=patch_changes(patches) if patches else Changes(known=False),
        metrics=Metrics(
            input_tokens=fields.integer(tokens.get("input_tokens")),
            output_tokens=fields.integer(tokens.get("output_tokens")),
            cache_tokens=fields.integer(tokens.get("cached_input_tokens")),
        ),
        run_id=session_id,
        source=source,
    )
    return fields.finalize(trace, status="error" if error else None, reward_value=None,
                           error=error, details=[])  # fmt: skip


def _arguments(raw: Any) -> Any:
    """Call arguments: a JSON string for functions, the raw patch for ``apply_patch``."""
    if isinstance(raw, str) and ("*** Begin Patch" in raw or raw.lstrip().startswith("diff --git")):
        changes = patch_changes([raw])
        return {"patch": raw, "path": changes.files[0] if changes.files else ""}
    raw = json_arguments(raw, "command")
    if isinstance(raw, dict):
        command = raw.get("command", raw.get("cmd"))
        if isinstance(command, list):  # ["bash", "-lc", "pytest -q"]
            shell = [str(part) for part in command]
            raw = {
                **raw,
                "command": shell[-1] if shell[:1] in (["bash"], ["sh"]) else " ".join(shell),
            }
        elif isinstance(command, str):
            raw = {**raw, "command": command}
    return raw


def _output(raw: Any) -> tuple[str, int | None]:
    """A call's output text and exit code: a JSON ``{output, metadata: {exit_code}}`` string,
    or plain text saying ``Process exited with code N`` / ``Exit code: N``."""
    if isinstance(raw, str) and raw.startswith("{"):
        try:
            parsed = orjson.loads(raw)
        except orjson.JSONDecodeError:
            parsed = None
        if isinstance(parsed, dict):
            code = mapping(parsed.get("metadata")).get("exit_code")
            text = fields.text(parsed.get("output"), 4000) or ""
            return text, code if isinstance(code, int) and not isinstance(code, bool) else None
    text = raw if isinstance(raw, str) else ""
    return text[:4000], exit_code(text)


def patch_changes(patches: list[str]) -> Changes:
    """Files and lines of Codex's ``*** Begin Patch`` patches (unified diffs read as such)."""
    files: dict[str, None] = {}
    added = removed = 0
    for patch in patches:
        if patch.lstrip().startswith(("diff --git", "--- ")):
            changes = parse_diff(patch)
            files.update(dict.fromkeys(changes.files))
            added, removed = added + changes.added, removed + changes.removed
            continue
        for line in patch.splitlines():
            for marker in ("*** Add File: ", "*** Update File: ", "*** Delete File: "):
                if line.startswith(marker):
                    files[line[len(marker) :].strip()] = None
            if line.startswith("+") and not line.startswith("+++"):
                added += 1
            elif line.startswith("-") and not line.startswith("---"):
                removed += 1
    return Changes(known=True, files=tuple(files), added=added, removed=removed)


def _message_text(content: Any) -> str | None:
    if isinstance(content, list):
        texts = [mapping(b).get("text") for b in content]
        return "\n".join(t for t in texts if isinstance(t, str)) or None
    return content if isinstance(content, str) else None
