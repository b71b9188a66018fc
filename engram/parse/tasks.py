"""Task identity: runs are of the same task when their task keys agree.

A key comes from a run's task id through a regular expression whose first group is the key
(compared case-insensitively). The default strips the suffix Harbor gives each trial
(``sgt-001__7A5Hxy2`` → ``sgt-001``); ``--task-key`` sets another, e.g.
``^(?:mcp_)?(.+?)(?:_[0-9a-f]{8})?$`` for ids like ``mcp_ccx-agentic-229_4a68f68a``. An id
the expression does not match is its own key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from engram.errors import EngramError

#: Harbor names a trial ``<task name, at most 32 characters>__<7 random letters and digits>``.
DEFAULT_TASK_KEY = r"^(.+?)(?:__[A-Za-z0-9]{7})?$"


@dataclass(frozen=True)
class TaskKey:
    """How a run's task id becomes the key that says which runs are of the same task."""

    pattern: str = DEFAULT_TASK_KEY
    _cache: dict[str, tuple[str, bool]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def parse(cls, pattern: str | None) -> TaskKey:
        """The key for ``pattern`` (None: the default); a pattern that cannot key is an error."""
        if pattern is None or pattern == DEFAULT_TASK_KEY:
            return cls()
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            raise EngramError(f"--task-key {pattern!r} is not a regular expression: {exc}") from exc
        if compiled.groups < 1:
            raise EngramError(
                f"--task-key {pattern!r} has no group",
                hint="its first group (…) is the key, e.g. '^(?:mcp_)?(.+?)(?:_[0-9a-f]{8})?$'",
            )
        return cls(pattern)

    @property
    def is_default(self) -> bool:
        return self.pattern == DEFAULT_TASK_KEY

    @cached_property
    def _regex(self) -> re.Pattern[str]:
        return re.compile(self.pattern)

    def key(self, task_id: str | None) -> str | None:
        """The task key of an id (lower case), or None for a run with no task id."""
        return self.match(task_id)[0]

    def match(self, task_id: str | None) -> tuple[str | None, bool]:
        """The key and whether the expression matched (an unmatched id is its own key)."""
        if task_id is None or not task_id.strip():
            return None, True
        found = self._cache.get(task_id)
        if found is None:
            match = self._regex.search(task_id)
            group = match.group(1) if match else None
            found = ((group or task_id).strip().lower(), bool(match and group))
            if len(self._cache) < 200_000:
                self._cache[task_id] = found
        return found

    def describe(self) -> str:
        if self.is_default:
            return "default (a Harbor trial's __suffix removed), case-insensitive"
        return f"--task-key {self.pattern}, case-insensitive"


def unmatched(key: TaskKey, task_ids: Iterable[str | None]) -> int:
    """How many of ``task_ids`` the key's expression does not match."""
    return sum(1 for task_id in task_ids if task_id and not key.match(task_id)[1])


def suggest_task_key(first: Sequence[str], second: Sequence[str]) -> str | None:
    """A --task-key under which ids of one side contain the other's (``ccx-agentic-229`` and
    ``mcp_ccx-agentic-229_4a68f68a``), or None when the ids do not look alike."""
    for short, long in ((first, second), (second, first)):
        pattern = _wrapping(sorted(set(short), key=len, reverse=True), sorted(set(long)))
        if pattern:
            return pattern
    return None


def _wrapping(short: list[str], long: list[str]) -> str | None:
    """The prefix and suffix that turn ``short`` ids into ``long`` ones, as a pattern."""
    prefixes: set[str] = set()
    suffixes: list[str] = []
    by_lower = [(name.lower(), name) for name in long]
    sample = short[:300]
    for name in sample:
        lowered = name.lower()
        found = [(len(c) - len(lowered), c.find(lowered), o) for c, o in by_lower
                 if c != lowered and lowered in c]  # fmt: skip
        if found:  # the tightest wrapping: ``-1`` is in ``-10_…`` too
            _extra, at, original = min(found)
            prefixes.add(original[:at])
            suffixes.append(original[at + len(name) :])
    if len(suffixes) < max(2, len(sample) // 3) or len(prefixes) > 3:
        return None
    prefix = "|".join(re.escape(p) for p in sorted(prefixes) if p)
    suffix = _shape(suffixes)
    if suffix is None:
        return None
    head = f"(?:{prefix})?" if prefix else ""
    tail = f"(?:{suffix})?" if suffix else ""
    return f"^{head}(.+?){tail}$"


def _shape(suffixes: list[str]) -> str | None:
    """One pattern for suffixes like ``_4a68f68a``, ``_9c01d2e3`` (or none at all)."""
    distinct = set(suffixes) - {""}
    if not distinct:
        return ""
    if len(distinct) == 1:
        return re.escape(distinct.pop())
    hexlike = [re.fullmatch(r"([_\-.]?)([0-9a-f]+)", s) for s in distinct]
    if not all(hexlike) or len({m.group(1) for m in hexlike if m}) != 1:
        return None
    separator = next(m.group(1) for m in hexlike if m)
    lengths = sorted({len(m.group(2)) for m in hexlike if m})
    count = str(lengths[0]) if len(lengths) == 1 else f"{lengths[0]},{lengths[-1]}"
    return re.escape(separator) + f"[0-9a-f]{{{count}}}"
