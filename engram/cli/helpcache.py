"""``engram --help`` without loading the CLI framework, from the full CLI's own rendering.

The first ``engram --help`` renders through typer as always, and its text is kept in the
user's cache folder under a key of everything the text depends on: engram's version and CLI
sources, the versions of typer and rich, whether stdout is a terminal and its size, and the
variables that change how rich draws (``NO_COLOR``, ``TERM``, ``COLUMNS``…). Later calls with the
same key print the kept text. A cache that cannot be read or written is simply not used.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from collections.abc import Callable
from importlib.util import find_spec
from pathlib import Path
from typing import Any, TextIO

ARGV = ["--help"]
_DRAWING = ("COLOR", "TERM", "COLUMNS", "LINES", "TTY", "RICH", "TYPER", "JPY", "JUPYTER")


def cached() -> str | None:
    """The kept rendering for this key, if there is one."""
    try:
        return _path().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def render_and_keep(render: Callable[[], Any]) -> None:
    """Run ``render`` (the typer app) with stdout copied; keep what it printed if it ends well."""
    path = _path()
    copy = _Copy(sys.stdout)
    sys.stdout = copy
    try:
        render()
    except SystemExit as done:
        if done.code in (0, None):
            _keep(path, "".join(copy.parts))
        raise
    finally:
        sys.stdout = copy.stream


def _keep(path: Path, text: str) -> None:
    if not text:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}")
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    except OSError:
        pass


def _path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "engram" / f"help-{_key()}.txt"


def _key() -> str:
    from engram import __version__

    parts = [__version__, sys.version]
    sources = [*sorted(Path(__file__).parent.glob("*.py")), Path(__file__).parents[1] / "__init__.py"]
    for library in ("typer", "rich", "click"):
        spec = find_spec(library)
        if spec is not None and spec.origin:
            sources.append(Path(spec.origin))
    for source in sources:
        try:
            stat = source.stat()
        except OSError:
            continue
        parts.append(f"{source}:{stat.st_mtime_ns}:{stat.st_size}")
    terminal = sys.stdout.isatty()
    parts.append(f"tty={terminal}")
    if terminal:
        parts.append(str(shutil.get_terminal_size()))
    parts += [f"{k}={v}" for k, v in sorted(os.environ.items()) if any(w in k for w in _DRAWING)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:20]


class _Copy:
    """A stdout that also keeps what is written to it."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        written = self.stream.write(text)  # a probe with bytes (click's) fails here, unkept
        self.parts.append(text)
        return written

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)
