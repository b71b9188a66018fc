"""``engram learn``: read trace files, extract features, store them, re-mine the rules."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from engram import __version__
from engram.errors import EngramError, StoreError
from engram.extract import Extractor, default_extractors
from engram.learning.parallel import load_parallel, load_serial
from engram.learning.progress import Progress
from engram.loaders import Problem, expand_paths, loader_names
from engram.loaders.records import Reading
from engram.mining.settings import MiningSettings
from engram.parse.redact import redaction
from engram.parse.tasks import TaskKey
from engram.store import Store, open_store
from engram.trace import Trace

#: Runs written in one transaction: fewer, larger batches add up repeated counts before
#: writing them (10,000 traces learned in 4.6 s at 2,000 a batch, 4.9 s at 500) ...
BATCH_SIZE = 2_000
#: ... and a batch is written early once its runs hold this many steps, so that long runs
#: cannot make a batch's memory grow without bound.
BATCH_STEPS = 100_000
MINING_ATTEMPTS = 3
SKIPS_SHOWN_PER_FILE = 5


@dataclass(slots=True)
class FormatTally:
    """What was read of one format: files (or owned folders), traces, empty files, and files
    its tool writes beside its runs (ignored)."""

    files: int = 0
    traces: int = 0
    empty: int = 0
    companions: int = 0

    def __str__(self) -> str:
        parts = [_count(self.files, "file"), _count(self.traces, "trace")]
        if self.empty:
            parts.append(f"{self.empty:,} empty")
        if self.companions:
            parts.append(f"{self.companions:,} beside them ignored")
        return ", ".join(parts)


@dataclass(slots=True)
class LearnSummary:
    store: str
    created_store: bool = False
    files: int = 0
    traces_read: int = 0
    traces_new: int = 0
    traces_known: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    empty: list[Problem] = field(default_factory=list)  # files holding no run (unused sessions)
    formats: dict[str, FormatTally] = field(default_factory=dict)
    archived: list[str] = field(default_factory=list)
    stopped_early: bool = False
    mined: bool = False
    tests: int = 0
    absorbed: int = 0  # candidates the chosen features explained (folded into their rules)
    rules_added: int = 0
    rules_updated: int = 0
    rules_retired: int = 0
    rules_active: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    def formats_text(self) -> str:
        """``claude_code: 3 files, 2 traces, 1 empty; swe_agent: …`` (most traces first)."""
        ranked = sorted(self.formats.items(), key=lambda item: (-item[1].traces, item[0]))
        return "; ".join(f"{name}: {tally}" for name, tally in ranked)

    def skip_lines(self, per_file: int = SKIPS_SHOWN_PER_FILE) -> list[str]:
        """What was skipped, the first ``per_file`` of each file, then how many more."""
        return _capped([f"skipped {p}" for p in self.problems], self.problems, per_file)

    def warning_lines(self, per_file: int = SKIPS_SHOWN_PER_FILE) -> list[str]:
        return _capped([str(w) for w in self.warnings], self.warnings, per_file)

    def as_dict(self) -> dict[str, Any]:
        return {
            "store": self.store,
            "created_store": self.created_store,
            "files": self.files,
            "traces_read": self.traces_read,
            "traces_new": self.traces_new,
            "traces_known": self.traces_known,
            "skipped": len(self.problems),
            "problems": [str(p) for p in self.problems],
            "warnings": [str(w) for w in self.warnings],
            "empty": len(self.empty),
            "empty_files": [p.file for p in self.empty],
            "formats": {name: asdict(tally) for name, tally in sorted(self.formats.items())},
            "archived": self.archived,
            "stopped_early": self.stopped_early,
            "rules_added": self.rules_added,
            "rules_updated": self.rules_updated,
            "rules_retired": self.rules_retired,
            "rules_active": self.rules_active,
            "tests": self.tests,
            "absorbed": self.absorbed,
            "seconds": round(self.seconds, 3),
        }


def learn(
    paths: Iterable[str | Path],
    *,
    store: Store | None = None,
    settings: MiningSettings | None = None,
    format: str | None = None,
    strict: bool = False,
    quiet: bool = True,
    extractors: Sequence[Extractor] | None = None,
    batch_size: int = BATCH_SIZE,
    jobs: int = 1,
    redact: bool = True,
    archive: bool = False,
    tags: Sequence[str] = (),
    task_key: TaskKey | None = None,
    remine: bool = False,
) -> LearnSummary:
    """Learn from trace files and folders into the store, then re-mine its rules.

    Unreadable files and records are skipped and listed in the summary (``strict`` stops at
    the first). ``jobs`` > 1 reads and extracts in that many processes, with the same result.
    Secrets are taken out of what is stored unless ``redact`` is False; ``archive`` keeps a
    redacted copy of each input in the store's history folder; ``tags`` label every run read
    (for selectors such as ``tag=baseline``); ``task_key`` says which runs are of one task
    (remembered by the store; a new one re-stratifies what is stored and re-mines); ``remine``
    mines again though no run is new (a stored run's outcome changed). Each batch
    of traces is written in one transaction, so a failure never leaves half a batch behind.
    """
    started = time.perf_counter()
    if format is not None and format not in loader_names():
        raise EngramError(f"unknown format {format!r}", hint=f"known: {', '.join(loader_names())}")
    own_store = store is None
    store = store or open_store(create=True)
    settings = settings or MiningSettings()
    extractors = list(extractors) if extractors is not None else default_extractors()
    path_list = [Path(p) for p in paths]
    summary = LearnSummary(store=store.location, created_store=store.created)
    rekeyed = task_key is not None and store.set_task_key(task_key)
    learn_id = store.start_learn([str(p) for p in path_list], settings.as_dict(), __version__)
    status = "failed"
    try:
        with store.kept_open():  # a learn's many short transactions
            with redaction(redact), _few_collections():
                if archive:
                    _archive(path_list, store, summary)
                _ingest(
                    store, path_list, summary, learn_id=learn_id, format=format, strict=strict,
                    quiet=quiet, extractors=extractors, batch_size=batch_size, jobs=jobs,
                    tags=tuple(dict.fromkeys(tag.strip()[:100] for tag in tags if tag.strip())),
                )  # fmt: skip
            current = not (summary.traces_new or rekeyed or remine) and _rules_current(store, settings)
            if not current:
                _mine_and_save(store, settings, learn_id, summary)
                if summary.mined:
                    from engram.playbook.feedback import update_efficacy

                    summary.rules_retired += update_efficacy(store, learn_id)
            summary.rules_active = len(store.rules())
            if not (current or summary.mined):
                status = "raced"  # others kept adding runs; the last of them mines
            else:
                status = "stopped" if summary.stopped_early else "done"
    finally:
        summary.seconds = time.perf_counter() - started
        try:
            store.finish_learn(
                learn_id,
                status,
                files_read=summary.files,
                traces_read=summary.traces_read,
                traces_new=summary.traces_new,
                traces_known=summary.traces_known,
                records_skipped=len(summary.problems),
                rules_added=summary.rules_added,
                rules_updated=summary.rules_updated,
                rules_retired=summary.rules_retired,
            )
        except StoreError:
            if status != "failed":  # a learn that already failed keeps its first error
                raise
        finally:
            if own_store:
                store.close()
    return summary


@contextmanager
def _few_collections() -> Iterator[None]:
    """Fewer garbage collections while reading: records die young and hold no cycles worth
    chasing, while each full collection walks every object imported so far (12% of a learn)."""
    import gc

    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(100_000, 50, 1000)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _ingest(
    store: Store,
    paths: list[Path],
    summary: LearnSummary,
    *,
    learn_id: int,
    format: str | None,
    strict: bool,
    quiet: bool,
    extractors: Sequence[Extractor],
    batch_size: int,
    jobs: int,
    tags: tuple[str, ...] = (),
) -> None:
    """Read every file and write its traces in batches, noting all in ``summary``."""
    files: list[Path] = []
    for found in expand_paths(paths):
        if isinstance(found, Problem):
            summary.problems.append(found)
        else:
            files.append(found)
    if strict and summary.problems:
        summary.stopped_early = True
        return
    summary.files = len(files)
    batch: list[tuple[Trace, frozenset[str]]] = []
    problems: list[tuple[int, Problem]] = []
    readings: dict[int, Reading] = {}
    traces_by_file: Counter[int] = Counter()
    empty_files: Counter[int] = Counter()

    steps = [0]  # in the batch

    def flush() -> None:
        new, known = store.add_traces(batch, learn_id)
        summary.traces_new += new
        summary.traces_known += known
        batch.clear()
        steps[0] = 0

    with Progress("learning", quiet=quiet) as progress:
        parallel = jobs > 1 and not strict  # --strict stops at the first problem in file order
        if parallel:
            loaded = load_parallel(files, format, extractors, jobs)
        else:
            loaded = load_serial(files, format, extractors, progress)
        for file_index, item, features in loaded:
            if isinstance(item, Reading):
                readings[file_index] = item
                continue
            if isinstance(item, Problem) and item.warning:
                summary.warnings.append(item)
                continue
            if isinstance(item, Problem) and item.empty:
                summary.empty.append(item)
                empty_files[file_index] += 1
                continue
            if isinstance(item, Problem):
                problems.append((file_index, item))
                if strict:
                    summary.stopped_early = True
                    break
                continue
            summary.traces_read += 1
            traces_by_file[file_index] += 1
            if tags:
                item.tags = tuple(dict.fromkeys((*item.tags, *tags)))
            batch.append((item, features))
            steps[0] += len(item.steps)
            if len(batch) >= batch_size or steps[0] >= BATCH_STEPS:
                flush()
                if parallel:
                    progress.update(0, summary.traces_read)
        if batch:
            flush()
    problems.sort(key=lambda entry: (entry[0], _record_order(entry[1].label)))
    summary.problems.extend(problem for _, problem in problems)
    summary.formats = _tally(readings, traces_by_file, empty_files)


def _tally(
    readings: dict[int, Reading], traces: Counter[int], empty: Counter[int]
) -> dict[str, FormatTally]:
    """Per format, what its files gave (a file's traces may arrive before its Reading)."""
    tallies: dict[str, FormatTally] = {}
    for index, reading in sorted(readings.items()):
        tally = tallies.setdefault(reading.format, FormatTally())
        if reading.companion:
            tally.companions += 1
            continue
        tally.files += 1
        tally.traces += traces[index]
        tally.empty += min(empty[index], 1)
    return tallies


def _capped(lines: list[str], problems: list[Problem], per_file: int) -> list[str]:
    total: Counter[str] = Counter(problem.file for problem in problems)
    seen: Counter[str] = Counter()
    shown: list[str] = []
    for line, problem in zip(lines, problems, strict=True):
        seen[problem.file] += 1
        count = seen[problem.file]
        if count <= per_file:
            shown.append(line)
        if count == total[problem.file] and count > per_file:
            shown.append(f"… and {count - per_file:,} more in {problem.file}")
    return shown


def _count(number: int, word: str) -> str:
    return f"{number:,} {word}{'' if number == 1 else 's'}"


def _record_order(label: str | None) -> tuple[int, ...]:
    """``line 3 record 2`` sorts as (1, 3, 2); a whole-file problem first."""
    if label is None:
        return (0,)
    return (1, *(int(word) for word in label.split() if word.isdigit()))


def _archive(paths: list[Path], store: Store, summary: LearnSummary) -> None:
    from engram.config import archive_root
    from engram.learning.archive import archive

    sources = [found for found in expand_paths(paths) if isinstance(found, Path)]
    summary.archived = [str(copy) for copy in archive(sources, archive_root(store.location))]


def _mine_and_save(
    store: Store, settings: MiningSettings, learn_id: int, summary: LearnSummary
) -> None:
    """Mine and save the rules, again if another learner added runs meanwhile.

    Saving only what was mined from the current data means that, with many learners at
    once, the rules in the store always come from one consistent mining, and the last
    learner to write runs is the one whose rules stand.
    """
    from engram.mining.miner import mine

    for _attempt in range(MINING_ATTEMPTS):
        version = store.data_version()
        result = mine(store, settings)
        changes = store.save_rules(
            result.rules,
            ("all", *settings.scope_kinds),
            learn_id,
            mined_from=version,
            merged_into=result.merged_into,
        )
        if not changes.stale:
            summary.mined = True
            summary.tests = result.tests
            summary.absorbed = result.absorbed
            summary.rules_added = changes.added
            summary.rules_updated = changes.updated
            summary.rules_retired = changes.retired
            return
    # Still racing: the learner writing the newest runs mines after them.


def _rules_current(store: Store, settings: MiningSettings) -> bool:
    """Whether the rules were mined with these settings from every run now stored."""
    last = store.last_finished_learn()
    return (
        last is not None
        and last.get("settings") == settings.as_dict()
        and store.traces_learned_after(last["id"]) == 0
    )
