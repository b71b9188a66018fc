"""engram's errors: each carries a message for the user and, where one helps, a hint."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class EngramError(Exception):
    """An error the user can act on; the CLI prints it with its hint and exits 1."""

    hint: str | None = None

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        if hint is not None:
            self.hint = hint


class NoStoreError(EngramError):
    hint = "Run `engram learn TRACES` first, or point ENGRAM_DIR / ENGRAM_DATABASE_URL at a store."


class StoreError(EngramError):
    """The store cannot be opened or written."""


class SchemaTooNewError(StoreError):
    hint = "This store was written by a newer engram; upgrade engram to use it."


class RuleNotFoundError(EngramError):
    hint = "List rule ids with `engram patterns list`."


def os_reason(exc: BaseException) -> str:
    """The words of an OSError (``No such file or directory``), else the exception as text."""
    return (exc.strerror if isinstance(exc, OSError) else None) or str(exc)


@contextmanager
def os_errors(action: str, target: object, hint: str | None = None) -> Iterator[None]:
    """An OSError inside the block becomes ``EngramError("cannot {action} {target}: reason")``."""
    try:
        yield
    except OSError as exc:
        raise EngramError(f"cannot {action} {target}: {os_reason(exc)}", hint) from exc
