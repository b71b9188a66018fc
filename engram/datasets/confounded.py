"""A corpus where most raw differences are who ran and which task it was.

Two agents with their own tool sets run every task several times. The strong one
(``ClaudeCode``) has Bash, Read, Edit, Grep, WebSearch, TodoWrite; the weak one (``OpenHands``,
40 points lower everywhere) has execute_bash, str_replace_editor, browser, think. Tasks are
easy (80%) or hard (30%). The truth:

- real effects, the same within every agent and task: running the tests (``cmd:pytest``,
  either agent's shell) +30 points; retrying a failing Edit (``tool_error_loop:Edit``, the
  strong agent only: the weak one has no Edit) -35 points; ``think`` (the weak agent only)
  +25 points;
- traps, no effect of their own: ``execute_bash`` (only the weak agent has it, most of its
  runs call it: raw, it looks harmful); ``WebSearch`` and ``browser`` (used mostly on hard
  tasks: raw, harmful); ``TodoWrite`` (used mostly on easy tasks: raw, helpful);
  ``Grep`` at random.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STRONG, WEAK = "ClaudeCode", "OpenHands"
TOOLS = {
    STRONG: ("Bash", "Read", "Edit", "Grep", "WebSearch", "TodoWrite"),
    WEAK: ("execute_bash", "str_replace_editor", "browser", "think"),
}
SHELL = {STRONG: "Bash", WEAK: "execute_bash"}
EDITOR = {STRONG: "Edit", WEAK: "str_replace_editor"}
#: Features with a real effect within agent and task, and whose agents can show them.
REAL = {
    "cmd:pytest": (0.30, (STRONG, WEAK)),
    "tool_error_loop:Edit": (-0.35, (STRONG,)),
    "tool:think": (0.25, (WEAK,)),
}
#: Features with no effect of their own that a raw comparison gets wrong.
TRAPS = ("tool:execute_bash", "tool:WebSearch", "tool:browser", "tool:TodoWrite", "tool:Grep")


@dataclass(frozen=True, slots=True)
class Confounded:
    tasks: int = 60
    repeats: int = 4  # runs of each task by each agent
    seed: int = 3
    categories: tuple[str, ...] = ("bug_fix", "feature", "refactor")
    base: dict[str, float] = field(default_factory=lambda: {"easy": 0.8, "hard": 0.3})
    weaker_by: float = 0.4
    model: str = "claude-sonnet-4-5"


def records(scenario: Confounded) -> list[dict[str, Any]]:
    """Every run, in the seed's aggregated format with Claude Code-style transcripts."""
    rng = random.Random(scenario.seed)
    runs = []
    for index in range(scenario.tasks):
        hard = index % 2 == 1
        category = scenario.categories[index % len(scenario.categories)]
        task = f"task-{index:03d}"
        for agent in (STRONG, WEAK):
            for repeat in range(scenario.repeats):
                runs.append(_run(rng, scenario, task, category, hard, agent, repeat))
    return runs


def write(scenario: Confounded, path: Path) -> int:
    runs = records(scenario)
    path.write_text(json.dumps(runs))
    return len(runs)


def _run(
    rng: random.Random,
    scenario: Confounded,
    task: str,
    category: str,
    hard: bool,
    agent: str,
    repeat: int,
) -> dict[str, Any]:
    calls: list[tuple[str, dict[str, Any], bool]] = [
        ("Read" if agent == STRONG else "str_replace_editor", {"path": "src/app.py"}, False)
    ]
    shown = set()
    if agent == WEAK and rng.random() < 0.95:
        calls.append(("execute_bash", {"command": "ls -la"}, False))
    if agent == STRONG and rng.random() < (0.8 if hard else 0.1):
        calls.append(("WebSearch", {"query": "error message"}, False))
    if agent == WEAK and rng.random() < (0.8 if hard else 0.1):
        calls.append(("browser", {"url": "https://docs.python.org"}, False))
    if agent == STRONG and rng.random() < (0.1 if hard else 0.8):
        calls.append(("TodoWrite", {"todos": []}, False))
    if agent == STRONG and rng.random() < 0.5:
        calls.append(("Grep", {"pattern": "def main"}, False))
    if agent == WEAK and rng.random() < 0.5:
        calls.append(("think", {"thought": "plan the change"}, False))
        shown.add("tool:think")
    if agent == STRONG and rng.random() < 0.3:
        calls.extend(("Edit", {"file_path": "src/app.py"}, True) for _ in range(3))
        shown.add("tool_error_loop:Edit")
    calls.append((EDITOR[agent], {"file_path": "src/app.py", "old_string": "a"}, False))
    if rng.random() < 0.5:
        calls.append((SHELL[agent], {"command": "python -m pytest -q"}, False))
        shown.add("cmd:pytest")
    probability = scenario.base["hard" if hard else "easy"]
    probability -= scenario.weaker_by if agent == WEAK else 0.0
    probability += sum(REAL[f][0] for f in shown)
    passed = rng.random() < min(0.97, max(0.03, probability))
    session = f"{rng.getrandbits(48):012x}"
    return {
        "task_id": f"{task}__{session[:7]}",
        "task_instruction": f"# {task}\n\nDifficulty: {'HARD' if hard else 'EASY'}\n"
        f"Category: {category}\n\nFix it (attempt {repeat + 1}).\n",
        "agent_config": {"agent": {"name": agent}, "model": scenario.model},
        "status": "pass" if passed else "fail",
        "test_reward": 1.0 if passed else 0.0,
        "code_changes": "diff --git a/src/app.py b/src/app.py\n--- a/src/app.py\n"
        "+++ b/src/app.py\n@@ -1 +1 @@\n-a\n+b\n",
        "transcript": _events(session, agent, scenario.model, calls),
    }


def _events(
    session: str, agent: str, model: str, calls: list[tuple[str, dict[str, Any], bool]]
) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = [
        {"type": "system", "subtype": "init", "session_id": session, "model": model,
         "tools": list(TOOLS[agent]), "mcp_servers": []}
    ]  # fmt: skip
    for number, (tool, arguments, failed) in enumerate(calls):
        call = f"toolu_{session}{number:03d}"
        events.append({"type": "assistant", "session_id": session, "message": {
            "id": f"msg_{session}{number:03d}", "role": "assistant",
            "content": [{"type": "tool_use", "id": call, "name": tool, "input": arguments}]}})
        events.append({"type": "user", "session_id": session, "message": {"role": "user",
            "content": [{"type": "tool_result", "tool_use_id": call, "is_error": failed,
                         "content": "Error: not found" if failed else "ok"}]}})  # fmt: skip
    events.append({"type": "result", "subtype": "success", "is_error": False,
                   "session_id": session, "num_turns": len(calls)})  # fmt: skip
    return events
