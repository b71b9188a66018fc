"""Build traces in the formats engram reads, from their public descriptions: Claude Code
stream-json and session logs, Harbor trial folders, and the seed's aggregated JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SESSION = "6f1c2a4e-0000-4000-8000-000000000001"
MODEL = "claude-haiku-4-5-20251001"
INSTRUCTION = "# Fix the flaky cache\n\nRepository: acme\nDifficulty: easy\nCategory: bug_fix\n"
DIFF = (
    "diff --git a/src/cache.py b/src/cache.py\n--- a/src/cache.py\n+++ b/src/cache.py\n"
    "@@ -1,2 +1,2 @@\n-old = 1\n+new = 1\n keep\n"
)
# (tool, input, is_error, output): read, a failing edit, a good edit, the tests.
CALLS: list[tuple[str, dict[str, Any], bool, str]] = [
    ("Read", {"file_path": "/workspace/src/cache.py"}, False, "1→old = 1\n2→keep"),
    ("Edit", {"file_path": "/workspace/src/cache.py", "old_string": "olde", "new_string": "x"},
     True, "<tool_use_error>String to replace not found in file.</tool_use_error>"),
    ("Edit", {"file_path": "/workspace/src/cache.py", "old_string": "old = 1",
              "new_string": "new = 1"}, False, "The file has been updated."),
    ("Bash", {"command": "cd /workspace && python -m pytest -q"}, False, "3 passed"),
]  # fmt: skip


def stream_events(
    result_subtype: str = "success",
    is_error: bool = False,
    result_text: str = "Done.",
    mcp: bool = False,
) -> list[dict[str, Any]]:
    """A ``claude -p --output-format stream-json --verbose`` run making ``CALLS``."""
    events: list[dict[str, Any]] = [{
        "type": "system", "subtype": "init", "session_id": SESSION, "model": MODEL,
        "tools": ["Bash", "Read", "Edit", *(["mcp__docs__lookup"] if mcp else [])],
        "mcp_servers": [{"name": "docs", "status": "connected"}] if mcp else [],
        "claude_code_version": "2.1.29",
    }]  # fmt: skip
    for number, (tool, tool_input, error, output) in enumerate(CALLS):
        call_id = f"toolu_{number:02d}"
        message_id = f"msg_{number // 2:02d}"  # two calls share an API message, split in two
        events.append({"type": "assistant", "session_id": SESSION, "parent_tool_use_id": None,
                       "message": {"id": message_id, "model": MODEL, "role": "assistant",
                                   "usage": {"input_tokens": 10, "output_tokens": 5},
                                   "content": [{"type": "tool_use", "id": call_id, "name": tool,
                                                "input": tool_input}]}})  # fmt: skip
        events.append({"type": "user", "session_id": SESSION, "parent_tool_use_id": None,
                       "message": {"role": "user", "content": [{
                           "type": "tool_result", "tool_use_id": call_id, "content": output,
                           "is_error": error}]}})  # fmt: skip
    events.append({
        "type": "result", "subtype": result_subtype, "is_error": is_error, "result": result_text,
        "session_id": SESSION, "duration_ms": 42_000, "num_turns": 5, "total_cost_usd": 0.02,
        "usage": {"input_tokens": 40, "output_tokens": 20, "cache_read_input_tokens": 1000},
        "permission_denials": [],
    })  # fmt: skip
    return events


def session_entries(instruction: str = INSTRUCTION) -> list[dict[str, Any]]:
    """The same run as a Claude Code session log (``~/.claude/projects/*/<id>.jsonl``)."""
    common = {"sessionId": SESSION, "version": "2.1.29", "cwd": "/workspace",
              "isSidechain": False, "userType": "external"}  # fmt: skip
    entries: list[dict[str, Any]] = [
        {"type": "summary", "summary": "Fix the flaky cache", "leafUuid": "u-last"},
        {**common, "type": "user", "uuid": "u-0", "parentUuid": None,
         "message": {"role": "user", "content": instruction}},
    ]  # fmt: skip
    for event in stream_events()[1:-1]:
        kind = event["type"]
        entries.append({**common, "type": kind, "uuid": f"u-{len(entries)}",
                        "parentUuid": entries[-1].get("uuid"), "message": event["message"]})  # fmt: skip
    return entries


def write_lines(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def aggregated_record(reward: float = 1.0, status: str = "pass") -> dict[str, Any]:
    """The same run in the seed's aggregated format, with its transcript."""
    events = stream_events()
    return {
        "task_id": "fix-flaky-cache__Ab3dE5f",
        "task_instruction": INSTRUCTION,
        "agent_config": {
            "agent": {"name": None, "import_path": "agents.cc:ClaudeCodeAgent"},
            "model": f"anthropic/{MODEL}",
        },
        "agent_response": events[-1],
        "code_changes": DIFF,
        "test_reward": reward,
        "test_output": "3 passed",
        "status": status,
        "transcript": events,
    }


def trial_folder(
    parent: Path,
    name: str = "fix-flaky-cache__Ab3dE5f",
    reward: float | None = 1.0,
    exception: tuple[str, str] | None = None,
    events: list[dict[str, Any]] | None = None,
    reward_file: str | None = None,
    with_result: bool = True,
    task_dir: Path | None = None,
) -> Path:
    """A Harbor trial folder: result.json, config.json, agent/claude-code.txt, verifier/."""
    trial = parent / name
    (trial / "agent").mkdir(parents=True)
    (trial / "verifier").mkdir()
    task_name = name.rpartition("__")[0]
    config = {"task": {"path": str(task_dir) if task_dir else "/nowhere/" + task_name},
              "trial_name": name, "agent": {"name": None, "import_path": "agents.cc:ClaudeCodeAgent",
                                            "model_name": f"anthropic/{MODEL}"}}  # fmt: skip
    (trial / "config.json").write_text(json.dumps(config))
    if with_result:
        result = {
            "id": "00000000-0000-4000-8000-000000000000", "task_name": task_name,
            "trial_name": name, "trial_uri": f"file://{trial}",
            "task_id": {"path": config["task"]["path"]}, "config": config,
            "agent_info": {"name": "claude-code", "version": "2.1.29",
                           "model_info": {"name": MODEL, "provider": "anthropic"}},
            "agent_result": {"n_input_tokens": 40, "n_cache_tokens": 1000,
                             "n_output_tokens": 20, "cost_usd": 0.02},
            "verifier_result": {"rewards": {"reward": reward}} if reward is not None else None,
            "exception_info": {"exception_type": exception[0], "exception_message": exception[1],
                               "exception_traceback": "Traceback …",
                               "occurred_at": "2026-01-01T00:05:00"} if exception else None,
            "started_at": "2026-01-01T00:00:00", "finished_at": "2026-01-01T00:06:00",
            "agent_execution": {"started_at": "2026-01-01T00:01:00",
                                "finished_at": "2026-01-01T00:01:42"},
        }  # fmt: skip
        (trial / "result.json").write_text(json.dumps(result, indent=2))
    write_lines(trial / "agent" / "claude-code.txt", stream_events() if events is None else events)
    (trial / "agent" / "patch.diff").write_text(DIFF)
    if reward_file is not None:
        (trial / "verifier" / "reward.txt").write_text(reward_file)
    return trial


def atif_trajectory(version: str = "ATIF-v1.6") -> dict[str, Any]:
    """The same run as an ATIF ``trajectory.json`` (Harbor's converter marks errors)."""
    steps: list[dict[str, Any]] = [
        {"step_id": 1, "source": "user", "message": INSTRUCTION},
    ]
    for number, (tool, tool_input, error, output) in enumerate(CALLS):
        result: dict[str, Any] = {"source_call_id": f"call_{number}",
                                  "content": output + ("\n[error] tool reported failure" if error else "")}  # fmt: skip
        if error:
            result["extra"] = {"tool_result_is_error": True}
        steps.append({
            "step_id": number + 2, "source": "agent", "message": "", "model_name": MODEL,
            "tool_calls": [{"tool_call_id": f"call_{number}", "function_name": tool,
                            "arguments": tool_input}],
            "observation": {"results": [result]},
            "metrics": {"prompt_tokens": 10, "completion_tokens": 5},
        })  # fmt: skip
    return {
        "schema_version": version,
        "session_id": SESSION,
        "agent": {"name": "claude-code", "version": "2.1.29", "model_name": f"anthropic/{MODEL}"},
        "steps": steps,
        "final_metrics": {"total_prompt_tokens": 40, "total_completion_tokens": 20,
                          "total_cached_tokens": 1000, "total_cost_usd": 0.02, "total_steps": 5},
    }  # fmt: skip


def terminal_bench_run(
    parent: Path,
    run_id: str,
    agent: str,
    model: str,
    resolved: dict[str, bool | None],
    failure_modes: dict[str, str] | None = None,
) -> Path:
    """A Terminal-Bench 1.0 run folder (``tb run``): run_metadata.json and results.json."""
    run = parent / run_id
    run.mkdir(parents=True)
    results = []
    for number, (task, verdict) in enumerate(resolved.items()):
        mode = (failure_modes or {}).get(task, "unset")
        results.append({
            "id": f"00000000-0000-4000-8000-{number:012d}", "task_id": task,
            "trial_name": f"{task}.1-of-1.{run_id}", "instruction": f"Do {task}.",
            "is_resolved": verdict, "failure_mode": mode,
            "parser_results": None if verdict is None else {f"test_{task}": "passed" if verdict else "failed"},
            "recording_path": None, "total_input_tokens": 1000 + number, "total_output_tokens": 100,
            "trial_started_at": "2026-01-01T00:00:00+00:00", "trial_ended_at": "2026-01-01T00:10:00+00:00",
            "agent_started_at": "2026-01-01T00:01:00+00:00", "agent_ended_at": "2026-01-01T00:06:00+00:00",
            "test_started_at": None, "test_ended_at": None,
        })  # fmt: skip
    done = [r["task_id"] for r in results if r["is_resolved"]]
    (run / "results.json").write_text(json.dumps({
        "id": "11111111-0000-4000-8000-000000000000", "results": results, "pass_at_k": {},
        "n_resolved": len(done), "n_unresolved": len(results) - len(done), "resolved_ids": done,
        "unresolved_ids": [r["task_id"] for r in results if not r["is_resolved"]],
        "accuracy": len(done) / len(results) if results else 0.0,
    }, indent=4))  # fmt: skip
    (run / "run_metadata.json").write_text(json.dumps({
        "run_id": run_id, "uuid": "22222222-0000-4000-8000-000000000000", "dataset_path": None,
        "dataset_name": "terminal-bench-core", "dataset_version": "0.1.1",
        "output_path": "/runs", "agent_name": agent, "no_rebuild": False, "cleanup": True,
        "log_level": 20, "task_ids": list(resolved), "model_name": model, "n_attempts": 1,
        "n_concurrent_trials": 4, "dataset_size": len(resolved),
    }, indent=4))  # fmt: skip
    return run
