"""Read a unified diff (``git diff`` or plain ``diff -u``) into files touched and lines changed."""

from __future__ import annotations

import re

from engram.trace import Changes

_HUNK = re.compile(r"^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@")
_QUOTED_HEADER = re.compile(r'^"a/(.+)" "b/(.+)"$')
MAX_FILES = 5_000


def parse_diff(text: str) -> Changes:
    """Files and added/removed line counts of a unified diff; an empty text is no change."""
    files: dict[str, None] = {}
    added = removed = 0
    old_left = new_left = 0
    old_path: str | None = None  # the "--- " path, for a file the diff deletes
    header_path: str | None = None  # a "diff --git" path not yet confirmed by "+++"
    for line in text.splitlines():
        if old_left > 0 or new_left > 0:
            marker = line[:1]
            if marker == "+":
                added += 1
                new_left -= 1
                continue
            if marker == "-":
                removed += 1
                old_left -= 1
                continue
            if marker in (" ", ""):
                old_left -= 1
                new_left -= 1
                continue
            if marker == "\\":
                continue
            old_left = new_left = 0  # a truncated hunk: read the line as a header
        if line.startswith("@@"):
            match = _HUNK.match(line)
            if match:
                old_left = int(match.group(1)) if match.group(1) is not None else 1
                new_left = int(match.group(2)) if match.group(2) is not None else 1
        elif line.startswith("diff --git "):
            _add(files, header_path)
            header_path = _git_header_path(line[len("diff --git ") :])
            old_path = None
        elif line.startswith("--- "):
            old_path = _header_path(line[4:])
        elif line.startswith("+++ "):
            _add(files, _header_path(line[4:]) or old_path)
            header_path = None
        elif line.startswith(("rename to ", "copy to ")):
            _add(files, line.split(" to ", 1)[1])
            header_path = None
    _add(files, header_path)
    return Changes(known=True, files=tuple(files), added=added, removed=removed)


def _git_header_path(rest: str) -> str | None:
    """The new path of ``a/X b/Y``; paths with spaces are split where both halves agree."""
    quoted = _QUOTED_HEADER.match(rest)
    if quoted:
        return quoted.group(2)
    middle = (len(rest) - 1) // 2
    if rest[middle : middle + 1] == " " and rest[:middle][2:] == rest[middle + 1 :][2:]:
        return _header_path(rest[middle + 1 :])
    if " b/" in rest:
        return rest.rsplit(" b/", 1)[1]
    return None


def _header_path(raw: str) -> str | None:
    path = raw.split("\t", 1)[0].strip().strip('"')
    if path == "/dev/null" or not path:
        return None
    return path[2:] if path.startswith(("a/", "b/")) else path


def _add(files: dict[str, None], path: str | None) -> None:
    if path and len(files) < MAX_FILES:
        files[path.strip()] = None
