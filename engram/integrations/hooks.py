"""Claude Code hooks: guidance when a session starts, learning when it ends.

``install`` merges engram's hooks into a Claude Code settings file, keeping every other hook
and setting; ``uninstall`` removes only engram's. The registered commands run ``engram hooks
run EVENT``, which reads the hook's event JSON on stdin (``run_hook``).

A hook never harms the session: whatever goes wrong (no store, a locked or broken store, a bad
event) it prints nothing, exits 0 before its timeout, and leaves a line in ``.engram/hooks.log``.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engram.errors import EngramError, os_errors

if TYPE_CHECKING:
    from engram.playbook.guidance import Playbook

#: The events engram hooks into, the matcher it registers, and the hook's timeout in seconds.
EVENTS: dict[str, tuple[str | None, int]] = {
    "SessionStart": ("startup|resume|clear|compact", 10),
    "SessionEnd": (None, 120),
    "UserPromptSubmit": (None, 10),
    "Stop": (None, 10),
}
GIVEN = "hooks-given.json"  # sessions given guidance by their first prompt
PENDING = "hooks-pending.json"  # sessions seen stopping whose end has not been learned
STALE_S = 30 * 60  # a pending session whose log has not changed for this long has ended
_RUN = ("hooks", "run")  # how engram's own commands are told apart from others'
MARGIN = 2.0  # seconds before the hook's timeout by which a hook gives up
LOG = "hooks.log"
#: The reader of a session's guidance: the agent name Claude Code's loaders give its runs
#: (``loaders.claude_code.AGENT_NAME``, which a test holds this to; importing that loader would
#: cost every hook a fifth of its time).
AGENT = "claude-code"


@dataclass(frozen=True, slots=True)
class Installed:
    """One of engram's hooks in a settings file."""

    settings: Path
    event: str
    matcher: str | None
    command: str


def settings_path(user: bool = False, project: Path | None = None) -> Path:
    """The settings file hooks go into: the project's, or the user's (``--user``)."""
    if user:
        return Path.home() / ".claude" / "settings.json"
    return (project or Path.cwd()) / ".claude" / "settings.json"


def command_for(event: str, category: str | None = None, holdout: float = 0.0) -> str:
    """The shell command a hook for ``event`` runs: this Python's engram, wherever it lives."""
    args = [sys.executable, "-m", "engram", *_RUN, _event_name(event)]
    if category and event in ("SessionStart", "UserPromptSubmit"):
        args += ["--category", category]
    if holdout and event in ("SessionStart", "UserPromptSubmit"):
        args += ["--holdout", f"{holdout:g}"]
    return shlex.join(args)


def install(path: Path, category: str | None = None, holdout: float = 0.0) -> list[Installed]:
    """Put engram's hooks into the settings at ``path`` (made if missing), replacing engram's
    earlier ones and keeping everything else; what is installed."""
    settings = _read(path)
    hooks = settings.setdefault("hooks", {})
    if not isinstance(hooks, dict):
        raise EngramError(f"{path}: 'hooks' is not an object", hint="fix the file by hand first")
    _remove_ours(hooks)
    for event, (matcher, timeout) in EVENTS.items():
        group: dict[str, Any] = {"hooks": [{"type": "command", "command": command_for(
            event, category, holdout), "timeout": timeout}]}  # fmt: skip
        if matcher is not None:
            group = {"matcher": matcher, **group}
        hooks.setdefault(event, []).append(group)
    _write(path, settings)
    return installed(path)


def uninstall(path: Path) -> int:
    """Take engram's hooks out of the settings at ``path``; how many were removed."""
    if not path.exists():
        return 0
    settings = _read(path)
    hooks = settings.get("hooks")
    if not isinstance(hooks, dict):
        return 0
    removed = _remove_ours(hooks)
    if not hooks:
        del settings["hooks"]
    if removed:
        _write(path, settings)
    return removed


def installed(path: Path) -> list[Installed]:
    """engram's hooks in the settings at ``path`` (none if it is missing or unreadable)."""
    try:
        hooks = _read(path).get("hooks")
    except EngramError:
        return []
    found = []
    for event, groups in (hooks or {}).items() if isinstance(hooks, dict) else ():
        for group in groups if isinstance(groups, list) else ():
            for hook in _hooks_of(group):
                if _is_ours(hook):
                    found.append(Installed(path, event, group.get("matcher"), hook["command"]))
    return found


