"""Deterministic corpora of agent traces with planted effects, in the seed's aggregated format.

Used by the examples, the tests and the benchmarks: every run is built from a seeded random
generator, so a scenario always produces the same traces, and its planted effects are the
truth a test can hold the miner to.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engram.datasets.failures import FAILURE_MODES

if TYPE_CHECKING:
    from engram.trace import Trace

MCP_AGENT = "ClaudeCodeSourcegraphMCPAgent"
BASELINE_AGENT = "ClaudeCodeAgent"
DEEP_SEARCH = "mcp__sourcegraph__deep_search"
_BASE_TOOLS = [
    "Task",
    "Bash",
    "Glob",
    "Grep",
    "Read",
    "Edit",
    "Write",
    "WebFetch",
    "TodoWrite",
    "WebSearch",
    "NotebookEdit",
]
_MCP_TOOLS = [DEEP_SEARCH, "mcp__sourcegraph__keyword_search"]
_REPOS = ["pytorch", "django", "kubernetes", "numpy", "react", "tokio"]
_MODULES = ["core", "api", "utils", "io", "server", "client", "models", "cli"]
_COMMANDS = {
    "pytest": "cd /workspace && python -m pytest -q tests/",
    "make": "make test 2>&1 | tail -40",
    "npm": "npm test -- --ci",
    "go": "go test ./...",
    "cargo": "cargo test --quiet",
    "git": "git diff --stat",
}
_TOOL_ERRORS = {
    "Edit": "<tool_use_error>String to replace not found in file.</tool_use_error>",
    "Read": "<tool_use_error>File does not exist.</tool_use_error>",
    "Bash": "Exit code 1\nerror: command failed",
}
_INFRA_ERRORS = [
    (
        "RuntimeError: Docker compose command failed",
        "RPC failed; curl 56 GnuTLS recv error (-9): Error decoding TLS packet",
    ),
    ("EnvironmentStartTimeoutError: sandbox did not start within 600 seconds", ""),
    ("RuntimeError: Docker compose command failed", "Cannot connect to the Docker daemon"),
]
_PROVIDER_ERRORS = [("APIError: 429 rate_limit_error: Number of requests exceeded", "")]


@dataclass(frozen=True, slots=True)
class Planted:
    """A behaviour that changes the pass probability by ``delta`` when a run shows it.

    ``feature`` is the key the miner should find (``tool:X``, ``tool_error_loop:X``,
    ``cmd:P``); ``category`` limits the effect to one category (None: everywhere); ``rate`` is
    how often runs show the behaviour, in every category.
    """

    feature: str
    delta: float
    category: str | None = None
    rate: float = 0.4
    agent: str | None = None  # only this agent shows the behaviour

    @property
    def kind(self) -> str:
        return "do" if self.delta > 0 else "avoid"


@dataclass(frozen=True, slots=True)
class Scenario:
    runs: int = 400
    seed: int = 7
    categories: dict[str, float] = field(
        default_factory=lambda: {
            "cross_module_bug_fix": 0.45,
            "feature_implementation": 0.55,
            "refactoring": 0.6,
            "test_writing": 0.5,
        }
    )
    agents: tuple[str, ...] = (BASELINE_AGENT, MCP_AGENT)
    model: str = "anthropic/claude-haiku-4-5"
    planted: tuple[Planted, ...] = ()
    random_tools: tuple[str, ...] = ("TodoWrite", "WebSearch", "Task", "NotebookEdit")
    random_rate: float = 0.4
    infra_rate: float = 0.08
    infra_tool: str | None = "WebFetch"  # shows up in most infrastructure failures, else rarely
    provider_rate: float = 0.02
    partial_rate: float = 0.2  # share of failed runs that earned partial credit
    failure_modes: tuple[str, ...] = ()  # names in synthetic_failures.FAILURE_MODES
    tasks_per_category: int = 25


def default_scenario(runs: int = 600, seed: int = 7) -> Scenario:
    """The sample corpus: an MCP tool that helps cross-module fixes, an edit loop that hurts
    everywhere, running pytest that helps feature work, infrastructure noise, random tools."""
    return Scenario(
        runs=runs,
        seed=seed,
        planted=(
            Planted(f"tool:{DEEP_SEARCH}", 0.45, "cross_module_bug_fix", 0.8, MCP_AGENT),
            Planted("tool_error_loop:Edit", -0.4, None, 0.2),
            Planted("cmd:pytest", 0.45, "feature_implementation", 0.5),
        ),
        failure_modes=tuple(FAILURE_MODES),
    )


def generate(scenario: Scenario) -> list[dict[str, Any]]:
    return list(iter_records(scenario))


def iter_records(scenario: Scenario) -> Iterator[dict[str, Any]]:
    rng = random.Random(scenario.seed)
    failure_rng = random.Random(f"{scenario.seed}:failures")  # leaves the runs' draws alone
    categories, tasks = _tasks(rng, scenario)
    for index in range(scenario.runs):
        category, agent = _assignment(scenario, categories, index)
        record = _run(rng, scenario, rng.choice(tasks[category]), agent)
        if record["status"] == "error":
            record["failure_mode"] = record["error"]
        elif record["status"] != "pass" and scenario.failure_modes:
            mode = failure_rng.choice(scenario.failure_modes)
            record["test_output"] = FAILURE_MODES[mode](failure_rng)
            record["failure_mode"] = mode  # the truth a test holds failure clustering to
        yield record


def iter_traces(scenario: Scenario) -> Iterator[tuple[Trace, frozenset[str]]]:
    """The scenario's kind of runs as Traces with their features, built without transcripts
    (for mining at scale in tests and benchmarks): the same planted effects, tools, orders of
    calls and structural ties as ``iter_records``, though not the same runs."""
    from engram.extract import default_extractors, extract_features
    from engram.loaders.claude_stream import summarize_input
    from engram.parse.outcome import resolve_outcome
    from engram.trace import Agent, Changes, Step, Task, Trace, content_id

    rng = random.Random(f"{scenario.seed}:traces")
    extractors = default_extractors()
    categories, tasks = _tasks(rng, scenario)
    for index in range(scenario.runs):
        category, agent = _assignment(scenario, categories, index)
        task = rng.choice(tasks[category])
        shown = [p for p in scenario.planted
                 if (p.agent is None or p.agent == agent) and rng.random() < p.rate]  # fmt: skip
        extra = [t for t in scenario.random_tools if rng.random() < scenario.random_rate]
        steps, files = _steps(rng, shown, extra, agent)
        chance = scenario.categories[category] + sum(
            p.delta for p in shown if p.category is None or p.category == category
        )
        passed = rng.random() < min(0.97, max(0.03, chance))
        trace = Trace(
            task=Task(id=f"{task['id']}__{rng.getrandbits(28):07x}", category=category),
            agent=Agent(name=agent, model=scenario.model,
                        tools=tuple(_BASE_TOOLS + (_MCP_TOOLS if agent == MCP_AGENT else []))),
            steps=[Step(name, *summarize_input(name, data), is_error=failed)
                   for name, data, failed in steps],
            changes=Changes(known=True, files=tuple(files), added=len(files), removed=0),
            run_id=f"run-{index}",
        )  # fmt: skip
        trace.outcome = resolve_outcome(status="pass" if passed else "fail")
        trace.trace_id = content_id(trace)
        yield trace, frozenset(extract_features(trace, extractors))


def write_corpus(
    scenario: Scenario, path: Path, job_dir: str = "jobs/sample/2026-01-01__00-00-00"
) -> int:
    """Write the scenario's traces as ``{job_dir, timestamp, traces, summary}``; returns the count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = passed = 0
    with open(path, "w") as out:  # written record by record, so corpora of any size fit
        out.write(
            f'{{"job_dir":{json.dumps(job_dir)},"timestamp":"2026-01-01T00:00:00Z","traces":['
        )
        for record in iter_records(scenario):
            out.write(("," if count else "") + json.dumps(record, separators=(",", ":")))
            count += 1
            passed += record["status"] == "pass"
        out.write(f'],"summary":{{"total":{count},"passed":{passed}}}}}\n')
    return count


