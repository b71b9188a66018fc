"""Helpers every loader shares: lenient type coercion, instruction headers, the final touch."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from typing import Any

from engram.parse.instruction import Header, fill_task_header, header_fields
from engram.parse.marker import injected_rule_ids, withheld_rule_ids
from engram.parse.messages import failures_of
from engram.parse.outcome import resolve_outcome
from engram.parse.redact import enabled as redaction_on
from engram.parse.redact import redact, redact_optional
from engram.trace import Failure, Trace, content_id

TEXT_LIMIT = 2000
INSTRUCTION_LIMIT = 100_000
_ERROR = re.compile(
    r"^\s*([A-Za-z_][\w.]{0,100}(?:Error|Exception|Timeout\w*|Exit\w*))\s*:\s*(.*)", re.S
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class RecordError(ValueError):
    """A record that cannot become a trace; the message says why."""


def text(value: Any, limit: int = TEXT_LIMIT) -> str | None:
    """A clean string (control characters removed, length capped), or None."""
    if isinstance(value, str):
        cleaned = _CONTROL.sub("", value[: limit * 2])[:limit].strip()
        return cleaned or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def clean_text(value: Any, limit: int) -> str:
    """Free text (an instruction) without control characters, line breaks kept."""
    return _CONTROL.sub("", value[:limit]) if isinstance(value, str) else ""


def integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value < 2**62 else None
    if isinstance(value, float) and math.isfinite(value) and 0 <= value < 2**62:
        return int(value)
    return None


def number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and math.isfinite(value):
        return float(value)
    if isinstance(value, str):
        try:
            parsed = float(value)
        except ValueError:
            return None
        return parsed if math.isfinite(parsed) else None
    return None


def reward(value: Any, field: str) -> float | None:
    """A reward in [0, 1]; anything else present is an error naming the field."""
    if value is None:
        return None
    parsed = 1.0 if value is True else 0.0 if value is False else number(value)
    if parsed is None or not 0.0 <= parsed <= 1.0:
        raise RecordError(f"{field} must be a number in [0, 1], got {_preview(value)}")
    return parsed


def mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def items(value: Any) -> list[Any]:
    """The list, or [] for anything else (a source's list may be null, or any other type)."""
    return value if isinstance(value, list) else []


def key(value: Any) -> str | int | float | None:
    """An id fit to look things up by (a list or object given as an id is none)."""
    return value if isinstance(value, str | int | float) else None


def split_error(message: str | None) -> tuple[str | None, str | None]:
    """``RuntimeError: Docker compose failed`` → (``RuntimeError``, ``Docker compose failed``)."""
    if not message:
        return None, None
    match = _ERROR.match(message)
    if match:
        return match.group(1), text(match.group(2)) or None
    return None, message


def tags(value: Any) -> tuple[str, ...]:
    """A trace's own tags: a string or a list of strings, each cleaned and capped."""
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    cleaned = (text(item, 100) for item in items[:20])
    return tuple(dict.fromkeys(tag for tag in cleaned if tag))


def finalize(
    trace: Trace,
    *,
    status: Any,
    reward_value: float | None,
    error: str | None,
    details: list[str],
    cause: str | None = None,
    test_output: str | None = None,
    reported: Sequence[Failure] = (),
) -> Trace:
    """Decide the outcome and what failed, note injected rules, take secrets out of the text
    that will be stored, and give the trace its content id.

    ``test_output`` is the verifier's output; ``reported`` are errors a runner reported.
    """
    error_type, error_message = split_error(redact_optional(error))
    details = [redact(detail) for detail in details]
    failing: dict[str, int] = {}
    for step in trace.steps:
        if step.is_error:
            failing[step.tool] = failing.get(step.tool, 0) + 1
    trace.outcome = resolve_outcome(
        status=status,
        reward=reward_value,
        error_type=error_type,
        error_message=error_message,
        details=details,
        cause=cause,
        changed_nothing=trace.changes.known and not trace.changes.files,
        error_loop=any(n >= 3 for n in failing.values()),
    )
    trace.failures = failures_of(trace.outcome, test_output, reported)
    task = trace.task
    if task.instruction:
        task.instruction, header, injected, withheld = _instruction_facts(
            task.instruction, redaction_on()
        )
        if not (task.category and task.title):
            fill_task_header(task, header)
        given = (*injected, *trace.injected_rules)
        trace.injected_rules = tuple(dict.fromkeys(given))  # in the instruction, or by a hook
        held = [ids for ids in (withheld, trace.withheld_rules) if ids is not None]
        trace.withheld_rules = tuple(dict.fromkeys(i for ids in held for i in ids)) if held \
            else None
    task.id, task.title = redact_optional(task.id), redact_optional(task.title)
    trace.run_id, trace.job = redact_optional(trace.run_id), redact_optional(trace.job)
    trace.trace_id = content_id(trace)
    return trace


def _instruction_facts(
    instruction: str, redacting: bool
) -> tuple[str, Header, tuple[str, ...], tuple[str, ...] | None]:
    """An instruction as stored (secrets out), what its head names, and the rules its marker
    says it was given and withheld. Remembered for instructions of a usual length: the runs
    of one task share its instruction."""
    if len(instruction) > _REMEMBERED_CHARS:
        return _read_instruction(instruction, redacting)
    return _remembered_instruction(instruction, redacting)


def _read_instruction(
    instruction: str, redacting: bool
) -> tuple[str, Header, tuple[str, ...], tuple[str, ...] | None]:
    stored = redact(instruction) if redacting else instruction
    return stored, header_fields(stored), injected_rule_ids(stored), withheld_rule_ids(stored)


_REMEMBERED_CHARS = 20_000
_remembered_instruction = functools.lru_cache(maxsize=256)(_read_instruction)


def _preview(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:40] + "…"
