"""Stream the records of a JSON file: an array, an object with a list of them, or JSON Lines.

Memory stays bounded by the largest single record, however large the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson

from engram.errors import os_reason
from engram.loaders.jsonstream import TooLarge, document_items
from engram.parse.redact import redact

MAX_RECORD_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 256  # nesting levels in a document (orjson's own limit for a line is 1024)
_HEAD_BYTES = 1024 * 1024
_BOM = b"\xef\xbb\xbf"


@dataclass(slots=True)
class Record:
    """One raw record and where it came from (``record 3`` or ``line 7``)."""

    label: str
    data: Any
    context: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Share:
    """One of ``of`` workers' part of every file: the records whose ordinal is ``index`` mod
    ``of``. Problems of a whole file are reported by worker 0 alone."""

    index: int
    of: int

    def owns(self, ordinal: int) -> bool:
        return (ordinal - 1) % self.of == self.index

    @property
    def reports_files(self) -> bool:
        return self.index == 0


@dataclass(slots=True)
class Problem:
    """Something that could not be read; ``label`` names the record when there is one."""

    file: str
    label: str | None
    message: str
    warning: bool = False  # read anyway (a newer version, say): reported, not skipped
    empty: bool = False  # the file holds no run at all (a session never used): counted, not skipped

    def __post_init__(self) -> None:
        self.message = redact(self.message)  # messages quote what they could not read

    @property
    def skipped(self) -> bool:
        """Whether something was left unread (not a warning, not an empty file)."""
        return not (self.warning or self.empty)

    def __str__(self) -> str:
        where = f"{self.file}: {self.label}" if self.label else self.file
        return f"{where}: {'warning: ' if self.warning else ''}{self.message}"


@dataclass(frozen=True, slots=True)
class Reading:
    """Which format a path is read as, said before its traces; ``companion``: a file its tool
    writes beside its runs that holds none (a predictions list, a run's metadata)."""

    source: str
    format: str
    companion: bool = False


def read_records(
    path: Path,
    container_key: str | None = "traces",
    on_progress: Callable[[int], None] | None = None,
    share: Share | None = None,
) -> Iterator[Record | Problem]:
    """Yield each record of ``path`` (of ``share``'s part, if given), and a Problem for each
    part that cannot be read. An object whose ``container_key`` holds a list is a container
    of records; with None, every object is a record."""
    for item in _read_records(path, container_key, on_progress, share):
        if share is None or not isinstance(item, Problem) or item.label or share.reports_files:
            yield item


def _read_records(
    path: Path,
    container_key: str | None,
    on_progress: Callable[[int], None] | None,
    share: Share | None,
) -> Iterator[Record | Problem]:
    name = str(path)
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed in the finally below
    except OSError as exc:
        yield Problem(name, None, f"cannot read the file: {os_reason(exc)}")
        return
    try:
        head = handle.read(_HEAD_BYTES)
        start = len(_BOM) if head.startswith(_BOM) else 0
        head = head[start:]
        handle.seek(start)
        first = head.lstrip()[:1]
        if not first:
            yield Problem(name, None, "the file is empty")
        elif first == b"[":
            yield from _document(handle, name, container_key, on_progress, share)
        elif first == b"{":
            yield from _object_or_lines(handle, name, container_key, on_progress, share)
        else:
            yield Problem(name, None, "not JSON: expected an array, an object or JSON Lines")
    except OSError as exc:
        yield Problem(name, None, f"read failed: {os_reason(exc)}")
    finally:
        handle.close()


def _object_or_lines(
    handle: IO[bytes],
    name: str,
    key: str | None,
    on_progress: Callable[[int], None] | None,
    share: Share | None,
) -> Iterator[Record | Problem]:
    start = handle.tell()
    lines = _looks_like_lines(handle)
    handle.seek(start)
    if lines:
        yield from _lines(handle, name, key, on_progress, share)
    else:  # one (pretty-printed or very long) document: a container of records, or one record
        yield from _document(handle, name, key, on_progress, share)


def _document(
    handle: IO[bytes],
    name: str,
    key: str | None,
    on_progress: Callable[[int], None] | None,
    share: Share | None,
) -> Iterator[Record | Problem]:
    """The records of a JSON document, each bounded in depth and size."""
    count = 0
    owns = share.owns if share is not None else None
    try:
        for item in document_items(handle, MAX_RECORD_BYTES, key, MAX_DEPTH, owns=owns):
            count = item.ordinal
            if on_progress is not None and count % 64 == 0:
                on_progress(handle.tell())
            if item.too_deep:
                yield Problem(name, f"record {count}", f"nested deeper than {MAX_DEPTH} levels")
            elif item.error is not None:
                yield Problem(name, f"record {count}", f"invalid JSON: {_short(item.error)}")
            else:
                yield Record(f"record {count}", item.value, item.context)
    except TooLarge:
        yield Problem(
            name,
            None,
            f"record {count + 1} or one soon after is larger than {MAX_RECORD_BYTES >> 20} MB;"
            " the rest of the file is skipped",
        )
    except ValueError as exc:
        after = f" after record {count}" if count else ""
        yield Problem(name, None, f"invalid JSON{after}: {_short(exc)}; the rest is skipped")
    if on_progress is not None:
        on_progress(handle.tell())


def _lines(
    handle: IO[bytes],
    name: str,
    key: str | None,
    on_progress: Callable[[int], None] | None,
    share: Share | None,
) -> Iterator[Record | Problem]:
    number = 0
    while True:
        line = handle.readline(MAX_RECORD_BYTES + 1)
        if not line:
            break
        number += 1
        label = f"line {number}"
        if share is not None and not share.owns(number):
            while line and not line.endswith(b"\n"):
                line = handle.readline(MAX_RECORD_BYTES)
            continue
        if len(line) > MAX_RECORD_BYTES and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):  # skip the rest of the oversized line
                line = handle.readline(MAX_RECORD_BYTES)
            yield Problem(name, label, f"record larger than {MAX_RECORD_BYTES >> 20} MB, skipped")
            continue
        if not line.strip():
            continue
        try:
            data = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            truncated = not line.endswith(b"\n")
            what = "truncated record" if truncated else "invalid JSON"
            yield Problem(name, label, f"{what}: {_short(exc)}")
            continue
        if on_progress is not None and number % 64 == 0:
            on_progress(handle.tell())
        if key is not None and isinstance(data, dict) and isinstance(data.get(key), list):
            context = (
                {"job_dir": data.get("job_dir")} if isinstance(data.get("job_dir"), str) else {}
            )
            for index, item in enumerate(data[key], start=1):
                yield Record(f"{label} record {index}", item, context)
        else:
            yield Record(label, data, {})
    if on_progress is not None:
        on_progress(handle.tell())


