"""``engram learn``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from engram.cli.learning import SCOPE_CHOICES, learn_and_say, mining_settings
from engram.cli.output import Quiet, note, one_of, task_key_option


def _loader_names() -> list[str]:
    from engram.loaders.detect import LOADERS

    return list(LOADERS)


def learn_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Trace files or folders of them (none: re-mine with --task-key)."),
    ] = None,
    input_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="Read every file as this format instead of detecting it.",
            **one_of(_loader_names, metavar="FORMAT"),
        ),
    ] = None,
    strict: Annotated[
        bool, typer.Option(help="Stop at the first unreadable file or record.")
    ] = False,
    by: Annotated[
        list[str] | None,
        typer.Option(
            help="Also mine per agent or model (category and all runs always are); repeatable.",
            **one_of(SCOPE_CHOICES),
        ),
    ] = None,
    task_key: Annotated[
        str | None,
        typer.Option(
            help="A regular expression whose first group is a run's task key (runs with equal"
            " keys are of one task); the store remembers it, and changing it re-mines."
        ),
    ] = None,
    min_support: Annotated[int, typer.Option(help="Runs needed with and without a feature.")] = 5,
    alpha: Annotated[float, typer.Option(help="Largest q-value (BH) a rule may have.")] = 0.05,
    min_difference: Annotated[
        float, typer.Option(help="Smallest pass-rate difference a rule may have.")
    ] = 0.10,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", min=1, help="Read and extract in this many processes.")
    ] = 1,
    redact: Annotated[
        bool, typer.Option(help="Replace secrets in trace text before storing it.")
    ] = True,
    archive: Annotated[
        bool, typer.Option(help="Keep a redacted copy of each input in .engram/history/runs/.")
    ] = False,
    tag: Annotated[
        list[str] | None,
        typer.Option(help="Label every run read (select it later with tag=NAME); repeatable."),
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    watch: Annotated[
        bool,
        typer.Option(
            "--watch",
            help="Follow the folder (e.g. Harbor's jobs/): learn each run once it is complete,"
            " until interrupted.",
        ),
    ] = False,
    quiet: Quiet = False,
) -> None:
    """Learn from trace files: store the runs, then re-mine the rules.

    Exits 1 if any file or record had to be skipped (the rest is still learned); files that
    hold no run (an unused session) are counted as empty, not skipped.
    """
    if not paths and task_key is None:
        raise typer.BadParameter("give trace files or folders to learn", param_hint="PATHS")
    settings = mining_settings(
        by or [], min_support=min_support, alpha=alpha, min_difference=min_difference
    )
    if watch:
        if not paths or len(paths) != 1 or not paths[0].is_dir():
            raise typer.BadParameter("--watch follows one folder", param_hint="PATHS")
        _watch(paths[0], quiet, settings=settings, format=input_format, jobs=jobs,
               redact=redact, tags=tag or (), task_key=task_key_option(task_key))  # fmt: skip
        return
    ok = learn_and_say(
        paths or [],
        json_output=json_output,
        quiet=quiet,
        settings=settings,
        format=input_format,
        strict=strict,
        jobs=jobs,
        redact=redact,
        archive=archive,
        tags=tag or (),
        task_key=task_key_option(task_key),
    )
    if not ok:
        raise typer.Exit(1)


def _watch(folder: Path, quiet: bool, **options: Any) -> None:
    """Learn runs under ``folder`` as they finish, with a live line, until Ctrl-C (or SIGTERM,
    as a service manager stops it): the first stops after the learn under way, a second at
    once. A signal the process was started ignoring (``nohup``, a background job) stays
    ignored."""
    import signal
    import sys
    import threading
    import time

    from engram.learning.learner import LearnSummary
    from engram.learning.watch import Watched, watch

    stopping = threading.Event()

    def line(watched: Watched, _summary: LearnSummary) -> None:
        if not quiet:
            sys.stderr.write(f"\rwatching {folder}: {watched.runs_new:,} runs learned in"
                             f" {watched.rounds:,} rounds, last at {time.strftime('%H:%M:%S')}")
            sys.stderr.flush()  # fmt: skip

    def interrupted(_signum: int, _frame: object) -> None:
        if stopping.is_set():
            raise KeyboardInterrupt
        stopping.set()

    note(f"watching {folder} (Ctrl-C to stop)", quiet)
    previous = {
        number: signal.signal(number, interrupted)
        for number in (signal.SIGINT, signal.SIGTERM)
        if signal.getsignal(number) is not signal.SIG_IGN
    }
    try:
        watch(folder, on_round=line, stop=lambda _: stopping.is_set(), quiet=True, **options)
    except KeyboardInterrupt:
        pass
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    note("\nstopped", quiet)
