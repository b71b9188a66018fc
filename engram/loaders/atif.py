"""ATIF, the Agent Trajectory Interchange Format (Harbor's ``trajectory.json``), v1.0 to v1.8
(the newest Harbor writes; every 1.x version only added optional fields).

A trajectory has ``schema_version``, ``session_id`` (optional from v1.7), ``agent`` (name,
version, model_name, ``tool_definitions`` from v1.5), ``steps`` (``source`` user/agent/system,
``message``, ``tool_calls`` with ``tool_call_id``, ``function_name`` and ``arguments``, an
``observation`` whose ``results`` answer calls by ``source_call_id``, per-step ``metrics``) and
``final_metrics``. From v1.6 a message or a result's content may be a list of content parts
(text, image; audio from v1.8). ATIF has no standard error flag: Harbor's converters put
``tool_result_is_error`` in a result's ``extra`` and append ``[error] tool reported failure``
to its content. Sub-agent trajectories referenced by ``subagent_trajectory_ref`` are read from
beside the file (``trajectory_path``) or from the document's own ``subagent_trajectories``
(``trajectory_id``, v1.7), their steps under the calling step. A file may hold one trajectory,
or one a line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from engram.loaders import fields
from engram.loaders.claude_stream import edit_lines, mapping
from engram.loaders.records import Problem, Share, read_records
from engram.loaders.steps import read_json, step
from engram.trace import Agent, Changes, Metrics, Step, Task, Trace

NAME = "atif"
KNOWN_VERSIONS = tuple(f"ATIF-v1.{minor}" for minor in range(9))
ERROR_SUFFIX = "[error] tool reported failure"
_VERSION = re.compile(r"ATIF-v(\d+)\.(\d+)")
_MAX_SUBAGENT_DEPTH = 3


def sniff(first: dict[str, Any], path: Path) -> bool:
    version = first.get("schema_version")
    return isinstance(version, str) and version.startswith("ATIF")


def load(
    path: Path, on_progress: Callable[[int], None] | None = None, share: Share | None = None
) -> Iterator[Trace | Problem]:
    """One trace per trajectory: the file's one document, or each line of JSON Lines."""
    for item in read_records(path, None, on_progress, share):
        if isinstance(item, Problem):
            yield item
            continue
        data = item.data
        if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
            yield Problem(str(path), item.label, "not an ATIF trajectory (no steps)")
            continue
        warning = version_warning(data)
        if warning:
            yield Problem(str(path), item.label, warning, warning=True)
        trace = unfinished_trace(data, path.parent, str(path))
        yield fields.finalize(trace, status=None, reward_value=None, error=None, details=[])


def version_warning(data: dict[str, Any]) -> str | None:
    version = data.get("schema_version")
    if isinstance(version, str) and version not in KNOWN_VERSIONS:
        return (f"ATIF schema version {version!r} is newer than engram knows "
                f"(up to {KNOWN_VERSIONS[-1]}); read as well as it can be")  # fmt: skip
    return None


def unfinished_trace(data: dict[str, Any], folder: Path, source: str | None) -> Trace:
    """What the trajectory shows, for ``fields.finalize`` (or a harness) to complete."""
    agent = mapping(data.get("agent"))
    edited: dict[str, list[int]] = {}
    embedded = _embedded(data)
    steps = _steps(data, folder, None, edited, 0, embedded)
    final = mapping(data.get("final_metrics"))
    per_step = [mapping(s.get("metrics")) for s in data["steps"] if isinstance(s, dict)]
    instruction = next(
        (text_of(s.get("message")) for s in data["steps"]
         if isinstance(s, dict) and s.get("source") == "user" and text_of(s.get("message"))),
        "",
    )  # fmt: skip
    model = fields.text(agent.get("model_name"), 200) or next(
        (s.get("model_name") for s in data["steps"]
         if isinstance(s, dict) and isinstance(s.get("model_name"), str)), None)  # fmt: skip
    return Trace(
        task=Task(instruction=fields.clean_text(instruction, fields.INSTRUCTION_LIMIT)),
        agent=Agent(name=fields.text(agent.get("name"), 200), model=_bare(model),
                    tools=_tool_names(agent.get("tool_definitions"))),
        steps=steps,
        changes=Changes(known=True, files=tuple(edited),
                        added=sum(a for a, _ in edited.values()),
                        removed=sum(r for _, r in edited.values())) if edited
        else Changes(known=False),
        metrics=Metrics(
            input_tokens=fields.integer(final.get("total_prompt_tokens"))
            or _sum(per_step, "prompt_tokens"),
            output_tokens=fields.integer(final.get("total_completion_tokens"))
            or _sum(per_step, "completion_tokens"),
            cache_tokens=fields.integer(final.get("total_cached_tokens"))
            or _sum(per_step, "cached_tokens"),
            cost_usd=fields.number(final.get("total_cost_usd")),
            turns=fields.integer(final.get("total_steps")),
        ),
        run_id=fields.text(data.get("session_id"), 200),
        source=source,
    )  # fmt: skip