def _looks_like_lines(handle: IO[bytes]) -> bool:
    """JSON Lines when the first line is a whole object and more follows. A broken or
    oversized first line is judged by the next two: in JSON Lines they are whole objects (or
    the file ends), while a document that merely starts on its first line (``engram
    aggregate``'s, with one trace on line 2) goes on with a line that is not."""
    start = handle.tell()
    if _one_line(handle):
        return False  # one line (however long) is one document, streamed once
    handle.seek(start)
    judged = 0
    for attempt in range(3):
        line = handle.readline(MAX_RECORD_BYTES + 1)
        oversized = len(line) > MAX_RECORD_BYTES and not line.endswith(b"\n")
        if oversized:
            while line and not line.endswith(b"\n"):  # skip it, in bounded memory
                line = handle.readline(1 << 20)
        if not line:
            return judged > 0  # the file ended after a broken first line and whole objects
        if oversized or not line.strip():
            continue
        try:
            whole = isinstance(orjson.loads(line), dict)
        except orjson.JSONDecodeError:
            whole = False
        if attempt == 0 and whole:
            return True
        if attempt == 0:
            if not line.lstrip().startswith(b"{") or line.strip() == b"{":
                return False
            continue
        if not whole:
            return False
        judged += 1
    return judged > 0


def _one_line(handle: IO[bytes]) -> bool:
    """Whether only whitespace follows the first line, found in chunks: a one-line document
    is told from JSON Lines without copying its line (56 MB took 0.1 s to copy)."""
    while chunk := handle.read(1 << 20):
        newline = chunk.find(b"\n")
        if newline >= 0:
            after = chunk[newline + 1 : newline + 4097]  # the 4,096 bytes after the line
            return not (after + handle.read(4096 - len(after))).strip()
    return True


def _short(exc: BaseException | str, limit: int = 200) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= limit else text[:limit] + "…"
