"""Working habits: verifying after the last edit, and reading files before editing them."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from engram.extract import Extractor
from engram.parse.shell import invocations
from engram.parse.tools import (
    READING_PROGRAMS,
    is_edit,
    is_read,
    is_search,
    is_shell,
    is_verification,
    is_write,
    shell_invocations,
)
from engram.trace import Step, Trace


class Workflow(Extractor):
    """``verified:after_edit|never``, ``read_before_edit:all|not_all``."""

    name = "workflow"

    def extract(self, trace: Trace) -> Iterable[str]:
        steps = trace.steps
        edits = [i for i, step in enumerate(steps) if is_edit(step) or is_write(step)]
        if not edits:
            return
        verifications = [
            i
            for i, step in enumerate(steps)
            if any(is_verification(inv) for inv in shell_invocations(step))
        ]
        if not verifications:
            yield "verified:never"
        elif verifications[-1] > edits[-1]:
            yield "verified:after_edit"
        first = _first_edits(steps)
        if first:
            unread = _first_unread(steps, first)
            yield "read_before_edit:not_all" if unread else "read_before_edit:all"


def _first_unread(steps: list[Step], first: dict[str, int]) -> bool:
    """Whether some file's first edit comes before any step saw its path.

    A seen path can only match an edited one if both end in the same name, so only texts
    holding one of the edited files' names are split into parts: the others (most lines of
    most outputs) cannot change the answer."""
    names = {parts[-1] for parts in map(_parts, first) if parts}
    edits_at = {index: _parts(path) for path, index in first.items()}
    seen: set[tuple[str, ...]] = set()
    for index, step in enumerate(steps[: max(edits_at) + 1]):
        seen.update(_parts(path) for path in _paths_seen(step, names))
        if index in edits_at and not _known(edits_at[index], seen):
            return True
    return False


def _first_edits(steps: list[Step]) -> dict[str, int]:
    """Each modified file's path and the index of its first edit."""
    first: dict[str, int] = {}
    for index, step in enumerate(steps):
        if is_edit(step) and step.path and step.path not in first:
            first[step.path] = index
    return first


def _paths_seen(step: Step, names: Collection[str]) -> Iterable[str]:
    """Paths a step read, wrote or found that hold one of ``names``: a Read or Write of a
    file, a search or a shell command whose output names it (``path`` or grep's
    ``path:line:text``)."""
    if (is_read(step) or is_write(step)) and step.path:
        yield step.path
    if is_shell(step):
        for invocation in invocations(step.input):
            if invocation.program in READING_PROGRAMS:
                yield from (arg for arg in invocation.args
                            if not arg.startswith("-") and any(name in arg for name in names))  # fmt: skip
    output = step.output
    if (
        output
        and not step.is_error
        and (is_search(step) or is_shell(step))
        and any(name in output for name in names)
    ):
        for line in output.splitlines()[:200]:
            path = line.split(":", 1)[0]
            if any(name in path for name in names):
                yield path.strip()


def _parts(path: str) -> tuple[str, ...]:
    return tuple(part for part in path.strip().split("/") if part not in ("", "."))


def _known(path: tuple[str, ...], seen: set[tuple[str, ...]]) -> bool:
    """Whether a path was seen, as tools name files by absolute or by relative paths."""
    if not path or path in seen:
        return bool(path)
    for other in seen:
        shorter, longer = sorted((path, other), key=len)
        if shorter and longer[-len(shorter) :] == shorter:
            return True
    return False