def category_notices(category: str | None) -> list[str]:
    """What to say of the category hooks are installed for, if the store does not know it
    (nothing without a store yet: a fresh project learns its first sessions from the hooks)."""
    if not category:
        return []
    from engram.playbook.guidance import suggest

    try:
        return suggest(category).notices
    except EngramError:
        return []


def run_hook(event: str, stdin: str, category: str | None = None, holdout: float = 0.0) -> str:
    """What the hook for ``event`` prints on stdout ("" for nothing), given its event JSON.

    Never raises: a failure is logged and the hook says nothing."""
    started = time.perf_counter()
    timeout = EVENTS.get(_event_key(event), (None, 10))[1]
    watchdog = threading.Timer(max(timeout - MARGIN, 1.0), _give_up, args=(event,))
    watchdog.daemon = True
    watchdog.start()
    try:
        payload = _event(stdin)
        handler = _HANDLERS.get(_event_key(event))
        if handler is None:
            raise EngramError(f"no engram hook for event {event!r}")
        output, what = handler(payload, category, holdout)
        log(f"{_event_key(event)}: {what} ({time.perf_counter() - started:.2f} s)")
        return output
    except Exception as exc:  # the session goes on whatever happened here
        log(f"{_event_key(event)}: failed: {type(exc).__name__}: {exc}")
        return ""
    finally:
        watchdog.cancel()


def log(line: str) -> None:
    """Append a line to the hooks log beside the store (or in ./.engram); never raises."""
    try:
        folder = _log_folder()
        folder.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        with open(folder / LOG, "a", encoding="utf-8") as handle:
            handle.write(f"{stamp} {line[:500]}\n")
    except Exception:  # a log that cannot be written must not stop the hook
        pass


def _session_start(
    payload: dict[str, Any], category: str | None, holdout: float
) -> tuple[str, str]:
    from engram.playbook.guidance import suggest

    playbook = suggest(category, agent=AGENT)
    if not playbook.rules:
        return "", f"no rules for {category or 'any category'}: nothing given"
    output, gave = _context("SessionStart", playbook, holdout)
    return output, f"{gave} ({payload.get('source', '?')})"


def _prompt(payload: dict[str, Any], category: str | None, holdout: float) -> tuple[str, str]:
    """With no category configured, the first prompt of a session tells what the task is: the
    guidance of the most similar past tasks, once per session."""
    from engram.playbook.guidance import suggest

    if category:
        return "", "the category's guidance was given at the start"
    session = str(payload.get("session_id") or "")
    prompt = payload.get("prompt")
    if not session or not isinstance(prompt, str) or not prompt.strip():
        raise EngramError("the event names no session_id or prompt")
    given = _state(GIVEN)
    if session in given:
        return "", f"session {session} already given guidance"
    playbook = suggest(None, agent=AGENT, instruction=prompt)
    given[session] = "1"
    _save_state(GIVEN, given)
    if not playbook.rules:
        return "", "no rules for tasks like this prompt: nothing given"
    output, gave = _context("UserPromptSubmit", playbook, holdout)
    return output, f"{gave} of {', '.join(c for c, _ in playbook.similar) or 'all runs'}"


def _context(event: str, playbook: Playbook, holdout: float) -> tuple[str, str]:
    """The hook's output giving ``playbook`` as the session's context (each rule withheld at
    random with ``holdout``), and what it gave."""
    if holdout:
        playbook = playbook.hold_out(holdout)
    output = {"hookSpecificOutput": {"hookEventName": event,
                                     "additionalContext": playbook.to_markdown()}}  # fmt: skip
    held = f", withheld {len(playbook.withheld)}" if playbook.withheld else ""
    return json.dumps(output), f"gave {len(playbook.rules)} rules{held}"


def _session_end(
    payload: dict[str, Any], _category: str | None, _holdout: float
) -> tuple[str, str]:
    """Learn the session's log, and those of sessions that stopped long ago and never ended
    (killed, crashed: ``Stop`` left them pending), each once, whole."""
    from engram.learning.learner import learn

    transcript = _transcript(payload)
    pending = _state(PENDING)
    pending.pop(str(payload.get("session_id")), None)
    stale = {session: path for session, path in pending.items() if _stale(path)}
    summary = learn([Path(transcript), *(Path(p) for p in stale.values() if Path(p).exists())])
    _save_state(PENDING, {k: v for k, v in pending.items() if k not in stale})
    problems = "; ".join(str(p) for p in summary.problems[:3])
    what = f"learned {transcript}: {summary.traces_new} new, {summary.traces_known} known"
    if stale:
        what += f"; and {len(stale)} session(s) that stopped and never ended"
    return "", what + (f"; skipped: {problems}" if problems else "")


