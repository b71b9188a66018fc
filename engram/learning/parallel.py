"""Read and extract traces in several processes (``engram learn --jobs N``).

Workers parse files and extract features; the parent alone writes to the store, so the
store sees exactly what one process would have written. With many files each worker takes
whole files; with few, every worker reads every file and keeps every N-th record (a Share).
A bounded queue keeps memory flat however far the workers run ahead.
"""

from __future__ import annotations

import multiprocessing
import os
import queue as queue_module
import stat
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from engram.errors import EngramError
from engram.extract import Extractor, extract_features
from engram.loaders import Problem, Reading, read_path
from engram.loaders.records import Share
from engram.parse import redact
from engram.trace import Trace

#: File index; a trace, a problem, or which format the file is read as; the trace's features.
Loaded = tuple[int, Trace | Problem | Reading, frozenset[str]]
BATCH = 100
BATCHES_IN_FLIGHT = 4  # per worker
#: Workers yield the processor to the parent, which alone writes: 10,000 traces learned with
#: ``--jobs 2`` on two cores took 3.8 s so, 4.0 s at equal priority.
WORKER_NICENESS = 5


def load_serial(
    files: Sequence[Path], format: str | None, extractors: Sequence[Extractor], progress: Any
) -> Iterator[Loaded]:
    """Every file's traces in order, in this process, reporting bytes read to ``progress``."""
    sizes = [_size(path) for path in files]
    progress.set_total(sum(sizes))
    done_bytes = 0
    traces = [0]  # read by the progress callback while loading
    for index, path in enumerate(files):

        def report(position: int, offset: int = done_bytes) -> None:
            progress.update(offset + position, traces[0])

        for item in read_path(path, format, report):
            if isinstance(item, Trace):
                traces[0] += 1
                yield index, item, extract_features(item, extractors)
            else:
                yield index, item, frozenset()
        done_bytes += sizes[index]


def load_parallel(
    files: Sequence[Path], format: str | None, extractors: Sequence[Extractor], jobs: int
) -> Iterator[Loaded]:
    """The same items as ``load_serial`` (in another order), read by ``jobs`` processes."""
    methods = multiprocessing.get_all_start_methods()
    context: Any = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    results: Any = context.Queue(maxsize=jobs * BATCHES_IN_FLIGHT)
    by_file = len(files) >= 2 * jobs
    workers = [
        context.Process(
            target=_work,
            args=(list(enumerate(files))[k::jobs] if by_file else list(enumerate(files)),
                  None if by_file else Share(k, jobs), format, list(extractors), results,
                  redact.enabled()),
            daemon=True,
        )
        for k in range(jobs)
    ]  # fmt: skip
    for worker in workers:
        worker.start()
    running = len(workers)
    try:
        while running:
            try:
                kind, payload = results.get(timeout=1.0)
            except queue_module.Empty:
                if any(w.exitcode not in (None, 0) for w in workers):
                    raise EngramError("a worker process of `engram learn --jobs` died") from None
                continue
            if kind == "items":
                yield from payload
            elif kind == "done":
                running -= 1
            else:
                raise EngramError(f"a worker process of `engram learn --jobs` failed:\n{payload}")
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
            worker.join()


def _work(
    files: list[tuple[int, Path]],
    share: Share | None,
    format: str | None,
    extractors: list[Extractor],
    results: Any,
    redacting: bool,
) -> None:
    if hasattr(os, "nice"):  # the writer is the slower end: let it have a core first
        os.nice(WORKER_NICENESS)
    try:
        with redact.redaction(redacting):
            batch: list[Loaded] = []
            for index, path in files:
                for item in read_path(path, format, None, share):
                    features = (
                        extract_features(item, extractors) if isinstance(item, Trace) else None
                    )
                    batch.append((index, item, features or frozenset()))
                    if len(batch) >= BATCH:
                        results.put(("items", batch))
                        batch = []
            results.put(("items", batch))
        results.put(("done", None))
    except BaseException:
        results.put(("error", traceback.format_exc()))


def _size(path: Path) -> int:
    try:
        found = os.stat(path)
    except OSError:
        return 0
    return found.st_size if stat.S_ISREG(found.st_mode) else 0
