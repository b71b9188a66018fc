"""Output of no known runner."""

from __future__ import annotations

import pytest

from engram.parse.testoutput import (
    TestFailure,
    detect_runner,
    parse_test_output,
)
from tests.parse.testoutput.helpers import failures, runners
from tests.parse.testoutput.test_python import PYTEST
from tests.parse.testoutput.test_rust import CARGO


def test_unknown_output_with_a_traceback_gives_its_exception() -> None:
    text = (
        "Running the checker\n"
        "Traceback (most recent call last):\n"
        '  File "/app/check.py", line 3, in <module>\n'
        "    main()\n"
        '  File "/app/check.py", line 2, in main\n'
        '    raise ValueError("bad")\n'
        "ValueError: bad\n"
    )
    assert parse_test_output(text) == [TestFailure(None, "runtime", "ValueError: bad", "unknown")]
    assert detect_runner(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("building...\nerror: linker `cc` not found\n", (None, "runtime", "error: linker `cc` not found")),
        ("Error: ENOENT: no such file or directory, open 'x'\n", (None, "runtime", "Error: ENOENT: no such file or directory, open 'x'")),
        ("src/app.py:1:8: F401 [*] `os` imported but unused\nFound 1 error.\n", (None, "lint", "src/app.py:1:8: F401 [*] `os` imported but unused")),
        ("bash: pytest: command not found\n", (None, "unknown", "bash: pytest: command not found")),
        ("fatal: not a git repository\n", (None, "runtime", "fatal: not a git repository")),
        ("src/a.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.\n", (None, "compile", "src/a.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.")),
        ("cc -c x.c\nx.c:3:2: error: 'y' undeclared\nmake: *** [Makefile:2: x.o] Error 1\n", (None, "compile", "x.c:3:2: error: 'y' undeclared")),
    ],
)  # fmt: skip
def test_unknown_output_with_an_error_line(
    text: str, expected: tuple[str | None, str, str]
) -> None:
    assert failures(text) == [expected]
    assert runners(text) == {"unknown"}


@pytest.mark.parametrize(
    "text",
    [
        "",
        "all good\n",
        "Running tests\n10/10 tests passed\n",
        "Running test command: make test\n✓ Tests passed\n",
        "\n\n\n",
        "  3 passing (5ms)\n\nError: an error the tests logged on purpose\n",
        "12 passed, 0 failed\nerror: this line does not make the run fail\n",
    ],
)
def test_output_without_a_failure_gives_nothing(text: str) -> None:
    assert parse_test_output(text) == []


def test_mixed_runners_in_one_output_keep_their_order() -> None:
    text = (
        "+ cargo test\n"
        + CARGO
        + "+ pytest\n"
        + PYTEST[PYTEST.index("=========================== short test summary") :]
    )
    found = parse_test_output(text)
    assert [f.runner for f in found] == ["cargo"] * 4 + ["pytest"] * 4
    assert found[0].test == "tests::it_fails"
    assert found[4].test == "tests/test_calc.py::test_add"
