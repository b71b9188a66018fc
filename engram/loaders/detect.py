"""Find what to read under the paths given, and pick the loader for each: ``--format NAME``
forces one, otherwise a file's first records decide; a folder a format owns (a Harbor trial,
a Terminal-Bench run) is read as one."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

from engram.errors import EngramError, os_reason
from engram.loaders import (
    aggregated,
    atif,
    claude_code,
    codex,
    execution,
    harbor,
    openhands,
    otel,
    swe_agent,
    terminal_bench,
)
from engram.loaders.files import read_start
from engram.loaders.records import Problem, Reading, Share
from engram.loaders.sniffing import Head, head_of
from engram.trace import Trace

#: Every loader, by name. Files are tried in this order: the first whose ``sniff`` recognises a
#: file's start reads it. A loader with ``claims(folder)`` owns the folders it names; one with
#: ``companion(head, path)`` knows the files its tool writes beside its runs, holding none.
LOADERS: dict[str, ModuleType] = {
    module.NAME: module
    for module in (
        claude_code, codex, atif, otel, swe_agent, openhands, terminal_bench, execution,
        harbor, aggregated,
    )
}  # fmt: skip
_FOLDER_LOADERS = tuple(loader for loader in LOADERS.values() if hasattr(loader, "claims"))
_COMPANION_LOADERS = tuple(loader for loader in LOADERS.values() if hasattr(loader, "companion"))
_SNIFF_BYTES = 64 * 1024
#: When nothing is recognised in the first 64 KB, a first record may be longer (a long
#: instruction inline): this much more is read once before giving up.
_LONG_SNIFF_BYTES = 16 * 1024 * 1024
#: Files a folder is searched for (their content then decides the format).
TRACE_SUFFIXES = (".json", ".jsonl", ".ndjson", ".traj")
JOB_FILES = frozenset({"config.json", "result.json"})  # a Harbor job's own, beside its trials
#: The owners ``expand_paths`` found of the folders it gave, so that reading one does not ask
#: again (for a Harbor trial, a stat and a read of its result.json each time). Each expansion
#: starts it afresh; reading a folder takes its entry out.
_OWNERS_FOUND: dict[Path, ModuleType] = {}

Item = Trace | Problem | Reading


def loader_names() -> list[str]:
    return list(LOADERS)


def load_file(
    path: Path,
    format: str | None = None,
    on_progress: Callable[[int], None] | None = None,
    share: Share | None = None,
) -> Iterator[Trace | Problem]:
    """Traces (and Problems) from one file, read with the forced or the detected loader;
    with ``share``, only that worker's part of it."""
    for item in _read_file(path, format, on_progress, share):
        if not isinstance(item, Reading):
            yield item


def load_path(
    path: Path,
    format: str | None = None,
    on_progress: Callable[[int], None] | None = None,
    share: Share | None = None,
) -> Iterator[Trace | Problem]:
    """Traces (and Problems) from a trace file or a folder a format owns (a Harbor trial)."""
    for item in read_path(path, format, on_progress, share):
        if not isinstance(item, Reading):
            yield item


def read_path(
    path: Path,
    format: str | None = None,
    on_progress: Callable[[int], None] | None = None,
    share: Share | None = None,
) -> Iterator[Item]:
    """``load_path``'s items, after a Reading that names the format the path is read as
    (given by the worker that reports whole files)."""
    found = _OWNERS_FOUND.pop(path, None)
    owner = (found, path) if found is not None else None
    if owner is None:
        if not path.is_dir():
            yield from _read_file(path, format, on_progress, share)
            return
        owner = _owner(path)
    if owner is not None and owner[1] != path:  # the folder is read through one file
        yield from _read_file(owner[1], format, on_progress, share)
        return
    if owner is not None:
        if share is None or share.reports_files:
            yield Reading(str(path), owner[0].NAME)
        yield from owner[0].load(path, on_progress, share)
        return
    if share is None or share.reports_files:
        yield Reading(str(path), harbor.NAME)
    yield from harbor.load_trial(path, share)  # says what the folder lacks to be a trial