def text_of(content: Any) -> str:
    """A message or result's text: the string, or the text parts of a list of content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [mapping(part).get("text") for part in content[:1000]]
        return "\n".join(part for part in parts if isinstance(part, str))
    return ""


def _tool_names(definitions: Any) -> tuple[str, ...]:
    """Tools an agent had (``tool_definitions``: OpenAI-style function schemas)."""
    names = []
    for definition in definitions if isinstance(definitions, list) else []:
        definition = mapping(definition)
        name = mapping(definition.get("function")).get("name", definition.get("name"))
        if isinstance(name, str) and name:
            names.append(name[:200])
    return tuple(dict.fromkeys(names))


def _embedded(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The document's own sub-agent trajectories (v1.7), by ``trajectory_id``, nested or not."""
    found: dict[str, dict[str, Any]] = {}
    pending = [data]
    while pending and len(found) < 1000:
        current = pending.pop()
        for child in fields.items(current.get("subagent_trajectories")):
            child = mapping(child)
            key = child.get("trajectory_id")
            if isinstance(key, str) and key not in found and isinstance(child.get("steps"), list):
                found[key] = child
                pending.append(child)
    return found


def _steps(
    data: dict[str, Any],
    folder: Path,
    parent: str | None,
    edited: dict[str, list[int]],
    depth: int,
    embedded: dict[str, dict[str, Any]],
) -> list[Step]:
    steps: list[Step] = []
    for entry in fields.items(data.get("steps")):
        entry = mapping(entry)
        if entry.get("source") != "agent":
            continue
        results = {
            fields.key(mapping(r).get("source_call_id")): mapping(r)
            for r in fields.items(mapping(entry.get("observation")).get("results"))
        }
        step_extra = mapping(entry.get("extra"))
        for call in fields.items(entry.get("tool_calls")):
            call = mapping(call)
            name = fields.text(call.get("function_name"), 200)
            if not name:
                continue
            arguments = call.get("arguments")
            result = results.get(fields.key(call.get("tool_call_id")), {})
            content = text_of(result.get("content"))
            result_extra = mapping(result.get("extra"))
            failed = (
                result_extra.get("tool_result_is_error") is True
                or result_extra.get("is_error") is True  # other converters (Kimi Code, Pi)
                or result.get("is_error") is True
                or content.rstrip().endswith(ERROR_SUFFIX)
                or (not result and step_extra.get("tool_result_is_error") is True)  # ≤ 0.13
            )
            done = step(name, arguments, content, failed=failed, parent=parent)
            steps.append(done)
            lines = edit_lines(name, arguments)
            if lines is not None and done.path and not failed:
                added, removed = edited.get(done.path, [0, 0])
                edited[done.path] = [added + lines[0], removed + lines[1]]
            if depth < _MAX_SUBAGENT_DEPTH:
                for reference in fields.items(result.get("subagent_trajectory_ref")):
                    steps.extend(
                        _subagent(mapping(reference), folder, call, edited, depth, embedded)
                    )
    return steps


def _subagent(
    reference: dict[str, Any],
    folder: Path,
    call: dict[str, Any],
    edited: dict[str, list[int]],
    depth: int,
    embedded: dict[str, dict[str, Any]],
) -> list[Step]:
    parent = str(call.get("tool_call_id") or reference.get("session_id") or "subagent")
    key = reference.get("trajectory_id")
    if isinstance(key, str) and key in embedded:
        return _steps(embedded[key], folder, parent, edited, depth + 1, embedded)
    path = reference.get("trajectory_path")
    if not isinstance(path, str) or not path:
        return []
    candidate = (folder / path).resolve()
    if not candidate.is_relative_to(folder.resolve()) or not candidate.is_file():
        return []
    data, problem = read_json(candidate)
    if problem or not isinstance(data, dict):
        return []
    return _steps(data, candidate.parent, parent, edited, depth + 1, _embedded(data))


def _sum(metrics: list[dict[str, Any]], key: str) -> int | None:
    values = [fields.integer(m.get(key)) for m in metrics]
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def _bare(model: str | None) -> str | None:
    return model.rsplit("/", 1)[-1] if model else None
