"""What a file's start says about its format: its first records' keys and plain values.

Formats are told apart by keys, never by words that trace text could contain: the first lines
of JSON Lines, or the first records of a document (the document itself, the first elements of
an array, or those of the document's first list), read from the file's first bytes even when
they end mid-record.
"""

from __future__ import annotations

import io
from typing import Any

import orjson


def first_object(head: bytes) -> dict[str, Any]:
    """The first JSON object in ``head`` (the top level of an object, or the first element of
    an array): its keys, with their values when plain (strings, numbers), else None."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    line = start.split(b"\n", 1)[0]
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError:
        return _streamed(start)
    if isinstance(data, list):
        data = data[0] if data else None
    if not isinstance(data, dict):
        return {}
    return {
        key: value if isinstance(value, str | int | float) else None for key, value in data.items()
    }


def _streamed(start: bytes) -> dict[str, Any]:
    import ijson

    found: dict[str, Any] = {}
    depth = 0
    target = None  # the depth of the first object's keys
    key = None
    try:
        for event, value in ijson.basic_parse(io.BytesIO(start)):
            if event in ("start_map", "start_array"):
                depth += 1
                if event == "start_map" and target is None:
                    target = depth
            elif event in ("end_map", "end_array"):
                if depth == target:
                    break
                depth -= 1
            elif event == "map_key" and depth == target:
                key = value
                found[key] = None
            elif depth == target and key is not None and event in ("string", "number"):
                found[key] = value
    except (ijson.JSONError, ValueError, UnicodeDecodeError):
        pass  # the head ends mid-record: what was seen so far will do
    return found


#: Records of a file's start that detection looks at: formats whose first records are
#: bookkeeping (a session log's snapshots, a container's header) show what they are later.
HEAD_RECORDS = 8
_HEAD_DEPTH = 64  # nesting kept when building a record from a file's start
_PLAIN_LIMIT = 1000  # characters of a plain string value kept


class Head(dict[str, Any]):
    """The first record's keys and plain values (as ``first_object`` gives them); in
    ``records`` the file's first several records (lines of JSON Lines, elements of an array,
    or the one object), and in ``inner`` the first elements of that one object's first list
    (a container's records), each alike."""

    __slots__ = ("inner", "records")

    def __init__(
        self,
        first: dict[str, Any],
        records: list[dict[str, Any]] | None = None,
        inner: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(first)
        self.records = records or ([first] if first else [])
        self.inner = inner or []


def head_of(head: bytes, limit: int = HEAD_RECORDS) -> Head:
    """What a file's start shows: its first object, its first ``limit`` records, and the first
    records inside it when it is one object."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    first = first_object(head)
    lines = start.split(b"\n", limit + 1)
    try:
        data = orjson.loads(lines[0])
    except orjson.JSONDecodeError:
        return _document(start, first, limit)
    if isinstance(data, dict) and any(line.strip() for line in lines[1:]):
        return Head(first, _lines(data, lines[1:limit]))
    if isinstance(data, list):
        return Head(first, [_plain(item) for item in data[:limit] if isinstance(item, dict)])
    if not isinstance(data, dict):
        return Head(first)
    inner = next((value for value in data.values() if isinstance(value, list) and value), [])
    return Head(first, [_plain(data)], [_plain(i) for i in inner[:limit] if isinstance(i, dict)])


def _lines(first: dict[str, Any], rest: list[bytes]) -> list[dict[str, Any]]:
    found = [first]
    for line in rest:
        try:
            item = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue  # a damaged line, or the last one cut by the head's end
        if isinstance(item, dict):
            found.append(item)
    return [_plain(item) for item in found]


def _document(start: bytes, first: dict[str, Any], limit: int) -> Head:
    """A document cut off by the head's end (or too deep for one line), from its complete
    parts: the elements of an array, or an object and the elements of its first list."""
    if start[:1] == b"[":
        return Head(first, _items(start, None, limit))
    key = _first_list_key(start)
    return Head(first, [first] if first else [], _items(start, key, limit) if key else [])


def _items(start: bytes, key: str | None, limit: int) -> list[dict[str, Any]]:
    from engram.loaders.jsonstream import TooLarge, document_items

    found: list[dict[str, Any]] = []
    try:
        for item in document_items(io.BytesIO(start), len(start) + 1, key, _HEAD_DEPTH):
            if isinstance(item.value, dict):
                found.append(_plain(item.value))
            if len(found) >= limit:
                break
    except (ValueError, TooLarge):
        pass  # the head ends mid-record: what was complete will do
    return found


def _first_list_key(start: bytes) -> str | None:
    """The key of the top-level object's first list of objects, if the head shows one."""
    import ijson

    depth, key, previous = 0, None, None
    try:
        for event, value in ijson.basic_parse(io.BytesIO(start)):
            if depth == 1 and event == "map_key":
                key = value
            elif event == "start_map" and previous == "start_array" and depth == 2 and key:
                return key
            if event in ("start_map", "start_array"):
                depth += 1
            elif event in ("end_map", "end_array"):
                depth -= 1
            previous = event
    except (ijson.JSONError, ValueError, UnicodeDecodeError):
        pass
    return None


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value[:_PLAIN_LIMIT] if isinstance(value, str) else
        value if isinstance(value, int | float) else None
        for key, value in data.items()
    }  # fmt: skip