def _tasks(
    rng: random.Random, scenario: Scenario
) -> tuple[list[str], dict[str, list[dict[str, str]]]]:
    """The scenario's categories, and its tasks per category."""
    categories = list(scenario.categories)
    tasks = {
        c: [_task(rng, c, i, ci) for i in range(scenario.tasks_per_category)]
        for ci, c in enumerate(categories)
    }
    return categories, tasks


def _assignment(scenario: Scenario, categories: list[str], index: int) -> tuple[str, str]:
    """Run ``index``'s category and agent: each in turn, so every pairing gets its share."""
    category = categories[index % len(categories)]
    return category, scenario.agents[(index // len(categories)) % len(scenario.agents)]


def _task(rng: random.Random, category: str, index: int, category_index: int) -> dict[str, str]:
    repo = rng.choice(_REPOS)
    difficulty = rng.choice(["EASY", "MEDIUM", "HARD"])
    task_id = f"t{category_index}{index:03d}"
    title = f"{category.replace('_', ' ').capitalize()} in {repo} #{1000 + index}"
    instruction = (
        f"# {title}\n\nRepository: {repo}\nDifficulty: {difficulty}\nCategory: {category}\n\n"
        f"## Task\nMake the change described in issue #{1000 + index} and keep the tests green.\n"
    )
    return {"id": task_id, "instruction": instruction}


def _run(
    rng: random.Random, scenario: Scenario, task: dict[str, str], agent: str
) -> dict[str, Any]:
    category = task["instruction"].split("Category: ", 1)[1].split("\n", 1)[0]
    shown = [
        p
        for p in scenario.planted
        if (p.agent is None or p.agent == agent) and rng.random() < p.rate
    ]
    extra_tools = [t for t in scenario.random_tools if rng.random() < scenario.random_rate]
    roll = rng.random()
    infra = roll < scenario.infra_rate
    provider = not infra and roll < scenario.infra_rate + scenario.provider_rate
    if scenario.infra_tool and rng.random() < (0.9 if infra else 0.1):
        extra_tools.append(scenario.infra_tool)

    steps, files = _steps(rng, shown, extra_tools, agent)
    if infra or provider:
        steps = steps[: rng.randint(1, max(1, len(steps) // 2))]
        if scenario.infra_tool in extra_tools and not any(
            s[0] == scenario.infra_tool for s in steps
        ):
            steps.append((scenario.infra_tool, {"url": "https://pypi.org/simple/"}, False))
    base = scenario.categories[category]
    probability = base + sum(p.delta for p in shown if p.category is None or p.category == category)
    probability = min(0.97, max(0.03, probability))
    record = _record(rng, scenario, task, agent, steps, files)
    if infra or provider:
        error, details = rng.choice(_INFRA_ERRORS if infra else _PROVIDER_ERRORS)
        record.update(status="error", error=error, test_reward=None, code_changes="")
        if details:
            record["details"] = details
    elif rng.random() < probability:
        record.update(
            status="pass",
            test_reward=1.0,
            test_output="Running test command: make test\n✓ Tests passed",
        )
    elif rng.random() < scenario.partial_rate:
        reward = round(rng.uniform(0.1, 0.9), 2)
        record.update(
            status="partial",
            test_reward=reward,
            test_output=f"Running tests\n{int(reward * 10)}/10 tests passed",
        )
    else:
        record.update(
            status="fail",
            test_reward=0.0,
            test_output="Running tests\nFAILED tests/test_core.py::test_fix - AssertionError",
        )
    return record


def _steps(
    rng: random.Random, shown: list[Planted], extra_tools: list[str], agent: str
) -> tuple[list[tuple[str, dict[str, Any], bool]], list[str]]:
    """Tool calls as (name, input, is_error), and the files the run edited."""
    top = rng.sample(_MODULES, rng.choice([1, 1, 2]))
    files = [f"src/{m}/{rng.choice(['main', 'handlers', 'state'])}.py" for m in top]
    steps: list[tuple[str, dict[str, Any], bool]] = []
    if rng.random() < 0.6:
        steps.append(("Grep", {"pattern": "def handle", "path": "/workspace"}, False))
    for path in files:
        steps.append(("Read", {"file_path": f"/workspace/{path}"}, False))
    if rng.random() < 0.1:
        steps.append(("Read", {"file_path": "/workspace/missing.py"}, True))
    for tool in extra_tools:
        steps.insert(rng.randint(1, len(steps)), (tool, _input_for(tool), False))
    for planted in shown:
        family, _, value = planted.feature.partition(":")
        if family == "tool":
            steps.insert(rng.randint(0, len(steps)), (value, _input_for(value), False))
        elif family == "tool_error_loop":
            for _ in range(rng.randint(3, 4)):
                steps.append((value, _input_for(value, files[0]), True))
    for path in files:
        steps.append(
            (
                "Edit",
                {"file_path": f"/workspace/{path}", "old_string": "a", "new_string": "b"},
                False,
            )
        )
    for planted in shown:
        family, _, value = planted.feature.partition(":")
        if family == "cmd":
            steps.append(("Bash", {"command": _COMMANDS.get(value, value)}, False))
    if rng.random() < 0.7:
        steps.append(
            ("Bash", {"command": rng.choice(["git status", "git diff --stat", "ls -la"])}, False)
        )
    return steps, files


def _input_for(tool: str, path: str = "src/core/main.py") -> dict[str, Any]:
    if tool == DEEP_SEARCH:
        return {"query": "where is the handler registered and who calls it"}
    if tool in ("Edit", "Read", "Write", "NotebookEdit"):
        return {"file_path": f"/workspace/{path}", "old_string": "x", "new_string": "y"}
    if tool == "Bash":
        return {"command": "ls"}
    if tool == "WebFetch":
        return {"url": "https://docs.python.org/3/"}
    if tool == "TodoWrite":
        return {"todos": [{"content": "fix", "status": "in_progress"}]}
    return {"query": "context"}


def _record(
    rng: random.Random,
    scenario: Scenario,
    task: dict[str, str],
    agent: str,
    steps: list[tuple[str, dict[str, Any], bool]],
    files: list[str],
) -> dict[str, Any]:
    session = f"{rng.getrandbits(64):016x}"
    tools = _BASE_TOOLS + (_MCP_TOOLS if agent == MCP_AGENT else [])
    events: list[dict[str, Any]] = [
        {
            "type": "system",
            "subtype": "init",
            "session_id": session,
            "tools": tools,
            "mcp_servers": [{"name": "sourcegraph", "status": "connected"}]
            if agent == MCP_AGENT
            else [],
            "model": scenario.model.split("/")[-1],
        }
    ]
    for number, (name, tool_input, is_error) in enumerate(steps):
        call_id = f"toolu_{session[:8]}{number:04d}"
        events.append(
            {
                "type": "assistant",
                "session_id": session,
                "parent_tool_use_id": None,
                "message": {
                    "id": f"msg_{session[:8]}{number:04d}",
                    "role": "assistant",
                    "content": [
                        {"type": "tool_use", "id": call_id, "name": name, "input": tool_input}
                    ],
                },
            }
        )
        content = _TOOL_ERRORS.get(name, "Error") if is_error else _tool_output(name, tool_input)
        events.append(
            {
                "type": "user",
                "session_id": session,
                "parent_tool_use_id": None,
                "message": {
                    "role": "user",
                    "content": [
                        {
                            "type": "tool_result",
                            "tool_use_id": call_id,
                            "content": content,
                            "is_error": is_error,
                        }
                    ],
                },
            }
        )
    input_tokens, output_tokens = rng.randint(2_000, 9_000), rng.randint(1_000, 12_000)
    result = {
        "type": "result",
        "subtype": "success",
        "is_error": False,
        "duration_ms": rng.randint(40_000, 600_000),
        "num_turns": len(steps) + 1,
        "result": "Done.",
        "session_id": session,
        "total_cost_usd": round((input_tokens * 1 + output_tokens * 5) / 1e6, 5),
        "usage": {
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "cache_creation_input_tokens": rng.randint(0, 40_000),
            "cache_read_input_tokens": rng.randint(0, 900_000),
        },
        "permission_denials": [],
    }
    events.append(result)
    edited = [f for f in files if any(s[0] == "Edit" and not s[2] for s in steps)]
    return {
        "task_id": f"{task['id']}__{session[:7]}",
        "task_instruction": task["instruction"],
        "agent_config": {
            "agent": {"name": None, "import_path": f"agents.claude:{agent}"},
            "model": scenario.model,
            "timestamp": session[:7],
        },
        "agent_request": None,
        "agent_response": result,
        "code_changes": "".join(_diff(rng, path) for path in edited),
        "metrics": {
            "tokens": {
                "input": input_tokens,
                "output": output_tokens,
                "total": input_tokens + output_tokens,
            }
        },
        "transcript": events,
    }


def _tool_output(name: str, tool_input: dict[str, Any]) -> str:
    if name == "Grep":
        return "/workspace/src/core/main.py\n/workspace/src/api/handlers.py"
    if name == "Read":
        return "     1→import os\n     2→\n     3→def handle(event):\n"
    if name == "Bash":
        return "ok"
    return "done"


def _diff(rng: random.Random, path: str) -> str:
    removed = rng.randint(1, 6)
    added = rng.randint(removed, removed + 12)
    body = "".join(f"-    old_line_{i}\n" for i in range(removed))
    body += "".join(f"+    new_line_{i}\n" for i in range(added))
    return (
        f"diff --git a/{path} b/{path}\nindex 1234567..abcdef0 100644\n--- a/{path}\n+++ b/{path}\n"
        f"@@ -10,{removed + 2} +10,{added + 2} @@ def handle(event):\n     context\n{body}     end\n"
    )


def write_harbor_job(scenario: Scenario, job: Path) -> int:
    """Write the scenario's runs as a Harbor job folder, one trial folder each (with Claude
    Code's stream-json log, the diff and the verifier's reward); returns the count."""
    job.mkdir(parents=True, exist_ok=True)
    (job / "config.json").write_text(json.dumps({"job_name": job.name}))
    count = 0
    for record in iter_records(scenario):
        task_name, _, suffix = record["task_id"].rpartition("__")
        trial = job / f"{task_name[:32]}__{suffix}"
        (trial / "agent").mkdir(parents=True)
        (trial / "verifier").mkdir()
        error = record.get("error")
        kind, _, message = error.partition(": ") if error else ("", "", "")
        config = {"trial_name": trial.name, "agent": {**record["agent_config"]["agent"],
                                                      "model_name": scenario.model}}  # fmt: skip
        result = {
            "task_name": task_name, "trial_name": trial.name, "config": config,
            "agent_info": {"name": "claude-code", "model_info": {"name": scenario.model}},
            "agent_result": {"n_input_tokens": record["metrics"]["tokens"]["input"],
                             "n_output_tokens": record["metrics"]["tokens"]["output"]},
            "verifier_result": None if error else {"rewards": {"reward": record["test_reward"]}},
            "exception_info": {"exception_type": kind, "exception_message": message}
            if error else None,
        }  # fmt: skip
        (trial / "result.json").write_text(json.dumps(result))
        (trial / "config.json").write_text(json.dumps(config))
        (trial / "agent" / "claude-code.txt").write_text(
            "".join(json.dumps(event) + "\n" for event in record["transcript"])
        )
        (trial / "agent" / "patch.diff").write_text(record["code_changes"])
        (trial / "agent" / "instruction.md").write_text(record["task_instruction"])
        if record.get("test_output"):
            (trial / "verifier" / "test-stdout.txt").write_text(record["test_output"])
        count += 1
    (job / "result.json").write_text(json.dumps({"n_trials": count}))
    return count


def write_session_logs(scenario: Scenario, projects: Path, project_count: int = 4) -> int:
    """Write the scenario's runs as Claude Code session logs, one ``<session>.jsonl`` each in a
    few project folders, as ``~/.claude/projects/`` holds them: the records newer versions write
    first (the permission mode, a file-history snapshot), then the user's prompt and the
    conversation, each record chained to the one before. Returns the count."""
    count = 0
    for record in iter_records(scenario):
        session = str(uuid.uuid5(uuid.NAMESPACE_URL, record["task_id"] + str(count)))
        folder = projects / f"-repo-project-{count % project_count}"
        folder.mkdir(parents=True, exist_ok=True)
        common = {"sessionId": session, "cwd": "/repo", "version": "2.1.114",
                  "userType": "external", "isSidechain": False}  # fmt: skip
        prompt = {"role": "user", "content": record["task_instruction"]}
        entries: list[dict[str, Any]] = [
            {"type": "permission-mode", "permissionMode": "acceptEdits", "sessionId": session},
            {"type": "file-history-snapshot", "messageId": f"{session}-0", "isSnapshotUpdate": False,
             "snapshot": {"messageId": f"{session}-0", "trackedFileBackups": {}}},
            {"type": "user", "message": prompt},
        ]  # fmt: skip
        entries += [{"type": event["type"], "message": event["message"]}
                    for event in record["transcript"] if event.get("type") in ("user", "assistant")]  # fmt: skip
        parent = None
        lines = []
        for number, entry in enumerate(entries):
            if entry["type"] in ("user", "assistant"):
                entry = {"parentUuid": parent, **common, **entry, "uuid": f"{session}-{number}",
                         "timestamp": f"2026-01-01T00:{number // 60 % 60:02d}:{number % 60:02d}Z"}  # fmt: skip
                parent = entry["uuid"]
            lines.append(json.dumps(entry) + "\n")
        (folder / f"{session}.jsonl").write_text("".join(lines))
        count += 1
    return count


def seed_pilot_records() -> dict[str, list[dict[str, Any]]]:
    """The seed's pilot: ten tasks run by a baseline agent and an MCP agent. The baseline
    failed sgt-002 and its sgt-005 run died of a Docker TLS error; the MCP agent passed all."""
    runs: dict[str, list[dict[str, Any]]] = {"baseline": [], "mcp": []}
    for side, agent in (("baseline", BASELINE_AGENT), ("mcp", MCP_AGENT)):
        for number in range(1, 11):
            task = f"sgt-{number:03d}"
            instruction = (
                f"# Pilot task {number}\n\nRepository: pytorch\nDifficulty: MEDIUM\n"
                'Category: cross_module_bug_fix\n\n## Task\nAll tests pass: run "make test".\n'
            )
            record: dict[str, Any] = {
                "task_id": f"{task}__{side[:3]}{number:04d}",
                "task_instruction": instruction,
                "agent_config": {"agent": {"name": agent}, "model": "anthropic/claude-haiku-4-5"},
                "agent_response": {"type": "result", "subtype": "success", "result": "Done.",
                                   "usage": {"input_tokens": 4000 + 100 * number,
                                             "output_tokens": 7000 + 50 * number}},
                "code_changes": "diff --git a/torch/x.py b/torch/x.py\n--- a/torch/x.py\n"
                                "+++ b/torch/x.py\n@@ -1 +1 @@\n-a\n+b\n",
                "metrics": {"tokens": {"input": 4000 + 100 * number,
                                       "output": 7000 + 50 * number}},
            }  # fmt: skip
            if side == "baseline" and task == "sgt-005":
                record.update(
                    status="error",
                    error="RuntimeError: Docker compose command failed",
                    details="RPC failed; curl 56 GnuTLS recv error (-9): Error decoding TLS packet",
                    test_reward=None,
                    agent_response=None,
                    code_changes="",
                )
            elif side == "baseline" and task == "sgt-002":
                record.update(status="fail", test_reward=0.0,
                              test_output="Running test command: make test\n"
                                          "FAILED tests/test_nccl.py::test_async_error - "
                                          "AssertionError: lock not held")  # fmt: skip
            else:
                record.update(status="pass", test_reward=1.0,
                              test_output="Running test command: make test\n✓ Tests passed")  # fmt: skip
            runs[side].append(record)
    return runs
