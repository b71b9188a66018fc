"""What an instruction's text says about its task: title, repository, difficulty, category."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engram.trace import Task

_HEADER = re.compile(
    r"^[ \t>*_`-]*(repository|repo|difficulty|category)[ \t*_`]*:[ \t*_`]*(.+?)[ \t*_`]*$",
    re.IGNORECASE | re.MULTILINE,
)
_TITLE = re.compile(r"^\s*#\s+(.+?)\s*$", re.MULTILINE)
_HEAD_CHARS = 5000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _clean(value: str, limit: int) -> str | None:
    cleaned = _CONTROL.sub("", value)[:limit].strip()
    return cleaned or None


def parse_task_header(instruction: str, task: Task) -> None:
    """Fill the task's title, repository, difficulty and category from its instruction text."""
    head = instruction[:_HEAD_CHARS]
    if task.title is None:
        match = _TITLE.search(head)
        if match:
            task.title = _clean(match.group(1), 300)
    for match in _HEADER.finditer(head):
        key, value = match.group(1).lower(), _clean(match.group(2), 120)
        if key in ("repository", "repo") and task.repository is None:
            task.repository = value
        elif key == "difficulty" and task.difficulty is None:
            task.difficulty = value.lower() if value else None
        elif key == "category" and task.category is None:
            task.category = value


def task_category(instruction: str) -> str | None:
    """The category an instruction's ``Category:`` line names, if any."""
    from engram.trace import Task  # not at the top: ``suggest`` imports this module

    task = Task()
    parse_task_header(instruction, task)
    return task.category
