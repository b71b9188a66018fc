"""The normalized Trace: what every loader produces, whatever the source format."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any, TypeVar

import orjson

#: Outcome statuses. Only ``VALID_STATUSES`` are measurements that enter success statistics;
#: ``error`` is a run that broke before it was measured, ``unmeasured`` one nothing measured
#: (an interactive session, a stream with no verifier): counted, never in pass rates or failures.
STATUSES = ("pass", "partial", "fail", "error", "unmeasured")
VALID_STATUSES = frozenset({"pass", "partial", "fail"})

#: Failure classes (docs/formats.md); infrastructure, model_provider and verifier are never the agent's
#: doing, and runs that end in them are not measurements.
FAILURE_CLASSES = (
    "infrastructure",
    "model_provider",
    "budget",
    "tests_failed",
    "no_changes",
    "tool_error_loop",
    "verifier",
    "unknown",
)


_T = TypeVar("_T")


def _pickled_by_fields(cls: type[_T]) -> type[_T]:
    """Pickle (and copy) an instance as its class and its fields' values, read in C. A slotted
    dataclass's own state walks its fields in Python for every object, and ``learn --jobs``
    sends every trace from a worker to the parent: this made pickling a third cheaper, and
    unpickling half."""
    values = attrgetter(*(f.name for f in fields(cls)))  # type: ignore[arg-type]

    def __reduce__(self: Any) -> tuple[type[_T], tuple[Any, ...]]:
        return cls, values(self)

    cls.__reduce__ = __reduce__  # type: ignore[method-assign]
    return cls


@_pickled_by_fields
@dataclass(slots=True)
class Task:
    id: str | None = None
    title: str | None = None
    instruction: str = ""
    category: str | None = None
    difficulty: str | None = None
    repository: str | None = None


@_pickled_by_fields
@dataclass(slots=True)
class Agent:
    name: str | None = None
    model: str | None = None
    tools: tuple[str, ...] = ()
    mcp_servers: tuple[str, ...] = ()


@_pickled_by_fields
@dataclass(slots=True)
class Step:
    """One tool call: its name, a short input summary, and how it ended."""

    tool: str
    input: str = ""
    path: str | None = None
    is_error: bool = False
    output: str = ""
    parent: str | None = None  # id of the sub-agent call this step ran under, if any


@_pickled_by_fields
@dataclass(slots=True)
class Outcome:
    status: str = "error"
    reward: float | None = None
    failure_class: str | None = None
    error_type: str | None = None
    error_message: str | None = None

    @property
    def valid(self) -> bool:
        return self.status in VALID_STATUSES

    @property
    def passed(self) -> bool:
        return self.status == "pass"

    @property
    def measured(self) -> bool:
        """Whether anything judged the run at all (an ``error`` was, and broke)."""
        return self.status != "unmeasured"


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Failure:
    """What a failed run reported: a failing test or an error, and what kind of error it was."""

    source: str  # "error" (the run's own error), "test" (verifier output) or "tool" (a runner)
    kind: str  # assertion, syntax, import, compile, timeout, lint, runtime or unknown
    message: str
    test: str | None = None


@_pickled_by_fields
@dataclass(slots=True)
class Changes:
    known: bool = False
    files: tuple[str, ...] = ()
    added: int = 0
    removed: int = 0


@_pickled_by_fields
@dataclass(slots=True)
class Metrics:
    input_tokens: int | None = None
    output_tokens: int | None = None
    cache_tokens: int | None = None
    cost_usd: float | None = None
    duration_s: float | None = None
    turns: int | None = None


@_pickled_by_fields
@dataclass(slots=True)
class Trace:
    task: Task = field(default_factory=Task)
    agent: Agent = field(default_factory=Agent)
    steps: list[Step] = field(default_factory=list)
    outcome: Outcome = field(default_factory=Outcome)
    changes: Changes = field(default_factory=Changes)
    metrics: Metrics = field(default_factory=Metrics)
    denied_tools: tuple[str, ...] = ()  # tools whose calls were refused permission
    injected_rules: tuple[str, ...] = ()
    withheld_rules: tuple[str, ...] | None = None  # withheld at random (None: no holdout)
    failures: tuple[Failure, ...] = ()  # what a failed run reported, its main failure first
    tags: tuple[str, ...] = ()  # labels for selectors (``engram learn --tag``)
    run_id: str | None = None  # the source's own id for the run (trial name, session id)
    job: str | None = None
    source: str | None = None  # file the trace was read from
    trace_id: str = ""  # set by ``content_id`` once the trace is complete


def content_id(trace: Trace) -> str:
    """A stable id from the trace's canonical content, independent of where it was read.

    Failures are derived from the content and tags are how it was filed, so neither counts.
    """
    content = {
        name: getattr(trace, name)
        for name in Trace.__dataclass_fields__
        if name not in ("trace_id", "source", "job", "failures", "tags")
    }
    digest = hashlib.sha256(orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).hexdigest()
    return "t_" + digest[:24]