def _stop(payload: dict[str, Any], _category: str | None, _holdout: float) -> tuple[str, str]:
    """Remember the session: if it never ends (killed, crashed), a later session's end learns
    it once its log has stopped changing. A log is never learned while it grows, or twice."""
    session = str(payload.get("session_id") or "")
    if not session:
        raise EngramError("the event names no session_id")
    pending = _state(PENDING)
    pending[session] = _transcript(payload)
    _save_state(PENDING, pending)
    return "", f"session {session} pending until it ends"


def _transcript(payload: dict[str, Any]) -> str:
    transcript = payload.get("transcript_path")
    if not isinstance(transcript, str) or not transcript:
        raise EngramError("the event names no transcript_path")
    return transcript


def _state(name: str) -> dict[str, str]:
    """A small state file of the hooks, beside their log: session id to a string."""
    try:
        data = json.loads((_log_folder() / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): str(v) for k, v in data.items() if isinstance(v, str)}


def _save_state(name: str, state: dict[str, str]) -> None:
    folder = _log_folder()
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder / name, dict(list(state.items())[-1000:]))  # the newest thousand


def _stale(path: str) -> bool:
    try:
        return time.time() - Path(path).stat().st_mtime > STALE_S
    except OSError:
        return True  # gone: nothing to wait for


_HANDLERS: dict[str, Callable[[dict[str, Any], str | None, float], tuple[str, str]]] = {
    "SessionStart": _session_start,
    "SessionEnd": _session_end,
    "UserPromptSubmit": _prompt,
    "Stop": _stop,
}


def _event(stdin: str) -> dict[str, Any]:
    try:
        payload = json.loads(stdin) if stdin.strip() else {}
    except json.JSONDecodeError as exc:
        raise EngramError(f"the event is not JSON: {exc}") from None
    if not isinstance(payload, dict):
        raise EngramError("the event is not a JSON object")
    return payload


def _give_up(event: str) -> None:
    log(f"{_event_key(event)}: gave up before the hook's timeout")
    os._exit(0)  # a store that does not answer must not hold the session


def _event_name(event: str) -> str:
    """``SessionStart`` as the command names it: ``session-start``."""
    return "".join(f"-{c.lower()}" if c.isupper() else c for c in event).lstrip("-")


def _event_key(name: str) -> str:
    """``session-start`` (or ``SessionStart``) as Claude Code names it: ``SessionStart``."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("-"))


def _hooks_of(group: Any) -> list[dict[str, Any]]:
    hooks = group.get("hooks") if isinstance(group, dict) else None
    return [h for h in hooks if isinstance(h, dict)] if isinstance(hooks, list) else []


def _is_ours(hook: dict[str, Any]) -> bool:
    command = hook.get("command")
    if not isinstance(command, str):
        return False
    try:
        words = shlex.split(command)
    except ValueError:
        return False
    return any(
        Path(word).name == "engram" and words[i + 1 : i + 3] == list(_RUN)
        for i, word in enumerate(words)
    )


def _remove_ours(hooks: dict[str, Any]) -> int:
    """Take engram's hooks out of a settings ``hooks`` object, dropping what is left empty."""
    removed = 0
    for event in list(hooks):
        groups = hooks[event]
        if not isinstance(groups, list):
            continue
        kept = []
        for group in groups:
            ours = [h for h in _hooks_of(group) if _is_ours(h)]
            removed += len(ours)
            if ours:
                group = {**group, "hooks": [h for h in group["hooks"] if h not in ours]}
                if not group["hooks"]:
                    continue
            kept.append(group)
        if kept:
            hooks[event] = kept
        else:
            del hooks[event]
    return removed


def _read(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EngramError(f"cannot read {path}: {exc}", hint="fix or move the file first") from None
    if not isinstance(data, dict):
        raise EngramError(f"{path} is not a JSON object", hint="fix or move the file first")
    return data


def _write(path: Path, settings: dict[str, Any]) -> None:
    """Write the settings whole or not at all (a temporary file renamed over the old one)."""
    with os_errors("write", path):
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.engram-{os.getpid()}")
        partial.write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")
        os.replace(partial, path)


def _log_folder() -> Path:
    from engram.config import ENGRAM_DIR, STORE_DIR_NAME, find_store_dir

    configured = os.environ.get(ENGRAM_DIR)
    if configured:
        return Path(configured).expanduser().absolute()
    return find_store_dir() or Path.cwd() / STORE_DIR_NAME
