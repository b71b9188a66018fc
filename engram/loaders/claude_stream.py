"""Read Claude Code's events (``claude -p --output-format stream-json``, and session logs)
into steps.

The events: ``system``/``init`` with the tool list and MCP servers, ``assistant`` messages whose
content has ``tool_use`` blocks, ``user`` messages with ``tool_result`` blocks, and a final
``result``; session logs hold the same messages, one entry a line. One API message may arrive
as several ``assistant`` events: tool calls are counted once by their id, usage once by the
message's id.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from engram.parse.marker import BEGIN_PREFIX
from engram.trace import Step

INPUT_LIMIT = 300
OUTPUT_LIMIT = 1000
_PATH_KEYS = ("file_path", "notebook_path", "path", "filename", "target_file")
_SUMMARY_KEYS = (
    "command", "file_path", "notebook_path", "pattern", "query", "url", "path",
    "subagent_type", "description", "prompt",
)  # fmt: skip


@dataclass(slots=True)
class StreamSummary:
    steps: list[Step] = field(default_factory=list)
    tools: tuple[str, ...] = ()
    mcp_servers: tuple[str, ...] = ()
    model: str | None = None
    version: str | None = None
    session_id: str | None = None
    instruction: str | None = None  # the first prompt a session log records
    result: dict[str, Any] | None = None
    usage: dict[str, int] = field(default_factory=dict)  # summed once per API message
    edited: dict[str, list[int]] = field(default_factory=dict)  # path: [added, removed]
    events: int = 0
    given: list[str] = field(default_factory=list)  # engram blocks hooks added to the context


def read_events(events: Iterable[Any]) -> StreamSummary:
    """What a Claude Code event stream shows: tool calls and their results, tools and MCP
    servers, model, first prompt, token usage, files edited and the final result.

    Reads stream-json events and session-log entries alike (both carry API ``message``s);
    a session's side chains (sub-agents) are steps under a parent, as stream-json's
    ``parent_tool_use_id`` steps are.
    """
    reader = EventReader()
    for event in events:
        reader.feed(event)
    return reader.summary


class EventReader:
    """``read_events`` one event at a time, for streams too long to hold."""

    def __init__(self) -> None:
        self.summary = StreamSummary()
        self._calls: dict[str, Call] = {}
        self._messages: set[str] = set()

    def feed(self, event: Any) -> None:
        if not isinstance(event, dict):
            return
        summary = self.summary
        summary.events += 1
        kind = event.get("type")
        if summary.session_id is None:
            session = event.get("session_id", event.get("sessionId"))
            summary.session_id = session if isinstance(session, str) else None
        if summary.version is None:
            version = event.get("claude_code_version", event.get("version"))
            summary.version = version if isinstance(version, str) else None
        if kind == "system" and event.get("subtype") == "init":
            summary.tools = tuple(t for t in _list(event.get("tools")) if isinstance(t, str))
            summary.mcp_servers = tuple(_server_names(event.get("mcp_servers")))
            if isinstance(event.get("model"), str):
                summary.model = event["model"]
        elif kind == "assistant":
            message = event.get("message")
            if isinstance(message, dict):
                _read_assistant(summary, self._calls, self._messages, event, message)
        elif kind == "user":
            message = event.get("message")
            if isinstance(message, dict):
                _read_user(summary, self._calls, event, message)
        elif kind == "result":
            summary.result = event
        elif kind == "attachment":
            _read_attachment(summary, event.get("attachment"))


def _read_attachment(summary: StreamSummary, attachment: Any) -> None:
    """Context a hook gave the session (Claude Code 2.1 records it as ``hook_additional_context``
    attachments): engram's blocks say which rules the session was given."""
    if not isinstance(attachment, dict) or attachment.get("type") != "hook_additional_context":
        return
    content = attachment.get("content")
    for text in content if isinstance(content, list) else [content]:
        if isinstance(text, str) and BEGIN_PREFIX in text and len(summary.given) < 20:
            summary.given.append(text[:200_000])


