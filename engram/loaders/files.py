"""Small files read with the fewest system calls: a Harbor job's trials hold a dozen files
each, and Python's ``open`` pays five more calls a file (a size, a terminal check, a seek…)
than reading it takes."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path
from typing import IO

_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0)
_NOT_THERE = (FileNotFoundError, NotADirectoryError, IsADirectoryError)
#: A log this long is read whole in one call and split in C; a longer one is read as it goes.
LOG_AT_ONCE = 4 * 1024 * 1024


#: The last small file read whole, for the one read that often follows it (a format is picked
#: from a file's start, then its loader reads the file): its path, identity and bytes.
_last: tuple[str, tuple[int, int, int], bytes] | None = None
_KEPT_BYTES = 1024 * 1024


def read_start(path: Path | str, limit: int) -> bytes | None:
    """The first ``limit`` bytes of the regular file at ``path`` (all of a shorter one); None
    when there is no regular file there (nothing, a folder, a pipe). Other OSErrors (no
    permission, a failing disk) are raised."""
    global _last
    name = os.fspath(path)
    kept, _last = _last, None
    if kept is not None and kept[0] == name:
        try:
            found = os.stat(name)
        except OSError:
            found = None
        if found is not None and _identity(found) == kept[1]:
            return kept[2][:limit]  # unchanged since: one stat instead of a read
    try:
        fd = os.open(name, _FLAGS)  # non-blocking: opening a pipe must not wait for a writer
    except _NOT_THERE:
        return None
    try:
        found = os.fstat(fd)
        if not stat.S_ISREG(found.st_mode):
            return None
        wanted = min(found.st_size, limit)
        chunks = []
        while wanted > 0 and (chunk := os.read(fd, wanted)):
            chunks.append(chunk)
            wanted -= len(chunk)
    finally:
        os.close(fd)
    data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    if len(data) == found.st_size <= _KEPT_BYTES:
        _last = (name, _identity(found), data)
    return data


def _identity(found: os.stat_result) -> tuple[int, int, int]:
    """What changes when a file is replaced or written: its inode, size and modification."""
    return found.st_ino, found.st_size, found.st_mtime_ns


def log_source(path: Path | str) -> IO[bytes] | None:
    """Where to read the lines of the log at ``path`` from: its bytes in memory when it holds
    at most ``LOG_AT_ONCE`` (most logs), else the open file, so that memory stays bounded;
    None when there is no regular file there. Other OSErrors are raised."""
    whole = read_start(path, LOG_AT_ONCE + 1)
    if whole is None:
        return None
    return io.BytesIO(whole) if len(whole) <= LOG_AT_ONCE else open(path, "rb")