def _read_file(
    path: Path,
    format: str | None,
    on_progress: Callable[[int], None] | None,
    share: Share | None,
) -> Iterator[Item]:
    reports = share is None or share.reports_files
    if format is not None:
        if format not in LOADERS:
            raise EngramError(
                f"unknown format {format!r}", hint=f"known formats: {', '.join(LOADERS)}"
            )
        if reports:
            yield Reading(str(path), format)
        yield from LOADERS[format].load(path, on_progress, share)
        return
    try:
        start = read_start(path, _SNIFF_BYTES)
        found = _recognise(start, path) if start is not None else None
        if found is None and start is not None and len(start) == _SNIFF_BYTES \
                and _json_start(start):
            start = read_start(path, _LONG_SNIFF_BYTES)
            found = _recognise(start, path) if start is not None else None
    except OSError as exc:
        if reports:
            yield Problem(str(path), None, f"cannot read the file: {os_reason(exc)}")
        return
    if start is None:
        if reports:
            yield Problem(str(path), None, "cannot read the file: it is not a regular file")
        return
    if found is not None:
        loader, companion = found
        if reports:
            yield Reading(str(path), loader.NAME, companion=companion)
        if not companion:
            yield from loader.load(path, on_progress, share)
        return
    if _json_start(start):
        # JSON of a shape we cannot name from its start: let the aggregated loader judge
        # each record, so a bad record is reported as such.
        if reports:
            yield Reading(str(path), aggregated.NAME)
        yield from aggregated.load(path, on_progress, share)
        return
    if reports:
        tried = ", ".join(LOADERS)
        yield Problem(str(path), None, f"not a trace file of a known format (tried: {tried})")


def _json_start(start: bytes) -> bool:
    return start.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{")


def _recognise(start: bytes, path: Path) -> tuple[ModuleType, bool] | None:
    """The loader of a file from its start, and whether the file is one of its companions
    (checked first: a graded copy beside a file, say, is read instead of it)."""
    head = head_of(start)
    companion_of = next((c for c in _COMPANION_LOADERS if c.companion(head, path)), None)
    if companion_of is not None:
        return companion_of, True
    loader = detect(head, path)
    return (loader, False) if loader is not None else None


def detect(head: Head, path: Path) -> ModuleType | None:
    """The loader whose ``sniff`` recognises the file's first records, if any."""
    return next((loader for loader in LOADERS.values() if loader.sniff(head, path)), None)


def expand_paths(paths: list[Path]) -> Iterator[Path | Problem]:
    """The trace files and owned folders named, or found inside the folders named (a job
    folder, a folder of jobs or runs, any tree of trace files of any formats), in a stable
    order."""
    _OWNERS_FOUND.clear()
    for path in paths:
        if path.is_dir():
            found = list(_walk(path, set()))
            if not found:
                yield Problem(str(path), None, "the folder holds no trace files, Harbor trials or "
                              "Terminal-Bench runs")  # fmt: skip
            yield from found
        elif path.is_file() and (owned := _owner_of_file(path)) is not None:
            yield owned
        elif path.exists():
            yield path
        else:
            yield Problem(str(path), None, "no such file or folder")


def _owner_of_file(path: Path) -> Path | None:
    """A file named on its own that stands for the folder holding it (a trial's result.json)."""
    if path.name != "result.json":
        return None
    owner = _owner(path.parent)
    if owner is None or owner[1] != path.parent:
        return None
    _OWNERS_FOUND[owner[1]] = owner[0]
    return owner[1]


def _owner(folder: Path) -> tuple[ModuleType, Path] | None:
    """The format that owns ``folder`` and what it reads of it (the folder, or one file)."""
    for loader in _FOLDER_LOADERS:
        claimed = loader.claims(folder)
        if claimed is not None:
            return loader, claimed
    return None


def _walk(
    folder: Path,
    seen: set[Path],
    known: bool = False,
    owner: tuple[ModuleType, Path] | None = None,
    real: Path | None = None,
) -> Iterator[Path]:
    """Paths to read under ``folder``; ``known``: its ``owner`` was already asked; ``real``:
    its resolved path, when known without resolving it (a plain child's)."""
    real = real or folder.resolve()
    if real in seen:  # a link back up the tree
        return
    seen.add(real)
    owner = owner if known else _owner(folder)
    if owner is not None:
        if owner[1] == folder:
            _OWNERS_FOUND[owner[1]] = owner[0]  # keyed by the path given, not a copy of it
        yield owner[1]
        return
    try:
        with os.scandir(folder) as listed:  # one listing: a job holds thousands of trials
            entries = sorted(listed, key=lambda entry: entry.name)
    except OSError:
        return
    visible = [e for e in entries if not (e.name.startswith(".") or e.name == "__pycache__")]
    owned = {entry.name: _owner(folder / entry.name) for entry in visible if _is_dir(entry)}
    trials = any(o is not None and o[1] == folder / name for name, o in owned.items())  # a job's
    for entry in visible:
        child = folder / entry.name
        if entry.name in owned:
            plain = real / entry.name if not entry.is_symlink() else None
            yield from _walk(child, seen, True, owned[entry.name], plain)
        elif entry.name.lower().endswith(TRACE_SUFFIXES) and not (
            trials and entry.name in JOB_FILES
        ):
            yield child


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False
