"""Claude Code transcripts: ``claude -p --output-format stream-json`` output and session logs
(``~/.claude/projects/*/<session>.jsonl``), one trace per session.

Nothing here judges the task: ``result.subtype: success`` means the agent stopped without an
error, not that it solved anything. So a transcript alone is ``unmeasured`` (counted, never in
pass rates), unless it ended in an error not of the agent's making; a harness that ran a
verifier (Harbor) completes it with the verdict.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson

from engram.errors import os_reason
from engram.loaders import fields
from engram.loaders.claude_stream import EventReader, StreamSummary, mapping
from engram.loaders.files import log_source
from engram.loaders.records import MAX_RECORD_BYTES, Problem, Share
from engram.loaders.steps import read_json
from engram.parse.marker import injected_rule_ids, withheld_rule_ids
from engram.parse.outcome import RESULT_SUBTYPE_CLASSES
from engram.trace import Agent, Changes, Metrics, Task, Trace

NAME = "claude_code"
AGENT_NAME = "claude-code"
#: Records that carry the conversation: a file with none of them is a session never used.
CONVERSATION_KINDS = frozenset({"system", "assistant", "user", "result"})
#: Every record kind Claude Code is known to write (stream-json and session logs), read or not;
#: another kind is a newer version's: read around, with a warning.
RECORD_KINDS = CONVERSATION_KINDS | frozenset({
    "summary", "queue-operation", "progress", "file-history-snapshot", "file-history-delta",
    "attachment", "permission-mode", "mode", "last-prompt", "custom-title", "ai-title",
    "agent-name", "tag", "pr-link", "stream_event", "control_request", "control_response",
    "control_cancel_request", "tool_progress", "auth_status", "keep_alive",
})  # fmt: skip
_SESSION_ID = re.compile(r"[\w.-]{1,200}")  # a session id that can name a folder
_EVENT_KEYS = frozenset({"session_id", "sessionId", "uuid", "message", "leafUuid", "subtype"})


def sniff(head: dict[str, Any], path: Path) -> bool:
    """A Claude Code record among the file's first: in JSON Lines, or the JSON array of events
    that ``--output-format json --verbose`` prints, or the single result it prints without."""
    records = getattr(head, "records", None) or [head]
    return any(_is_record(record) for record in records)


def _is_record(record: dict[str, Any]) -> bool:
    kind = record.get("type")
    if kind == "file-history-snapshot":
        return "snapshot" in record or "messageId" in record
    return kind in RECORD_KINDS and bool(_EVENT_KEYS.intersection(record))


def companion(head: dict[str, Any], path: Path) -> bool:
    """A sub-agent's log (``agent-*.jsonl``), read into its session's trace."""
    return path.name.startswith("agent-") and head.get("isSidechain") is True


def load(
    path: Path, on_progress: Callable[[int], None] | None = None, share: Share | None = None
) -> Iterator[Trace | Problem]:
    """One trace per session in the file; unreadable lines are named and skipped.

    A session log's sub-agents, kept in ``agent-*.jsonl`` files beside it (or in
    ``<session>/subagents/``), are read into its trace as side chains; such a file met on its
    own is left to its session.
    """
    if share is not None and not share.reports_files:
        return  # a transcript is one record: worker 0 reads it
    if path.name.startswith("agent-") and _first_event(path).get("isSidechain") is True:
        return
    name = str(path)
    reader: EventReader | None = None
    conversation = False
    unknown: dict[str, tuple[str, int]] = {}  # kind: (first line, count)
    for label, item in _events(path, on_progress):
        if isinstance(item, Problem):
            yield item
            continue
        kind = item.get("type") if isinstance(item, dict) else None
        kind = kind if isinstance(kind, str) else None
        if kind is not None and kind not in RECORD_KINDS:
            first, count = unknown.get(kind, (label, 0))
            unknown[kind] = (first, count + 1)
        conversation = conversation or kind in CONVERSATION_KINDS
        if reader is not None and _starts_another_session(reader.summary, item):
            yield to_trace(reader.summary, source=name)
            reader = None
        reader = reader or EventReader()
        reader.feed(item)
    for kind, (first, count) in unknown.items():
        yield Problem(name, first, f"{count} record(s) of kind {kind[:60]!r}, unknown to engram "
                      "(a newer Claude Code?), were ignored", warning=True)  # fmt: skip
    if reader is None or not reader.summary.events:
        yield Problem(name, None, "no Claude Code events in the file")
        return
    if not conversation:
        yield Problem(name, None, "an empty session: no conversation, only bookkeeping records",
                      empty=True)  # fmt: skip
        return
    for subagent in _subagent_logs(path, reader.summary.session_id):
        for _label, item in _events(subagent, None):
            if isinstance(item, Problem):
                yield item
            else:
                reader.feed({**item, "isSidechain": True})
    yield to_trace(reader.summary, source=name)


def _events(path: Path, on_progress: Callable[[int], None] | None) -> Iterator[tuple[str, Any]]:
    """Each event of a transcript (JSON Lines, or one JSON array of events) with where it is,
    or a Problem naming what is not one."""
    name = str(path)
    try:
        source = log_source(path)
        start = source.read(64) if source is not None else b""
    except OSError as exc:
        yield "", Problem(name, None, f"cannot read the file: {os_reason(exc)}")
        return
    if source is None:
        yield "", Problem(name, None, "cannot read the file: it is not a regular file")
        return
    if start.lstrip().startswith(b"["):
        source.close()
        yield from _array_events(path)
        return
    source.seek(0)
    with source:
        for number, line in enumerate(iter(lambda: source.readline(MAX_RECORD_BYTES + 1), b""), 1):
            label = f"line {number}"
            if len(line) > MAX_RECORD_BYTES:
                yield label, Problem(name, label, "event larger than 64 MB, skipped")
                while line and not line.endswith(b"\n"):
                    line = source.readline(MAX_RECORD_BYTES)
                continue
            if not line.strip():
                continue
            try:
                yield label, orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                truncated = not line.endswith(b"\n")
                what = "truncated event" if truncated else "invalid JSON"
                yield label, Problem(name, label, f"{what}: {exc}")
                continue
            if on_progress is not None and number % 256 == 0:
                on_progress(source.tell())


def _array_events(path: Path) -> Iterator[tuple[str, Any]]:
    """The events of a transcript that is one JSON array."""
    data, problem = read_json(path)
    if problem or not isinstance(data, list):
        yield "", Problem(str(path), None, problem or "not a list of events")
    else:
        yield from ((f"record {number}", event) for number, event in enumerate(data, 1))


def _first_event(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            event = orjson.loads(handle.readline(MAX_RECORD_BYTES))
    except (OSError, orjson.JSONDecodeError):
        return {}
    return event if isinstance(event, dict) else {}


def _subagent_logs(path: Path, session_id: str | None) -> list[Path]:
    """Sub-agent logs of a session: ``<session>/subagents/agent-*.jsonl`` (Claude Code 2.1.2
    and later) and ``agent-*.jsonl`` beside the session log whose entries name the session."""
    if not session_id or path.name.startswith("agent-") or not _SESSION_ID.fullmatch(session_id):
        return []
    nested = path.parent / session_id / "subagents"
    try:
        with os.scandir(nested) as found:  # most sessions have none: one failed call
            names = sorted(entry.name for entry in found if _is_agent_log(entry.name))
    except OSError:  # none there (or none that can be listed)
        names = []
    return [nested / name for name in names] + _agent_logs_beside(path.parent).get(session_id, [])


def _is_agent_log(name: str) -> bool:
    return name.startswith("agent-") and name.endswith(".jsonl")


#: Listings of agent logs beside session logs, by folder and its modification time.
_BESIDE: dict[tuple[str, int], dict[str, list[Path]]] = {}
_SETTLED_NS = 2_000_000_000  # a folder unchanged this long is listed once for all its sessions


def _agent_logs_beside(folder: Path) -> dict[str, list[Path]]:
    """The ``agent-*.jsonl`` logs in ``folder``, by the session their first entry names. A
    project folder holds thousands of sessions, and looking through it again for each made
    reading it quadratic; so a folder that has settled is looked through once while it stays
    as it is (its modification time changes when a file comes or goes)."""
    try:
        changed = os.stat(folder).st_mtime_ns
    except OSError:
        return {}
    key = (str(folder), changed)
    if key in _BESIDE:
        return _BESIDE[key]
    try:
        with os.scandir(folder) as found:
            names = sorted(entry.name for entry in found if _is_agent_log(entry.name))
    except OSError:
        return {}
    logs: dict[str, list[Path]] = {}
    whole = True  # every log names its session (one still empty may name it later)
    for name in names:
        session = _first_event(folder / name).get("sessionId")
        if isinstance(session, str):
            logs.setdefault(session, []).append(folder / name)
        else:
            whole = False
    if whole and time.time_ns() - changed > _SETTLED_NS:
        if len(_BESIDE) >= 64:
            _BESIDE.clear()
        _BESIDE[key] = logs
    return logs


def _starts_another_session(summary: StreamSummary, event: Any) -> bool:
    if not isinstance(event, dict) or summary.session_id is None:
        return False
    session = event.get("session_id", event.get("sessionId"))
    new_run = event.get("type") == "system" and event.get("subtype") == "init"
    return (
        isinstance(session, str)
        and session != summary.session_id
        and (new_run or summary.result is not None)
    )


def to_trace(summary: StreamSummary, source: str | None = None) -> Trace:
    """The finished Trace of a Claude Code event stream, its outcome from the result event."""
    _agent_says, error, details, cause = outcome_of(summary.result or {})
    return fields.finalize(
        unfinished_trace(summary, source),
        status="unmeasured",
        reward_value=None,
        error=error,
        details=details,
        cause=cause,
    )


def unfinished_trace(summary: StreamSummary, source: str | None = None) -> Trace:
    """What the event stream shows, for a harness to complete and ``fields.finalize``."""
    result = summary.result or {}
    trace = Trace(
        task=Task(instruction=fields.clean_text(summary.instruction, fields.INSTRUCTION_LIMIT)),
        agent=Agent(
            name=AGENT_NAME,
            model=summary.model,
            tools=summary.tools,
            mcp_servers=summary.mcp_servers,
        ),
        steps=summary.steps,
        changes=changes_of(summary),
        metrics=metrics_of(result, summary.usage),
        run_id=summary.session_id,
        source=source,
    )
    trace.denied_tools = denied_tools(result)
    trace.injected_rules = injected_rule_ids("\n".join(summary.given))  # given by a hook
    trace.withheld_rules = withheld_rule_ids("\n".join(summary.given))
    return trace


def outcome_of(result: dict[str, Any]) -> tuple[str | None, str | None, list[str], str | None]:
    """(status, error, details, cause) from a ``result`` event; all None without one."""
    if not result:
        return None, None, [], None
    raw_subtype = result.get("subtype")
    subtype = raw_subtype if isinstance(raw_subtype, str) else ""
    message = fields.text(result.get("result")) or ""
    cause = RESULT_SUBTYPE_CLASSES.get(subtype)
    if subtype == "success" and result.get("is_error") is not True:
        return "pass", None, [], None
    if cause == "budget":
        return "fail", f"ClaudeCode: {subtype}", [message], cause
    return "error", f"ClaudeCode: {subtype or 'error'}", [message], cause


def metrics_of(result: dict[str, Any], usage: dict[str, int]) -> Metrics:
    """Token counts, cost, duration and turns, from the result event or the summed usage."""
    totals = mapping(result.get("usage")) or usage
    cache = [fields.integer(totals.get(key)) for key in
             ("cache_creation_input_tokens", "cache_read_input_tokens")]  # fmt: skip
    duration_ms = fields.number(result.get("duration_ms"))
    return Metrics(
        input_tokens=fields.integer(totals.get("input_tokens")),
        output_tokens=fields.integer(totals.get("output_tokens")),
        cache_tokens=sum(c for c in cache if c) if any(cache) else None,
        cost_usd=fields.number(result.get("total_cost_usd")),
        duration_s=duration_ms / 1000 if duration_ms is not None else None,
        turns=fields.integer(result.get("num_turns")),
    )


def changes_of(summary: StreamSummary) -> Changes:
    """Files the run's edit calls changed; unknown when it made none (it may have edited
    through the shell, which a transcript does not show as a diff)."""
    if not summary.edited:
        return Changes(known=False)
    return Changes(
        known=True,
        files=tuple(summary.edited),
        added=sum(added for added, _ in summary.edited.values()),
        removed=sum(removed for _, removed in summary.edited.values()),
    )


def denied_tools(result: dict[str, Any]) -> tuple[str, ...]:
    denials = result.get("permission_denials")
    names = (fields.text(mapping(d).get("tool_name"), 200) for d in fields.items(denials))
    return tuple(name for name in names if name) if isinstance(denials, list) else ()