def _read_assistant(
    summary: StreamSummary,
    by_id: dict[str, Call],
    seen_messages: set[str],
    event: dict[str, Any],
    message: dict[str, Any],
) -> None:
    if summary.model is None and isinstance(message.get("model"), str):
        summary.model = message["model"]
    message_id = message.get("id")
    if isinstance(message_id, str) and message_id not in seen_messages:
        seen_messages.add(message_id)  # one API message may arrive as several events
        for key, value in mapping(message.get("usage")).items():
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                summary.usage[key] = summary.usage.get(key, 0) + value
    parent = event.get("parent_tool_use_id")
    if not isinstance(parent, str):
        parent = "sidechain" if event.get("isSidechain") is True else None
    for block in _list(message.get("content")):
        if isinstance(block, dict) and block.get("type") == "tool_use":
            _add_call(summary, by_id, block, parent)


def _read_user(
    summary: StreamSummary, by_id: dict[str, Call], event: dict[str, Any], message: dict[str, Any]
) -> None:
    content = message.get("content")
    texts = [content] if isinstance(content, str) else []
    for block in _list(content):
        if not isinstance(block, dict):
            continue
        if block.get("type") == "tool_result":
            _add_result(summary, by_id, block)
        elif block.get("type") == "text" and isinstance(block.get("text"), str):
            texts.append(block["text"])
    if summary.instruction is None and not event.get("isMeta") and not event.get("isSidechain"):
        summary.instruction = user_request("\n".join(texts))


#: What Claude Code wraps around things the user did not ask of the agent: slash commands,
#: ``!`` shell commands and their output, hook and system text.
_WRAPPED = re.compile(
    r"<(command-name|command-message|command-args|command-contents|local-command-stdout|"
    r"local-command-stderr|local-command-caveat|bash-input|bash-stdout|bash-stderr|"
    r"system-reminder|user-prompt-submit-hook)>.*?</\1>",
    re.S,
)
_NOT_A_REQUEST = ("Caveat: The messages below were generated by the user", "[Request interrupted")


def user_request(text: str) -> str | None:
    """The words a user asked the agent for, with Claude Code's wrappers taken out; None when
    a message holds nothing else (a slash command, a shell escape, a caveat)."""
    request = _WRAPPED.sub("", text).strip() if _WRAPPED.search(text) else text
    if not request.strip() or request.lstrip().startswith(_NOT_A_REQUEST):
        return None
    return request


def summarize_input(tool: str, data: Any) -> tuple[str, str | None]:
    """A short text for a tool call's input (the command, the path, the query) and its path."""
    if not isinstance(data, dict):
        return (_text(data)[:INPUT_LIMIT], None)
    path = None
    for key in _PATH_KEYS:
        value = data.get(key)
        if isinstance(value, str):
            path = value
            break
    for key in _SUMMARY_KEYS:
        value = data.get(key)
        if isinstance(value, list) and key == "command":
            value = " ".join(str(part) for part in value)
        if isinstance(value, str) and value:
            return value[:INPUT_LIMIT], path
    for value in data.values():
        if isinstance(value, str) and value:
            return value[:INPUT_LIMIT], path
    return "", path


def result_text(content: Any) -> str:
    """The text of a tool result, whether a string or a list of content blocks."""
    if isinstance(content, str):
        return content[:OUTPUT_LIMIT]
    parts: list[str] = []
    for block in _list(content):
        if isinstance(block, dict) and isinstance(block.get("text"), str):
            parts.append(block["text"])
        elif isinstance(block, str):
            parts.append(block)
        if sum(len(p) for p in parts) >= OUTPUT_LIMIT:
            break
    return "\n".join(parts)[:OUTPUT_LIMIT]


@dataclass(slots=True)
class Call:
    """A tool call waiting for its result, and the lines it changes if it edits a file."""

    step: Step
    edit: tuple[int, int] | None


