"""Parsing as a whole: limits, cut and hostile output, properties."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engram.parse import testoutput
from engram.parse.testoutput import (
    ERROR_KINDS,
    MESSAGE_LIMIT,
    TestFailure,
    detect_runner,
    error_kind,
    parse_test_output,
)
from tests.parse.testoutput.helpers import failures
from tests.parse.testoutput.test_go import GO_VERBOSE
from tests.parse.testoutput.test_javascript import JEST, VITEST
from tests.parse.testoutput.test_jvm import JUNIT_XML, SUREFIRE
from tests.parse.testoutput.test_python import PYTEST, UNITTEST
from tests.parse.testoutput.test_rust import CARGO


def test_limit_caps_the_failures_and_keeps_the_first() -> None:
    assert [f.test for f in parse_test_output(PYTEST, limit=2)] == [
        "tests/test_calc.py::test_with_fixture",
        "tests/test_calc.py::test_add",
    ]
    assert parse_test_output(PYTEST, limit=0) == []


def test_many_failures_are_capped_at_the_default_limit() -> None:
    text = "".join(f"FAILED tests/test_x.py::test_{i} - assert {i} == 0\n" for i in range(500))
    found = parse_test_output(text)
    assert len(found) == 50
    assert found[0] == TestFailure(
        "tests/test_x.py::test_0", "assertion", "assert 0 == 0", "pytest"
    )


def test_long_messages_are_clipped() -> None:
    text = f"FAILED tests/test_x.py::test_a - AssertionError: {'x' * 5000}\n"
    (found,) = parse_test_output(text)
    assert len(found.message) == MESSAGE_LIMIT
    assert found.message.startswith("AssertionError: xxx")


@pytest.mark.parametrize(
    "sample",
    [PYTEST, UNITTEST, JEST, VITEST, GO_VERBOSE, CARGO, SUREFIRE, JUNIT_XML],
    ids=["pytest", "unittest", "jest", "vitest", "go", "cargo", "surefire", "xml"],
)
def test_output_cut_anywhere_still_parses(sample: str) -> None:
    full = parse_test_output(sample)
    for cut in range(0, len(sample), max(1, len(sample) // 60)):
        head = failures(sample[:cut])
        assert len(head) <= len(full) + 3
        failures(sample[cut:])


def test_output_cut_in_the_middle_of_a_block_keeps_what_came_before() -> None:
    cut = GO_VERBOSE[: GO_VERBOSE.index("        \tError:")]
    assert failures(cut)[:2] == [
        ("TestSub", "assertion", "expected 5, got 3"),
        ("TestTable/negative", "assertion", "abs(-1) = -1, want 1"),
    ]
    cut = CARGO[: CARGO.index("  left: 4")]
    assert failures(cut)[0] == ("tests::it_fails", "assertion", "assertion `left == right` failed")


def test_binary_garbage_never_raises() -> None:
    rng = random.Random(7)
    junk = bytes(rng.randrange(256) for _ in range(200_000))
    assert isinstance(parse_test_output(junk.decode("latin-1")), list)
    assert isinstance(parse_test_output(junk), list)  # type: ignore[arg-type]
    assert isinstance(detect_runner(junk.decode("latin-1")), str | None)
    assert parse_test_output(None) == []  # type: ignore[arg-type]
    mixed = PYTEST[:900] + junk[:5_000].decode("latin-1") + PYTEST[900:]
    assert [f.test for f in parse_test_output(mixed)][-2:] == [
        "tests/test_calc.py::TestDiv::test_zero",
        "tests/test_io.py::test_read[utf-8]",
    ]


@pytest.mark.parametrize(
    "unit",
    [
        " " * 4_999 + "x\n",
        "_" * 2_000 + " " + "_" * 2_000 + "\n",
        "=" * 100 + " " * 3_000 + "=\n",
        "E" + " " * 4_000 + "\n",
        "FAILED " + "a::" * 1_500 + "\n",
        "thread '" + "'" * 3_000 + " panicked at \n",
        "expected " * 500 + "\n",
        "tests/x.py::" + "a " * 2_000 + "FAILED\n",
        "--- FAIL: " + "T" * 3_000 + " (\n",
        "[ERROR] " + " " * 3_000 + "Time elapsed <<< FAILURE!\n",
        "<testcase " + "a" * 3_000 + "\n",
        "    ✕ " + " " * 3_000 + "(1 ms)\n",
        "a.go:1:" * 500 + "\n",
        "x" * 5_000_000,
    ],
    ids=lambda unit: repr(unit[:12]),
)
def test_hostile_five_megabyte_input_is_handled_quickly(unit: str) -> None:
    hostile = (unit * (5_000_000 // len(unit) + 1))[:5_000_000]
    text = "=== RUN   TestA\n ● a\n<testsuite>\nrunning 1 test\n[INFO] T E S T S\n" + hostile
    assert isinstance(parse_test_output(text), list)
    assert testoutput._parse(text) == parse_test_output(text)


def test_huge_output_keeps_its_summary_at_the_end() -> None:
    text = (
        "collected 1 item\n"
        + "log line\n" * 400_000
        + PYTEST[PYTEST.index("=========================== short") :]
    )
    assert [f.test for f in parse_test_output(text)][:2] == [
        "tests/test_calc.py::test_add",
        "tests/test_calc.py::TestDiv::test_zero",
    ]


_PIECES = [
    "FAILED ", "ERROR ", "E   ", "____ ", " ____", "::", "--- FAIL: ", "=== RUN   ", "    x_test.go:3: ",
    "panic: ", "---- ", " stdout ----", "thread 't' panicked at ", "'", "error[E0425]: ", " ● ",
    " › ", "✕ ", "FAIL  ", " > ", "<testcase name='a'>", "<failure message='m'>", "</testcase>",
    "[ERROR] ", "<<< FAILURE!", "Time elapsed: 0.1 s", "Traceback (most recent call last):",
    "ValueError: x", "FAIL: test_a (m.C)", "-" * 70, "=" * 70, "\n", "\r\n", "\x1b[31m", "\t",
    "# pkg", "./a.go:1:2: ", "COMPILATION ERROR", "Tests:", "assert ", "\x00", "é", "💥",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=3_000))
def test_any_text_parses_without_error(text: str) -> None:
    _check(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=20), max_size=120))
def test_runner_like_text_parses_without_error(pieces: list[str]) -> None:
    _check("".join(pieces))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2_000), st.integers(min_value=-3, max_value=80))
def test_any_bytes_and_limit_parse_without_error(data: bytes, limit: int) -> None:
    found = testoutput._parse(data.decode("utf-8", errors="surrogateescape"), limit)
    assert len(found) <= max(limit, 0)
    assert all(f.kind in ERROR_KINDS and len(f.message) <= MESSAGE_LIMIT for f in found)


def _check(text: str) -> None:
    found = testoutput._parse(text)  # unguarded: an error here would be hidden by the guard
    assert found == parse_test_output(text)
    assert len(found) <= 50
    for failure in found:
        assert failure.kind in ERROR_KINDS
        assert failure.runner in testoutput.RUNNERS
        assert len(failure.message) <= MESSAGE_LIMIT
        assert "\n" not in failure.message and "\x1b" not in failure.message
    assert detect_runner(text) in (*testoutput.RUNNERS, None)
    assert error_kind(text) in ERROR_KINDS
