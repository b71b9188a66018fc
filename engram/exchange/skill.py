"""The playbook as an Agent Skill (Claude Code, Harbor and other harnesses that read skills): a
folder holding ``SKILL.md``, YAML front matter (``name``, ``description``, ``metadata``) over
the markdown playbook.

The skill's ``name`` is the folder's name, which the format wants in lower-case letters,
digits and single hyphens, at most 64 characters. Every value in the front matter is written
as a double-quoted string, so no text can break out of it.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

from engram import __version__
from engram.errors import EngramError, os_errors
from engram.exchange.common import iso
from engram.exchange.markdown import playbook_markdown
from engram.rules import Rule

FILE = "SKILL.md"
DEFAULT_FOLDER = "engram-playbook"
NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
NAME_LIMIT = 64
DESCRIPTION_LIMIT = 1024


def skill_name(folder: Path) -> str:
    """The skill's name: its folder's, if the format allows it."""
    name = folder.resolve().name
    if len(name) > NAME_LIMIT or not NAME.fullmatch(name):
        raise EngramError(
            f"{name!r} cannot name a skill: the folder's name is the skill's name, in lower-case"
            f" letters, digits and single hyphens, at most {NAME_LIMIT} characters",
            hint=f"e.g. -o .claude/skills/{DEFAULT_FOLDER}",
        )
    return name


def description(traces: int, rules: int) -> str:
    return (
        f"Lessons engram learned from {traces:,} earlier coding-agent runs: {rules:,}"
        " behaviours that went with passing or failing tasks, with the evidence for each."
        " Use on every coding task: follow the rules for all runs and those for the task's"
        " category."
    )[:DESCRIPTION_LIMIT]


def skill_markdown(name: str, rules: list[Rule], traces: int, now: datetime) -> str:
    """``SKILL.md``: the front matter, then the playbook with a line on how to use it."""
    front = {
        "name": name,
        "description": description(traces, len(rules)),
    }
    metadata = {"generator": f"engram {__version__}", "exported-at": iso(now, now),
                "rules": str(len(rules)), "runs": str(traces)}  # fmt: skip
    lines = ["---"]
    lines += [f"{key}: {quote(value)}" for key, value in front.items()]
    lines.append("metadata:")
    lines += [f"  {key}: {quote(value)}" for key, value in metadata.items()]
    lines += ["---", ""]
    intro = (
        f"Follow these lessons on every coding task: the rules for all runs, and those under"
        f" the heading of the task's category (or agent, or model) if it has one. engram"
        f" learned them from {traces:,} earlier runs; each gives the evidence it rests on."
    )
    return "\n".join(lines) + playbook_markdown(rules, traces, now, intro=intro)


def quote(value: str) -> str:
    """A YAML double-quoted scalar (a JSON string is one), on one line."""
    return json.dumps(" ".join(value.split()), ensure_ascii=True)


def write_skill(folder: Path, rules: list[Rule], traces: int, now: datetime) -> Path:
    """Write ``folder/SKILL.md`` (the folder is made if need be); returns the file's path."""
    name = skill_name(folder)
    if folder.exists() and not folder.is_dir():
        raise EngramError(f"{folder} is a file; a skill is a folder", hint="name a folder with -o")
    path = folder / FILE
    with os_errors("write", path):
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(skill_markdown(name, rules, traces, now), encoding="utf-8")
    return path