def _add_call(
    summary: StreamSummary, by_id: dict[str, Call], block: dict[str, Any], parent: str | None
) -> None:
    name = block.get("name")
    if not isinstance(name, str) or not name:
        return
    call_id = block.get("id")
    if isinstance(call_id, str) and call_id in by_id:
        return  # the same call repeated in a split message
    text, path = summarize_input(name, block.get("input"))
    step = Step(tool=name, input=text, path=path, parent=parent)
    summary.steps.append(step)
    if isinstance(call_id, str):
        by_id[call_id] = Call(step, edit_lines(name, block.get("input")) if path else None)


def _add_result(summary: StreamSummary, by_id: dict[str, Call], block: dict[str, Any]) -> None:
    call_id = block.get("tool_use_id")
    call = by_id.get(call_id) if isinstance(call_id, str) else None
    if call is None:
        return
    step = call.step
    step.is_error = step.is_error or block.get("is_error") is True
    step.output = result_text(block.get("content"))
    if call.edit is not None and not step.is_error and step.path:
        added, removed = summary.edited.setdefault(step.path, [0, 0])
        summary.edited[step.path] = [added + call.edit[0], removed + call.edit[1]]
        call.edit = None  # a result repeated later is not a second edit


_REPLACING = ("edit", "str_replace", "replace_in_file", "search_replace")
_WRITING = ("write", "write_file", "create_file")
_EDITORS = ("str_replace_editor", "str_replace_based_edit_tool")
_EDITING = frozenset({*_REPLACING, "multiedit", *_WRITING, "notebookedit", *_EDITORS})


def edit_lines(tool: str, data: Any) -> tuple[int, int] | None:
    """Lines an edit call adds and removes, or None if the call does not edit a file."""
    name = tool.lower()
    if name not in _EDITING or not isinstance(data, dict):
        return None
    if name in _REPLACING:
        return _changed(data.get("old_string", data.get("old_str")),
                        data.get("new_string", data.get("new_str")))  # fmt: skip
    if name == "multiedit":
        total = [0, 0]
        for edit in _list(data.get("edits"))[:1000]:
            added, removed = _changed(
                mapping(edit).get("old_string"), mapping(edit).get("new_string")
            )
            total = [total[0] + added, total[1] + removed]
        return total[0], total[1]
    if name in _WRITING:
        return _count_lines(data.get("content")), 0
    if name == "notebookedit":
        return _count_lines(data.get("new_source")), 0
    if name in _EDITORS:
        command = data.get("command")
        if command == "str_replace":
            return _changed(data.get("old_str"), data.get("new_str"))
        if command in ("create", "insert"):
            return _count_lines(data.get("file_text", data.get("new_str"))), 0
    return None


def _changed(old: Any, new: Any) -> tuple[int, int]:
    """Lines added and removed going from ``old`` to ``new`` (a line diff, capped in size)."""
    old_lines = old.splitlines()[:2000] if isinstance(old, str) else []
    new_lines = new.splitlines()[:2000] if isinstance(new, str) else []
    if len(old_lines) <= 1 and len(new_lines) <= 1:  # most edits: what the matcher would say
        same = int(bool(old_lines) and old_lines == new_lines)
        return len(new_lines) - same, len(old_lines) - same
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    same = sum(block.size for block in matcher.get_matching_blocks())
    return len(new_lines) - same, len(old_lines) - same


def _count_lines(text: Any) -> int:
    return len(text.splitlines()) if isinstance(text, str) else 0


_UNAVAILABLE = frozenset({"failed", "error", "disconnected", "needs-auth", "needs_auth"})


def _server_names(servers: Any) -> list[str]:
    """Servers the agent could use: those the init event does not report as failed."""
    names = []
    for server in _list(servers):
        name = server.get("name") if isinstance(server, dict) else server
        status = server.get("status") if isinstance(server, dict) else None
        if (
            isinstance(name, str)
            and name
            and not (isinstance(status, str) and status in _UNAVAILABLE)
        ):
            names.append(name)
    return names


def mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
