"""``go test`` output."""

from __future__ import annotations

from engram.parse.testoutput import (
    detect_runner,
    parse_test_output,
)
from tests.parse.testoutput.helpers import failures, runners

GO_VERBOSE = """\
=== RUN   TestAdd
--- PASS: TestAdd (0.00s)
=== RUN   TestSub
    calc_test.go:15: expected 5, got 3
--- FAIL: TestSub (0.00s)
=== RUN   TestTable
=== RUN   TestTable/positive
=== RUN   TestTable/negative
    calc_test.go:30: abs(-1) = -1, want 1
--- FAIL: TestTable (0.00s)
    --- PASS: TestTable/positive (0.00s)
    --- FAIL: TestTable/negative (0.00s)
=== RUN   TestEqual
    calc_test.go:40:
        \tError Trace:\t/app/calc_test.go:40
        \tError:      \tNot equal:
        \t            \texpected: 5
        \t            \tactual  : 3
        \tTest:       \tTestEqual
--- FAIL: TestEqual (0.00s)
=== RUN   TestDiv
--- FAIL: TestDiv (0.00s)
panic: runtime error: integer divide by zero [recovered]
\tpanic: runtime error: integer divide by zero

goroutine 7 [running]:
testing.tRunner.func1.2({0x5f1e20, 0x6b5e10})
\t/usr/local/go/src/testing/testing.go:1545 +0x238
example.com/calc.Div(...)
\t/app/calc.go:8
FAIL\texample.com/calc\t0.005s
FAIL
"""


def test_go_verbose_run_with_subtests_testify_and_panic() -> None:
    assert failures(GO_VERBOSE) == [
        ("TestSub", "assertion", "expected 5, got 3"),
        ("TestTable/negative", "assertion", "abs(-1) = -1, want 1"),
        ("TestEqual", "assertion", "Not equal: expected: 5 actual : 3"),
        ("TestDiv", "runtime", "panic: runtime error: integer divide by zero"),
    ]
    assert detect_runner(GO_VERBOSE) == "go"
    assert runners(GO_VERBOSE) == {"go"}


def test_go_plain_run_prints_messages_after_the_fail_line() -> None:
    text = """\
--- FAIL: TestSub (0.00s)
    calc_test.go:15: expected 5, got 3
--- FAIL: TestTable (0.00s)
    --- FAIL: TestTable/negative (0.00s)
        calc_test.go:30: abs(-1) = -1, want 1
    --- FAIL: TestTable/zero (0.00s)
        calc_test.go:30: abs(0) = 7, want 0
FAIL
FAIL\texample.com/calc\t0.003s
ok  \texample.com/calc/util\t0.002s
FAIL
"""
    assert failures(text) == [
        ("TestSub", "assertion", "expected 5, got 3"),
        ("TestTable/negative", "assertion", "abs(-1) = -1, want 1"),
        ("TestTable/zero", "assertion", "abs(0) = 7, want 0"),
    ]


def test_go_build_failure_is_a_compile_error_per_line() -> None:
    text = """\
# example.com/calc [example.com/calc.test]
./calc.go:3:2: undefined: y
./calc_test.go:8:9: cannot use "x" (untyped string constant) as int value in argument to Add
./parse.go:12:1: syntax error: unexpected }, expected expression
FAIL\texample.com/calc [build failed]
# example.com/other
other.go:4:2: no required module provides package github.com/x/y; to add it:
\tgo get github.com/x/y
FAIL\texample.com/other [setup failed]
FAIL\texample.com/third [build failed]
FAIL
"""
    assert failures(text) == [
        (None, "compile", "./calc.go:3:2: undefined: y"),
        (
            None,
            "compile",
            './calc_test.go:8:9: cannot use "x" (untyped string constant) as int value in '
            "argument to Add",
        ),
        (None, "syntax", "./parse.go:12:1: syntax error: unexpected }, expected expression"),
        (
            None,
            "import",
            "other.go:4:2: no required module provides package github.com/x/y; to add it:",
        ),
        (None, "compile", "FAIL example.com/third [build failed]"),
    ]


def test_go_vet_findings_are_lint() -> None:
    text = (
        "# example.com/calc\n# [example.com/calc]\n"
        "./calc_test.go:10:2: fmt.Printf format %d has arg name of wrong type string\n"
        "FAIL\texample.com/calc [build failed]\n"
    )
    assert failures(text) == [
        (
            None,
            "lint",
            "./calc_test.go:10:2: fmt.Printf format %d has arg name of wrong type string",
        )
    ]


def test_go_test_timeout_names_the_running_test() -> None:
    text = """\
=== RUN   TestSlow
panic: test timed out after 10s
\trunning tests:
\t\tTestSlow (10s)

goroutine 17 [running]:
testing.(*M).startAlarm.func1()
\t/usr/local/go/src/testing/testing.go:2259 +0x3b9
FAIL\texample.com/calc\t10.012s
FAIL
"""
    assert failures(text) == [("TestSlow", "timeout", "panic: test timed out after 10s")]


def test_go_passing_run_has_no_failures() -> None:
    text = "=== RUN   TestAdd\n--- PASS: TestAdd (0.00s)\nPASS\nok  \texample.com/calc\t0.002s\n"
    assert parse_test_output(text) == []
    assert detect_runner(text) == "go"
