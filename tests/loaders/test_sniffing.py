"""What a file's start says about its format: keys and plain values, never trace words."""

from __future__ import annotations

import json

from engram.loaders.sniffing import first_object, head_of


def test_the_first_object_of_lines_an_array_or_a_document_with_plain_values_only() -> None:
    record = {"task_id": "t-1", "test_reward": 1, "transcript": [{"type": "x"}]}
    expected = {"task_id": "t-1", "test_reward": 1, "transcript": None}
    assert first_object((json.dumps(record) + "\n" + json.dumps(record)).encode()) == expected
    assert first_object(json.dumps([record, record]).encode()) == expected
    assert first_object(b"\xef\xbb\xbf  " + json.dumps(record).encode()) == expected


def test_a_start_cut_mid_record_still_shows_its_first_keys() -> None:
    text = json.dumps([{"task_id": "t-1", "status": "pass", "details": "x" * 10_000}])
    found = first_object(text[:200].encode())
    assert found.get("task_id") == "t-1" and found.get("status") == "pass"


def test_nothing_that_is_no_object_shows_keys() -> None:
    for start in (b"", b"[]", b"[1, 2]", b'"just a string"', b"plain notes", b"{"):
        assert first_object(start) == {}, start


def test_the_head_holds_the_first_records_and_a_containers_inner_ones() -> None:
    lines = "".join(json.dumps({"type": "event", "n": i}) + "\n" for i in range(20)).encode()
    head = head_of(lines, limit=5)
    assert head["type"] == "event" and [r["n"] for r in head.records] == [0, 1, 2, 3, 4]
    container = json.dumps({"job_dir": "j", "traces": [{"task_id": f"t-{i}"} for i in range(3)]})
    head = head_of(container.encode())
    assert head["job_dir"] == "j" and [r["task_id"] for r in head.inner] == ["t-0", "t-1", "t-2"]
    assert head.records == [{"job_dir": "j", "traces": None}]
