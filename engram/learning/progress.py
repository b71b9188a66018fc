"""Progress on stderr: a rich bar on a terminal, nothing when piped, in CI, or asked quiet."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any

from engram.config import progress_disabled


class Progress:
    """A context manager with ``set_total`` and ``update``; does nothing when not shown."""

    def __init__(self, description: str, *, quiet: bool = False) -> None:
        self.description = description
        self.enabled = not quiet and not progress_disabled() and sys.stderr.isatty()
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                DownloadColumn,
                TextColumn,
                TimeRemainingColumn,
            )
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(
                TextColumn("{task.description}"),
                BarColumn(),
                DownloadColumn(),
                TextColumn("{task.fields[traces]:,} traces"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._bar.__enter__()
            self._task = self._bar.add_task(self.description, total=None, traces=0)
        return self

    def set_total(self, total: int) -> None:
        if self._bar is not None:
            self._bar.update(self._task, total=total)

    def update(self, completed: int, traces: int) -> None:
        if self._bar is not None:
            self._bar.update(self._task, completed=completed, traces=traces)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.__exit__(exc_type, exc, traceback)
