"""Claude Code hooks: installed beside others and removed alone; guidance at a session's start,
learning at its end, and never a harmed session."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from engram.integrations import hooks
from engram.store import open_store
from tests.cli.conftest import Invoke

FIXTURES = Path(__file__).parents[1] / "loaders" / "fixtures" / "claude_code"
SESSION = FIXTURES / "3f6c1d2a-5b4e-4c8d-9a71-0e2f4b6d8c10.jsonl"
THEIRS = {
    "model": "opus",
    "permissions": {"allow": ["Bash(ls:*)"]},
    "hooks": {
        "SessionStart": [{"matcher": "startup", "hooks": [{"type": "command", "command": "notes start"}]}],
        "PostToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "lint"}]}],
    },
}  # fmt: skip


def settings(tmp_path: Path, content: object = THEIRS) -> Path:
    path = tmp_path / ".claude" / "settings.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, indent=2))
    return path


def registered(path: Path, event: str) -> list[str]:
    """The command engram registered for ``event``, split as a shell would."""
    (hook,) = [h for h in hooks.installed(path) if h.event == event]
    return shlex.split(hook.command)


def run(command: list[str], event: dict[str, object] | str, cwd: Path) -> tuple[int, str, float]:
    stdin = event if isinstance(event, str) else json.dumps(event)
    started = time.perf_counter()
    done = subprocess.run(command, input=stdin, capture_output=True, text=True, cwd=cwd,
                          timeout=60)  # fmt: skip
    return done.returncode, done.stdout, time.perf_counter() - started


def test_install_keeps_every_other_hook_and_setting_and_is_idempotent(tmp_path: Path) -> None:
    path = settings(tmp_path)
    hooks.install(path, category="bug_fix")
    once = json.loads(path.read_text())
    hooks.install(path, category="bug_fix")
    assert json.loads(path.read_text()) == once
    assert once["model"] == "opus" and once["permissions"] == THEIRS["permissions"]
    assert once["hooks"]["PostToolUse"] == THEIRS["hooks"]["PostToolUse"]
    starts = once["hooks"]["SessionStart"]
    assert starts[0] == THEIRS["hooks"]["SessionStart"][0]  # theirs first, untouched
    assert starts[1]["matcher"] == "startup|resume|clear|compact"
    assert starts[1]["hooks"][0]["timeout"] == 10
    assert registered(path, "SessionStart")[-4:] == ["run", "session-start", "--category", "bug_fix"]
    assert {h.event for h in hooks.installed(path)} == set(hooks.EVENTS)


def test_installing_again_replaces_engrams_hooks_only(tmp_path: Path) -> None:
    path = settings(tmp_path)
    hooks.install(path, category="bug_fix")
    hooks.install(path, category="docs")
    commands = [h.command for h in hooks.installed(path)]
    assert len(commands) == len(hooks.EVENTS) and "docs" in commands[0]
    assert "bug_fix" not in " ".join(commands)


def test_uninstall_removes_only_engrams_hooks(tmp_path: Path) -> None:
    path = settings(tmp_path)
    hooks.install(path)
    assert hooks.uninstall(path) == len(hooks.EVENTS)
    assert json.loads(path.read_text()) == THEIRS
    assert hooks.uninstall(path) == 0
    alone = settings(tmp_path / "alone", {})
    hooks.install(alone)
    hooks.uninstall(alone)
    assert json.loads(alone.read_text()) == {}


def test_a_settings_file_that_is_not_json_is_left_alone(invoke: Invoke, tmp_path: Path) -> None:
    path = tmp_path / ".claude" / "settings.json"
    path.parent.mkdir()
    path.write_text('{"hooks": ')
    result = invoke("hooks", "install")
    assert result.exit_code == 1 and "cannot read" in result.stderr
    assert path.read_text() == '{"hooks": '


def test_the_commands_install_show_and_remove(invoke: Invoke, tmp_path: Path) -> None:
    assert invoke("hooks", "install", "--category", "bug_fix").exit_code == 0
    status = invoke("hooks", "status").stdout
    assert "SessionStart (startup|resume|clear|compact):" in status and "session-end" in status
    assert invoke("hooks", "uninstall").exit_code == 0
    assert "no engram hooks" in invoke("hooks", "status").stdout.splitlines()[0]


@pytest.mark.usefixtures("learned")
def test_session_start_prints_the_guidance_as_additional_context(tmp_path: Path) -> None:
    path = settings(tmp_path, {})
    hooks.install(path, category="cross_module_bug_fix")
    event = {"session_id": "s1", "transcript_path": "", "cwd": str(tmp_path),
             "hook_event_name": "SessionStart", "source": "startup", "model": "opus"}  # fmt: skip
    code, out, _ = run(registered(path, "SessionStart"), event, tmp_path)
    assert code == 0
    output = json.loads(out)["hookSpecificOutput"]
    assert output["hookEventName"] == "SessionStart"
    context = output["additionalContext"]
    assert context.startswith("<!-- engram:begin rules=r_") and context.rstrip().endswith(
        "<!-- engram:end -->"
    )
    assert "cross_module_bug_fix" in context
    assert "SessionStart: gave" in (tmp_path / ".engram" / hooks.LOG).read_text()


def test_session_end_learns_the_session_and_what_a_hook_gave_it(tmp_path: Path) -> None:
    path = settings(tmp_path, {})
    hooks.install(path)
    given = "<!-- engram:begin rules=r_0123456789,r_abcdefabcd -->\n- DO: …\n<!-- engram:end -->"
    lines = SESSION.read_text().splitlines()
    for index, line in enumerate(lines):
        record = json.loads(line)
        if record.get("type") == "attachment":
            record["attachment"]["content"] = [given]
            lines[index] = json.dumps(record)
    session = tmp_path / "session.jsonl"
    session.write_text("\n".join(lines) + "\n")
    event = {"session_id": "3f6c1d2a", "transcript_path": str(session),
             "hook_event_name": "SessionEnd", "reason": "exit"}  # fmt: skip
    code, out, _ = run(registered(path, "SessionEnd"), event, tmp_path)
    assert (code, out) == (0, "")
    with open_store() as store, store.engine.connect() as conn:
        (given,) = conn.execute(text("SELECT injected_rules FROM traces")).scalars().all()
    assert (json.loads(given) if isinstance(given, str) else given) == [
        "r_0123456789", "r_abcdefabcd"
    ]  # fmt: skip


@pytest.mark.parametrize("event", ["SessionStart", "SessionEnd"])
@pytest.mark.parametrize("trouble", ["corrupt store", "not json", "no transcript"])
def test_a_hook_in_trouble_exits_0_quickly_says_nothing_and_logs_why(
    tmp_path: Path, event: str, trouble: str, sqlite_only: None
) -> None:
    path = settings(tmp_path, {})
    hooks.install(path, category="bug_fix")
    store = tmp_path / ".engram"
    store.mkdir()
    if trouble == "corrupt store":
        (store / "engram.db").write_bytes(b"this is not a database" * 100)
    stdin: dict[str, object] | str = "{not json" if trouble == "not json" else {
        "session_id": "s", "transcript_path": str(SESSION) if trouble != "no transcript" else "",
        "hook_event_name": event}  # fmt: skip
    code, out, seconds = run(registered(path, event), stdin, tmp_path)
    assert (code, out) == (0, "")
    assert seconds < hooks.EVENTS[event][1]
    assert f"{event}: failed:" in (store / hooks.LOG).read_text()


def test_a_hook_that_would_outlast_its_timeout_gives_up_and_exits_0(tmp_path: Path) -> None:
    code = (
        "import sys, time\nfrom engram.integrations import hooks\n"
        "hooks.EVENTS['SessionStart'] = (None, 3)\n"
        "hooks._HANDLERS['SessionStart'] = lambda *_: time.sleep(60)\n"
        "print(hooks.run_hook('session-start', '{}'))\n"
    )
    done, out, seconds = run([sys.executable, "-c", code], "", tmp_path)
    assert (done, out) == (0, "") and seconds < 3
    assert "gave up" in (tmp_path / ".engram" / hooks.LOG).read_text()


def test_a_session_that_stopped_and_never_ended_is_learned_by_a_later_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a5b4.jsonl"
    other.write_text(SESSION.read_text().replace(SESSION.stem, other.stem))
    stop = {"session_id": other.stem, "transcript_path": str(other), "hook_event_name": "Stop"}
    assert hooks.run_hook("stop", json.dumps(stop)) == ""
    assert not (tmp_path / ".engram" / "engram.db").exists()  # a stop learns nothing: it grows
    monkeypatch.setattr(hooks, "STALE_S", 0.0)  # long ago
    end = {"session_id": SESSION.stem, "transcript_path": str(SESSION),
           "hook_event_name": "SessionEnd"}  # fmt: skip
    assert hooks.run_hook("session-end", json.dumps(end)) == ""
    with open_store() as store:
        assert store.count_traces() == 2  # this session, and the one that never ended
    log = (tmp_path / ".engram" / hooks.LOG).read_text()
    assert "1 session(s) that stopped and never ended" in log
    assert json.loads((tmp_path / ".engram" / hooks.PENDING).read_text()) == {}


@pytest.mark.usefixtures("learned")
def test_without_a_category_the_first_prompt_brings_the_guidance_of_similar_tasks(
    tmp_path: Path,
) -> None:
    path = settings(tmp_path, {})
    hooks.install(path)
    command = registered(path, "UserPromptSubmit")
    prompt = ("# Cross module bug fix in numpy\n\nMake the change described in the issue; the"
              " failing tests span two modules.")  # fmt: skip
    event = {"session_id": "s9", "prompt": prompt, "hook_event_name": "UserPromptSubmit"}
    code, out, _ = run(command, event, tmp_path)
    assert code == 0
    output = json.loads(out)["hookSpecificOutput"]
    assert output["hookEventName"] == "UserPromptSubmit"
    assert output["additionalContext"].startswith("<!-- engram:begin rules=r_")
    assert run(command, {**event, "prompt": "and another thing"}, tmp_path)[:2] == (0, "")


def test_the_guidance_a_hook_gives_is_for_the_agent_claude_codes_runs_are_filed_under() -> None:
    from engram.loaders.claude_code import AGENT_NAME

    assert hooks.AGENT == AGENT_NAME
