"""The streaming reader finds the same records json.loads does, whatever the chunking and the
nesting, and keeps its bounds."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from engram.loaders import jsonstream
from engram.loaders.jsonstream import Invalid, Item, TooLarge, document_items

INT64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)  # orjson reads wider ones as floats
JSON = st.recursive(
    st.none() | st.booleans() | INT64 | st.text(alphabet='ab"\\{}[],: é\n', max_size=8),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(alphabet='k"\\{[', max_size=3), inner, max_size=4),
    max_leaves=30,
)


def items(data: bytes, key: str | None = "traces", max_depth: int = 64, **kw: Any) -> list[Item]:
    return list(document_items(io.BytesIO(data), 1 << 20, key, max_depth, **kw))


@pytest.fixture(params=[1, 7, 1 << 20], ids=["chunk-1", "chunk-7", "chunk-1MB"])
def chunk(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(jsonstream, "CHUNK", request.param)
    return int(request.param)


@settings(max_examples=150, deadline=None)
@given(records=st.lists(JSON, max_size=6), job_dir=st.text(max_size=5), pretty=st.booleans())
def test_records_are_what_json_loads_finds(records: list[Any], job_dir: str, pretty: bool) -> None:
    document = {"job_dir": job_dir, "traces": records}
    for text in (json.dumps(document, indent=2 if pretty else None), json.dumps(records)):
        found = items(text.encode())
        assert [item.value for item in found] == records
        assert [item.ordinal for item in found] == list(range(1, len(records) + 1))
    assert all(item.context == {"job_dir": job_dir} for item in items(json.dumps(document).encode()))


def test_chunk_boundaries_anywhere_change_nothing(chunk: int) -> None:
    deep: Any = {"leaf": 'a "quoted" [bracket] {brace} \\ back'}
    for _ in range(20):  # deeper than one regular expression match closes
        deep = {"d": [deep]}
    records = [{"n": 1, "text": "}]" * 50}, deep, [1, 2], "scalar", 3.5, None]
    text = json.dumps({"job_dir": "jobs/x", "traces": records, "after": {"k": [1]}}, indent=1)
    assert [item.value for item in items(b"\xef\xbb\xbf" + text.encode())] == records


def test_a_balanced_record_that_is_not_json_is_skipped_alone(chunk: int) -> None:
    found = items(b'[{"n": 1}, {"n": tru}, {"n": 3}]')
    assert [(item.ordinal, item.value, item.error is not None) for item in found] == [
        (1, {"n": 1}, False), (2, None, True), (3, {"n": 3}, False)
    ]  # fmt: skip


def test_too_deep_records_are_skipped_unparsed_and_reading_goes_on(chunk: int) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    found = items(f'{{"traces": [{{"n": 1}}, {deep}, {{"n": 3}}]}}'.encode(), max_depth=256)
    assert [(item.value, item.too_deep) for item in found] == [
        ({"n": 1}, False), (None, True), ({"n": 3}, False)
    ]  # fmt: skip


def test_the_depth_limit_counts_from_the_document() -> None:
    at_limit = json.dumps([[[["x"]]]])  # the record's innermost list is inside 3 containers
    assert items(at_limit.encode(), max_depth=4)[0].value == [[["x"]]]
    assert items(at_limit.encode(), max_depth=3)[0].too_deep


def test_records_not_owned_are_not_parsed() -> None:
    found = items(b'[{"n": 1}, {"n": tru}, {"n": 3}]', owns=lambda ordinal: ordinal != 2)
    assert [item.value for item in found] == [{"n": 1}, {"n": 3}]


def test_an_object_without_the_key_is_one_record() -> None:
    (item,) = items(b'{"job_dir": "j", "runs": [{"n": 1}]}')
    assert item.value == {"job_dir": "j", "runs": [{"n": 1}]}


@pytest.mark.parametrize(
    "text", ['[{"n": 1}, {"n": 2', '{"traces": [{"n": 1}]', '{"a": 1,, "b": 2}', '[{"n": 1}] x']
)
def test_a_broken_structure_raises_after_the_complete_records(text: str) -> None:
    stream = document_items(io.BytesIO(text.encode()), 1 << 20, "traces", 64)
    with pytest.raises(Invalid):
        for _ in stream:
            pass


def test_a_record_over_the_budget_stops_reading(chunk: int) -> None:
    text = b'[{"n": 1}, {"text": "' + b"x" * 5000 + b'"}, {"n": 3}]'
    stream = document_items(io.BytesIO(text), 1000, None, 64)
    assert next(stream).value == {"n": 1}
    with pytest.raises(TooLarge):
        next(stream)


def _container_end(data: bytes) -> tuple[int, int] | None:
    """Where the container opening ``data`` ends and how deep it nests, byte by byte: the
    plain reading that the regular expressions must agree with."""
    depth = deepest = 0
    in_string = escaped = False
    for at, byte in enumerate(data):
        if in_string:
            escaped, in_string = (False, True) if escaped else (byte == 0x5C, byte != 0x22)
        elif byte == 0x22:
            in_string = True
        elif byte in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        elif byte in b"]}":
            depth -= 1
            if depth == 0:
                return at + 1, deepest
    return None


@settings(max_examples=400, deadline=None)
@example(body=b'"\\"}')  # an escaped quote does not end a string
@example(body=b'"\\\\"}')  # an escaped backslash does not escape the quote after it
@example(body=b'[[[[[[[[[]]]]]]]]]}')  # as deep as one match reaches, and one deeper
@example(body=b'[[[[[[[[]]]]]]]]}')
@given(body=st.binary(max_size=60).map(lambda b: bytes(b'"\\[]{}a,\n'[x % 9] for x in b)))
def test_the_container_pattern_ends_where_a_byte_by_byte_reading_does(body: bytes) -> None:
    data = b"{" + body
    found = jsonstream._CONTAINER.match(data)
    plain = _container_end(data)
    if plain is not None and plain[1] <= jsonstream._NESTED + 1:
        assert found is not None and found.end() == plain[0]
    else:
        assert found is None
    buffer = jsonstream._Buffer(io.BytesIO(data), 1 << 20)
    buffer.pos = 1
    try:
        buffer.close(1, 1000)
    except Invalid:
        assert plain is None
    else:
        assert plain is not None and buffer.pos == plain[0]
