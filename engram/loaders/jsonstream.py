"""Stream the records of one JSON document, with bounded nesting and bounded record size.

A document is an array of records, an object whose ``key`` holds the array of records (its
top-level ``context_keys`` strings, like the seed's ``job_dir``, go with each record), or a
single record.

Record boundaries are found by regular expressions, at C speed: a string is skipped whole and
only brackets are counted; each record is then parsed by orjson. So a hostile file can neither
nest deeper than ``max_depth`` (such a record is skipped unparsed, and reading goes on) nor make
one record hold more than ``max_bytes`` (reading stops: the rest of the file cannot be told
apart). A record that is balanced but not JSON is one broken record; reading goes on after it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

CHUNK = 1 << 20  # bytes read at a time, at least; more when one value needs more

_SPACE = re.compile(rb"[ \t\r\n]*")
_BETWEEN = re.compile(rb"[ \t\r\n,]*")  # what separates the records of an array
_STRING = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+"', re.S)  # unrolled: no loop per plain string
_SCALAR = re.compile(rb'[^ \t\r\n,:\[\]{}"]+')
# Plain bytes and whole strings up to a bracket, with one loop per string.
_RUN = rb'[^"\[\]{}]*+(?:' + _STRING.pattern + rb'[^"\[\]{}]*+)*+'
_TO_BRACKET = re.compile(_RUN + rb"[\[\]{}]", re.S)
_OPENING = frozenset(b"[{")
_NESTED = 8  # containers within a value that one regular expression match can close


def _nested(levels: int) -> re.Pattern[bytes]:
    """A container holding at most ``levels`` levels of containers: most records, matched in
    one call (the brackets' kinds are not paired here; orjson checks them). Runs between
    brackets loop once per string: a third faster than alternating bytes and strings."""
    inner = _RUN
    for _ in range(levels):
        inner = _RUN + rb"(?:[\[{]" + inner + rb"[\]}]" + _RUN + rb")*+"
    return re.compile(rb"[\[{]" + inner + rb"[\]}]", re.S)


_CONTAINER = _nested(_NESTED)
_BOM = re.compile(b"\xef\xbb\xbf")


class TooLarge(Exception):
    """More than the byte budget was read without completing a record."""


class Invalid(ValueError):
    """The document's structure is broken: what follows cannot be read."""


@dataclass(slots=True)
class Item:
    """A complete record; or, ``value`` None, one skipped for its depth (``too_deep``) or for
    not being JSON (``error``). ``ordinal`` counts the document's records from 1."""

    value: Any
    context: dict[str, Any]
    ordinal: int = 1
    too_deep: bool = False
    error: str | None = None


class _Buffer:
    """The bytes of the document from ``mark`` (the value being read) on, read as needed."""

    def __init__(self, handle: IO[bytes], max_bytes: int) -> None:
        self.handle = handle
        self.max_bytes = max_bytes
        self.data = bytearray()
        self.pos = 0
        self.mark = 0
        self.eof = False

    def more(self) -> bool:
        """Read more of the file (False at its end); TooLarge past the budget since ``mark``."""
        if self.eof:
            return False
        if self.mark > CHUNK:  # what lies before the mark is done with
            del self.data[: self.mark]
            self.pos -= self.mark
            self.mark = 0
        if len(self.data) - self.mark > self.max_bytes:
            raise TooLarge
        chunk = self.handle.read(max(CHUNK, len(self.data) - self.mark))  # doubling: linear
        if not chunk:
            self.eof = True
            return False
        self.data += chunk
        return True

    def match(self, pattern: re.Pattern[bytes], grow: bool = True) -> re.Match[bytes] | None:
        """``pattern`` at ``pos`` (which it does not advance); with ``grow``, read on until
        the match cannot grow: a failing pattern is taken to need more of the file."""
        while True:
            found = pattern.match(self.data, self.pos)
            if grow and (found is None or found.end() == len(self.data)) and self.more():
                continue
            return found

    def skip(self, pattern: re.Pattern[bytes]) -> None:
        found = self.match(pattern)
        if found is not None:
            self.pos = found.end()

    def peek(self) -> int | None:
        """The next byte, or None at the end of the file."""
        if self.pos >= len(self.data) and not self.more():
            return None
        return self.data[self.pos]

    def close(self, depth: int, max_depth: int) -> bool:
        """Move past the container opened just before ``pos`` (inside ``depth`` others);
        whether some container in it opens at ``max_depth`` or deeper."""
        too_deep = False
        open_ = 1
        while open_:
            found = self.match(_TO_BRACKET)
            if found is None:
                raise Invalid("unexpected end of data" if self.eof else "unbalanced brackets")
            self.pos = found.end()
            if self.data[self.pos - 1] in _OPENING:
                too_deep = too_deep or depth + open_ >= max_depth
                open_ += 1
            else:
                open_ -= 1
        return too_deep

    def value(self, depth: int, max_depth: int) -> tuple[int, bool]:
        """Move past the value at ``pos`` (inside ``depth`` containers): where it began, as an
        offset from ``mark`` (reading on may move what lies before it), and whether it nests
        too deep."""
        start = self.pos - self.mark
        first = self.peek()
        if first is None:
            raise Invalid("unexpected end of data")
        if first in _OPENING:
            # The fast way, when no match can be too deep; else bracket by bracket.
            found = _CONTAINER.match(self.data, self.pos) if depth + _NESTED < max_depth else None
            if found is not None:
                self.pos = found.end()
                too_deep = False
            else:
                self.pos += 1
                too_deep = depth >= max_depth or self.close(depth, max_depth)
        else:
            found = self.match(_STRING if first == ord('"') else _SCALAR)
            if found is None:
                raise Invalid(f"unexpected {chr(first)!r}")
            self.pos = found.end()
            too_deep = False
        if self.pos - self.mark - start > self.max_bytes:
            raise TooLarge
        return start, too_deep

    def since(self, start: int) -> bytearray:
        """The bytes from ``start`` (an offset from ``mark``) to ``pos``."""
        return self.data[self.mark + start : self.pos]


def document_items(
    handle: IO[bytes],
    max_bytes: int,
    key: str | None,
    max_depth: int,
    context_keys: tuple[str, ...] = ("job_dir",),
    owns: Callable[[int], bool] | None = None,
) -> Iterator[Item]:
    """The records of the document ``handle`` reads (see the module's docstring); with
    ``owns``, only the records whose ordinal it accepts (the others are not even parsed)."""
    buffer = _Buffer(handle, max_bytes)
    while len(buffer.data) < len(_BOM.pattern) and buffer.more():
        pass
    if buffer.match(_BOM, grow=False):
        buffer.pos = buffer.mark = 3
    buffer.skip(_SPACE)
    first = buffer.peek()
    if first == ord("["):
        buffer.pos += 1
        yield from _records(buffer, {}, 1, max_depth, owns)
    elif first == ord("{") and key is not None:
        yield from _container(buffer, key, max_depth, context_keys, owns)
    else:
        _, too_deep = buffer.value(0, max_depth)
        yield _parsed(buffer, 0, {}, 1, too_deep, whole=True)
    _end(buffer)


def _records(
    buffer: _Buffer,
    context: dict[str, Any],
    depth: int,
    max_depth: int,
    owns: Callable[[int], bool] | None,
) -> Iterator[Item]:
    """The elements of the array whose ``[`` was just read, up to its ``]``."""
    ordinal = 0
    while True:
        buffer.mark = buffer.pos
        buffer.skip(_BETWEEN)
        if buffer.peek() == ord("]"):
            buffer.pos += 1
            return
        ordinal += 1
        start, too_deep = buffer.value(depth, max_depth)
        if owns is None or owns(ordinal):
            yield _parsed(buffer, start, context, ordinal, too_deep)


def _container(
    buffer: _Buffer,
    key: str,
    max_depth: int,
    context_keys: tuple[str, ...],
    owns: Callable[[int], bool] | None,
) -> Iterator[Item]:
    """The records under ``key`` of the top-level object; the object itself if it has none."""
    import orjson

    context: dict[str, Any] = {}
    found = too_deep = False
    buffer.pos += 1
    buffer.skip(_SPACE)
    more = buffer.peek() != ord("}")
    if not more:
        buffer.pos += 1  # the empty object
    while more:
        name = buffer.match(_STRING)
        if name is None:
            raise Invalid("expected a key")
        buffer.pos = name.end()
        buffer.skip(_SPACE)
        if buffer.peek() != ord(":"):
            raise Invalid("expected ':' after a key")
        buffer.pos += 1
        buffer.skip(_SPACE)
        member = orjson.loads(name.group())
        if not found and member == key and buffer.peek() == ord("["):
            found = True
            buffer.pos += 1
            yield from _records(buffer, context, 2, max_depth, owns)
        else:
            start, deep = buffer.value(1, max_depth)
            too_deep = too_deep or deep
            text = buffer.since(start)
            if not found and member in context_keys and text[:1] == b'"':
                context[member] = orjson.loads(text)
        buffer.skip(_SPACE)
        after = buffer.peek()
        if after != ord(",") and after != ord("}"):
            raise Invalid("expected ',' or '}' in the top-level object")
        buffer.pos += 1
        buffer.skip(_SPACE)
        more = after == ord(",")
    if not found:  # no array of records: the whole document is one record
        yield _parsed(buffer, 0, context, 1, too_deep, whole=True)


def _parsed(
    buffer: _Buffer,
    start: int,
    context: dict[str, Any],
    ordinal: int,
    too_deep: bool,
    whole: bool = False,
) -> Item:
    """The record between ``start`` and ``pos``, parsed; a broken document raises if ``whole``."""
    import orjson

    if too_deep:
        return Item(None, dict(context), ordinal, too_deep=True)
    try:
        value = orjson.loads(buffer.since(start))
    except orjson.JSONDecodeError as exc:
        if whole:
            raise Invalid(str(exc)) from None
        return Item(None, dict(context), ordinal, error=str(exc))
    return Item(value, dict(context), ordinal)


def _end(buffer: _Buffer) -> None:
    """Nothing but white space may follow the document."""
    buffer.mark = buffer.pos
    buffer.skip(_SPACE)
    if buffer.peek() is not None:
        raise Invalid("unexpected data after the document")
