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


#: An instruction head's title, repository, difficulty and category (None where it names none).
Header = tuple[str | None, str | None, str | None, str | None]


def parse_task_header(instruction: str, task: Task) -> None:
    """Fill the task's title, repository, difficulty and category from its instruction text."""
    fill_task_header(task, header_fields(instruction))


def fill_task_header(task: Task, header: Header) -> None:
    """Give the task what ``header`` names where it has nothing of its own."""
    title, repository, difficulty, category = header
    task.title = task.title if task.title is not None else title
    task.repository = task.repository if task.repository is not None else repository
    task.difficulty = task.difficulty if task.difficulty is not None else difficulty
    task.category = task.category if task.category is not None else category


def header_fields(instruction: str) -> Header:
    """The title, repository, difficulty and category an instruction's head names: each the
    first its lines give."""
    head = instruction[:_HEAD_CHARS]
    match = _TITLE.search(head)
    title = _clean(match.group(1), 300) if match else None
    found: dict[str, str | None] = {}
    for match in _HEADER.finditer(head):
        key = match.group(1).lower()
        key = "repository" if key == "repo" else key
        if found.get(key) is None:
            found[key] = _clean(match.group(2), 120)
    difficulty = found.get("difficulty")
    return title, found.get("repository"), difficulty.lower() if difficulty else None, \
        found.get("category")


def task_category(instruction: str) -> str | None:
    """The category an instruction's ``Category:`` line names, if any."""
    return header_fields(instruction)[3]
