"""Test-runner output parsing: every runner's real output shapes, hostile input, properties."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engram import testoutput
from engram.testoutput import (
    ERROR_KINDS,
    MESSAGE_LIMIT,
    TestFailure,
    detect_runner,
    error_kind,
    parse_test_output,
)


def failures(text: str, limit: int = 50) -> list[tuple[str | None, str, str]]:
    """(test, kind, message) of each failure, checking every failure's invariants on the way."""
    found = parse_test_output(text, limit)
    for failure in found:
        assert isinstance(failure, TestFailure)
        assert failure.kind in ERROR_KINDS
        assert len(failure.message) <= MESSAGE_LIMIT
        assert "\x1b" not in failure.message and "\n" not in failure.message
    return [(f.test, f.kind, f.message) for f in found]


def runners(text: str) -> set[str]:
    return {failure.runner for failure in parse_test_output(text)}


# --- pytest --------------------------------------------------------------------------------------

PYTEST = """\
============================= test session starts ==============================
platform linux -- Python 3.11.4, pytest-7.4.0, pluggy-1.2.0
rootdir: /app
collected 6 items

tests/test_calc.py .F.FE                                                 [ 83%]
tests/test_io.py F                                                       [100%]

==================================== ERRORS ====================================
_____________________ ERROR at setup of test_with_fixture ______________________

    @pytest.fixture
    def db():
>       raise RuntimeError("db down")
E       RuntimeError: db down

tests/test_calc.py:8: RuntimeError
=================================== FAILURES ===================================
___________________________________ test_add ___________________________________

    def test_add():
>       assert add(1, 2) == 4
E       assert 3 == 4
E        +  where 3 = add(1, 2)

tests/test_calc.py:12: AssertionError
_______________________________ TestDiv.test_zero _______________________________

self = <test_calc.TestDiv object at 0x7f2b1c0d5e50>

    def test_zero(self):
>       div(1, 0)

tests/test_calc.py:20:
_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _

a = 1, b = 0

    def div(a, b):
>       return a / b
E       ZeroDivisionError: division by zero

calc.py:3: ZeroDivisionError
______________________________ test_read[utf-8] _______________________________

encoding = 'utf-8'

    @pytest.mark.parametrize("encoding", ["utf-8"])
    def test_read(encoding):
>       data = read("missing.txt", encoding)
E       FileNotFoundError: [Errno 2] No such file or directory: 'missing.txt'

tests/test_io.py:9: FileNotFoundError
=========================== short test summary info ============================
FAILED tests/test_calc.py::test_add - assert 3 == 4
FAILED tests/test_calc.py::TestDiv::test_zero - ZeroDivisionError: division by zero
FAILED tests/test_io.py::test_read[utf-8] - FileNotFoundError: [Errno 2] No such file or d...
ERROR tests/test_calc.py::test_with_fixture - RuntimeError: db down
============== 3 failed, 2 passed, 1 error in 0.12s ==============
"""


def test_pytest_sections_and_summary_give_one_failure_per_test_in_order() -> None:
    assert failures(PYTEST) == [
        ("tests/test_calc.py::test_with_fixture", "runtime", "RuntimeError: db down"),
        ("tests/test_calc.py::test_add", "assertion", "AssertionError: assert 3 == 4"),
        (
            "tests/test_calc.py::TestDiv::test_zero",
            "runtime",
            "ZeroDivisionError: division by zero",
        ),
        (
            "tests/test_io.py::test_read[utf-8]",
            "runtime",
            "FileNotFoundError: [Errno 2] No such file or directory: 'missing.txt'",
        ),
    ]
    assert runners(PYTEST) == {"pytest"}
    assert detect_runner(PYTEST) == "pytest"


def test_pytest_summary_alone_names_tests_and_messages() -> None:
    summary = PYTEST[PYTEST.index("=========================== short test summary") :]
    assert failures(summary) == [
        ("tests/test_calc.py::test_add", "assertion", "assert 3 == 4"),
        (
            "tests/test_calc.py::TestDiv::test_zero",
            "runtime",
            "ZeroDivisionError: division by zero",
        ),
        (
            "tests/test_io.py::test_read[utf-8]",
            "runtime",
            "FileNotFoundError: [Errno 2] No such file or d...",
        ),
        ("tests/test_calc.py::test_with_fixture", "runtime", "RuntimeError: db down"),
    ]


PYTEST_COLLECTION = """\
============================= test session starts ==============================
platform linux -- Python 3.12.1, pytest-8.0.0, pluggy-1.4.0
rootdir: /app
collected 0 items / 2 errors

==================================== ERRORS ====================================
_____________________ ERROR collecting tests/test_api.py ______________________
ImportError while importing test module '/app/tests/test_api.py'.
Hint: make sure your test modules/packages have valid Python names.
Traceback:
/usr/local/lib/python3.12/importlib/__init__.py:90: in import_module
    return _bootstrap._gcd_import(name[level:], package, level)
tests/test_api.py:1: in <module>
    import requests_mock
E   ModuleNotFoundError: No module named 'requests_mock'
_____________________ ERROR collecting tests/test_parse.py _____________________
/usr/local/lib/python3.12/site-packages/_pytest/python.py:617: in _importtestmodule
    mod = import_path(self.path, mode=importmode, root=self.config.rootpath)
E     File "/app/tests/test_parse.py", line 14
E       def test_parse(:
E                      ^
E   SyntaxError: invalid syntax
=========================== short test summary info ============================
ERROR tests/test_api.py
ERROR tests/test_parse.py
!!!!!!!!!!!!!!!!!!! Interrupted: 2 errors during collection !!!!!!!!!!!!!!!!!!!!
=============================== 2 errors in 0.31s ===============================
"""


def test_pytest_collection_errors_are_not_tied_to_a_test() -> None:
    assert failures(PYTEST_COLLECTION) == [
        (None, "import", "ModuleNotFoundError: No module named 'requests_mock'"),
        (None, "syntax", "SyntaxError: invalid syntax"),
    ]


def test_pytest_8_summary_of_a_collection_error_carries_its_message() -> None:
    text = (
        "collected 0 items / 1 error\n"
        "=========================== short test summary info ============================\n"
        "ERROR tests/test_api.py - ModuleNotFoundError: No module named 'requests_mock'\n"
        "!!!!!!!!!!!!!!!!!!!! Interrupted: 1 error during collection !!!!!!!!!!!!!!!!!!!!\n"
    )
    assert failures(text) == [
        (None, "import", "ModuleNotFoundError: No module named 'requests_mock'")
    ]


PYTEST_TIMEOUT = """\
============================= test session starts ==============================
platform linux -- Python 3.11.4, pytest-7.4.0, pluggy-1.2.0
plugins: timeout-2.2.0
timeout: 5.0s
collected 2 items

tests/test_slow.py F.                                                    [100%]

=================================== FAILURES ===================================
__________________________________ test_poll ___________________________________

    def test_poll():
>       while not ready():
E       Failed: Timeout >5.0s

tests/test_slow.py:7: Failed
=========================== short test summary info ============================
FAILED tests/test_slow.py::test_poll - Failed: Timeout >5.0s
========================= 1 failed, 1 passed in 5.21s ==========================
"""


def test_pytest_timeout_failure_is_a_timeout() -> None:
    assert failures(PYTEST_TIMEOUT) == [
        ("tests/test_slow.py::test_poll", "timeout", "Failed: Timeout >5.0s")
    ]


def test_pytest_timeout_thread_dump_names_the_running_test() -> None:
    text = (
        "============================= test session starts ==============================\n"
        "collected 2 items\n\n"
        "tests/test_slow.py::test_fast PASSED                                     [ 50%]\n"
        "tests/test_slow.py::test_hang \n"
        "+++++++++++++++++++++++++++++++++++ Timeout ++++++++++++++++++++++++++++++++++++\n"
        "~~~~~~~~~~~~~~~~~~~~~ Stack of MainThread (140234) ~~~~~~~~~~~~~~~~~~~~~\n"
        '  File "/app/tests/test_slow.py", line 9, in test_hang\n'
        "    time.sleep(100)\n"
        "+++++++++++++++++++++++++++++++++++ Timeout ++++++++++++++++++++++++++++++++++++\n"
    )
    assert failures(text) == [("tests/test_slow.py::test_hang", "timeout", "Timeout")]


def test_pytest_verbose_short_traceback_and_conftest_error() -> None:
    verbose = """\
============================= test session starts ==============================
collected 2 items

tests/test_a.py::test_one FAILED                                         [ 50%]
tests/test_a.py::test_two PASSED                                         [100%]

=================================== FAILURES ===================================
___________________________________ test_one ___________________________________
tests/test_a.py:4: in test_one
    assert parse("x") == {"a": 1}
E   AssertionError: assert {'a': 2} == {'a': 1}
E     Differing items:
E     {'a': 2} != {'a': 1}
========================= 1 failed, 1 passed in 0.05s ==========================
"""
    assert failures(verbose) == [
        ("tests/test_a.py::test_one", "assertion", "AssertionError: assert {'a': 2} == {'a': 1}")
    ]
    conftest = (
        "ImportError while loading conftest '/app/tests/conftest.py'.\n"
        "tests/conftest.py:3: in <module>\n"
        "    from app.db import Session\n"
        "E   ImportError: cannot import name 'Session' from 'app.db' (/app/app/db.py)\n"
    )
    assert failures(conftest) == [
        (None, "import", "ImportError: cannot import name 'Session' from 'app.db' (/app/app/db.py)")
    ]


def test_pytest_doctest_failures() -> None:
    text = """\
============================= test session starts ==============================
collected 2 items

calc.py FF                                                               [100%]

=================================== FAILURES ===================================
_______________________________ [doctest] calc.add _______________________________
003 >>> add(1, 2)
Expected:
    4
Got:
    3

/app/calc.py:3: DocTestFailure
_______________________________ [doctest] calc.div _______________________________
008 >>> div(1, 0)
UNEXPECTED EXCEPTION: ZeroDivisionError('division by zero')
Traceback (most recent call last):
  File "<doctest calc.div[0]>", line 1, in <module>
ZeroDivisionError: division by zero
/app/calc.py:8: UnexpectedException
=========================== short test summary info ============================
FAILED calc.py::calc.add
FAILED calc.py::calc.div
============================== 2 failed in 0.02s ===============================
"""
    assert failures(text) == [
        ("calc.py::calc.add", "assertion", "Expected: 4, Got: 3"),
        (
            "calc.py::calc.div",
            "runtime",
            "UNEXPECTED EXCEPTION: ZeroDivisionError('division by zero')",
        ),
    ]


def test_pytest_xdist_and_line_tracebacks() -> None:
    xdist = """\
============================= test session starts ==============================
2 workers [3 items]

[gw0] [ 33%] PASSED tests/test_x.py::test_b
[gw1] [ 66%] FAILED tests/test_x.py::test_a
[gw0] [100%] FAILED tests/test_x.py::TestK::test_c[1-2]

=================================== FAILURES ===================================
______________________________ TestK.test_c[1-2] _______________________________
[gw0] linux -- Python 3.11.4 /usr/bin/python
E   TypeError: 'NoneType' object is not subscriptable
tests/test_x.py:30: TypeError
____________________________________ test_a ____________________________________
[gw1] linux -- Python 3.11.4 /usr/bin/python
E   assert 1 == 2
tests/test_x.py:5: AssertionError
========================= 2 failed, 1 passed in 0.55s ==========================
"""
    assert failures(xdist) == [
        ("tests/test_x.py::test_a", "assertion", "AssertionError: assert 1 == 2"),
        (
            "tests/test_x.py::TestK::test_c[1-2]",
            "runtime",
            "TypeError: 'NoneType' object is not subscriptable",
        ),
    ]
    line = """\
=================================== FAILURES ===================================
/app/tests/test_x.py:12: assert 3 == 4
=========================== short test summary info ============================
PASSED tests/test_x.py::test_b
FAILED tests/test_x.py::test_a - assert 3 == 4
========================= 1 failed, 1 passed in 0.05s ==========================
"""
    assert failures(line) == [("tests/test_x.py::test_a", "assertion", "assert 3 == 4")]


def test_pytest_colored_output_with_crlf() -> None:
    colored = (
        PYTEST.replace("FAILED", "\x1b[31mFAILED\x1b[0m")
        .replace("E       ", "\x1b[1m\x1b[31mE       ")
        .replace("\n", "\x1b[0m\r\n")
    )
    assert failures(colored) == failures(PYTEST)


def test_pytest_passing_run_has_no_failures() -> None:
    text = (
        "============================= test session starts ==============================\n"
        "platform linux -- Python 3.11.4, pytest-7.4.0, pluggy-1.2.0\n"
        "collected 12 items\n\n"
        "tests/test_calc.py ............                                          [100%]\n\n"
        "============================== 12 passed in 0.08s ==============================\n"
    )
    assert parse_test_output(text) == []
    assert detect_runner(text) == "pytest"


# --- unittest ------------------------------------------------------------------------------------

UNITTEST = """\
test_add (test_calc.TestCalc.test_add) ... ok
test_div (test_calc.TestCalc.test_div) ... ERROR
test_sub (test_calc.TestCalc.test_sub) ... FAIL
test_lines (test_calc.TestText.test_lines) ... FAIL

======================================================================
ERROR: test_div (test_calc.TestCalc.test_div)
----------------------------------------------------------------------
Traceback (most recent call last):
  File "/app/test_calc.py", line 10, in test_div
    div(1, 0)
  File "/app/calc.py", line 3, in div
    return a / b
           ~~^~~
ZeroDivisionError: division by zero

======================================================================
FAIL: test_sub (test_calc.TestCalc.test_sub)
Subtracting gives the difference.
----------------------------------------------------------------------
Traceback (most recent call last):
  File "/app/test_calc.py", line 7, in test_sub
    self.assertEqual(sub(3, 1), 3)
AssertionError: 2 != 3

======================================================================
FAIL: test_lines (test_calc.TestText.test_lines)
----------------------------------------------------------------------
Traceback (most recent call last):
  File "/app/test_calc.py", line 20, in test_lines
    self.assertEqual(lines("a"), ["a", "b"])
AssertionError: Lists differ: ['a'] != ['a', 'b']

Second list contains 1 additional elements.
First extra element 1:
'b'

- ['a']
+ ['a', 'b']

----------------------------------------------------------------------
Ran 4 tests in 0.002s

FAILED (failures=2, errors=1)
"""


def test_unittest_blocks_take_the_tracebacks_exception_line() -> None:
    assert failures(UNITTEST) == [
        (
            "test_div (test_calc.TestCalc.test_div)",
            "runtime",
            "ZeroDivisionError: division by zero",
        ),
        ("test_sub (test_calc.TestCalc.test_sub)", "assertion", "AssertionError: 2 != 3"),
        (
            "test_lines (test_calc.TestText.test_lines)",
            "assertion",
            "AssertionError: Lists differ: ['a'] != ['a', 'b']",
        ),
    ]
    assert detect_runner(UNITTEST) == "unittest"
    assert runners(UNITTEST) == {"unittest"}


def test_unittest_old_names_subtests_and_import_failures() -> None:
    text = """\
======================================================================
ERROR: test_missing (unittest.loader._FailedTest.test_missing)
----------------------------------------------------------------------
ImportError: Failed to import test module: test_missing
Traceback (most recent call last):
  File "/usr/lib/python3.11/unittest/loader.py", line 407, in _find_test_path
    module = self._get_module_from_name(name)
  File "/app/tests/test_missing.py", line 1, in <module>
    import yaml
ModuleNotFoundError: No module named 'yaml'

======================================================================
FAIL: test_even (tests.test_num.NumTest) (i=3)
----------------------------------------------------------------------
Traceback (most recent call last):
  File "/app/tests/test_num.py", line 9, in test_even
    self.assertTrue(i % 2 == 0)
AssertionError: False is not true

----------------------------------------------------------------------
Ran 2 tests in 0.001s

FAILED (failures=1, errors=1)
"""
    assert failures(text) == [
        (None, "import", "ModuleNotFoundError: No module named 'yaml'"),
        (
            "test_even (tests.test_num.NumTest) (i=3)",
            "assertion",
            "AssertionError: False is not true",
        ),
    ]


def test_unittest_passing_run_has_no_failures() -> None:
    text = "....\n" + "-" * 70 + "\nRan 4 tests in 0.001s\n\nOK\n"
    assert parse_test_output(text) == []
    assert detect_runner(text) == "unittest"


# --- Jest and Vitest -----------------------------------------------------------------------------

JEST = """\
 PASS  src/util.test.js
 FAIL  src/sum.test.js
  sum
    ✓ adds 1 + 2 to equal 3 (2 ms)
    ✕ adds 2 + 2 to equal 5 (3 ms)
  nested
    deeper
      ✕ throws (1 ms)
      ✕ waits (5003 ms)

  ● sum › adds 2 + 2 to equal 5

    expect(received).toBe(expected) // Object.is equality

    Expected: 5
    Received: 4

      3 | describe('sum', () => {
      4 |   test('adds 2 + 2 to equal 5', () => {
    > 5 |     expect(sum(2, 2)).toBe(5);
        |                       ^
      6 |   });

      at Object.toBe (src/sum.test.js:5:23)

  ● nested › deeper › throws

    TypeError: Cannot read properties of undefined (reading 'x')

      10 |   test('throws', () => {
    > 11 |     return obj.x.y;
         |                ^

      at Object.<anonymous> (src/sum.test.js:11:18)

  ● nested › deeper › waits

    thrown: "Exceeded timeout of 5000 ms for a test.
    Add a timeout value to this test to increase the timeout, if this is a long-running test. See https://jestjs.io/docs/api#testname-fn-timeout."

      12 |   test('waits', async () => {

      at test (src/sum.test.js:12:3)

 FAIL  src/broken.test.js
  ● Test suite failed to run

    Cannot find module './missing' from 'src/broken.test.js'

    Require stack:
      src/broken.test.js

    > 1 | const m = require('./missing');
        |           ^

      at Resolver._throwModNotFoundError (node_modules/jest-resolve/build/resolver.js:427:11)

 FAIL  src/types.test.ts
  ● Test suite failed to run

    src/types.test.ts:3:7 - error TS2345: Argument of type 'string' is not assignable to parameter of type 'number'.

    3 sum('1', 2);
            ~~~

Test Suites: 3 failed, 1 passed, 4 total
Tests:       3 failed, 2 passed, 5 total
Snapshots:   0 total
Time:        6.234 s
Ran all test suites.
"""


def test_jest_blocks_give_names_messages_and_kinds() -> None:
    assert failures(JEST) == [
        (
            "sum › adds 2 + 2 to equal 5",
            "assertion",
            "expect(received).toBe(expected) // Object.is equality (Expected: 5, Received: 4)",
        ),
        (
            "nested › deeper › throws",
            "runtime",
            "TypeError: Cannot read properties of undefined (reading 'x')",
        ),
        ("nested › deeper › waits", "timeout", 'thrown: "Exceeded timeout of 5000 ms for a test.'),
        (None, "import", "Cannot find module './missing' from 'src/broken.test.js'"),
        (
            None,
            "compile",
            "src/types.test.ts:3:7 - error TS2345: Argument of type 'string' is not assignable "
            "to parameter of type 'number'.",
        ),
    ]
    assert detect_runner(JEST) == "jest"
    assert runners(JEST) == {"jest"}


def test_jest_cut_before_its_blocks_still_names_failed_tests() -> None:
    cut = JEST[: JEST.index("  ● sum")]
    assert failures(cut) == [
        ("sum › adds 2 + 2 to equal 5", "unknown", ""),
        ("nested › deeper › throws", "unknown", ""),
        ("nested › deeper › waits", "unknown", ""),
    ]


def test_jest_suite_that_failed_without_details_is_named_by_its_file() -> None:
    text = " FAIL  src/a.test.js\n FAIL  src/b.test.js (5.2 s)\n\nTest Suites: 2 failed, 2 total\n"
    assert failures(text) == [("src/a.test.js", "unknown", ""), ("src/b.test.js", "unknown", "")]


def test_jest_syntax_error_suite_prefers_the_exception_line() -> None:
    text = """\
 FAIL  src/app.test.js
  ● Test suite failed to run

    Jest encountered an unexpected token

    Jest failed to parse a file. This happens e.g. when your code or its dependencies use non-standard JavaScript syntax.

    Details:

    /app/src/app.js:3
    export default function app() {
    ^^^^^^

    SyntaxError: Unexpected token 'export'

Test Suites: 1 failed, 1 total
"""
    assert failures(text) == [(None, "syntax", "SyntaxError: Unexpected token 'export'")]


VITEST = """\

 RUN  v1.6.0 /app

 ❯ src/sum.test.ts (3 tests | 2 failed) 6ms
   ✓ sum > adds 1 + 2 1ms
   × sum > adds 2 + 2 to equal 5 3ms
     → expected 4 to be 5 // Object.is equality
   × sum > throws 1ms
     → Cannot read properties of undefined (reading 'x')

⎯⎯⎯⎯⎯⎯⎯ Failed Suites 1 ⎯⎯⎯⎯⎯⎯⎯

 FAIL  src/broken.test.ts [ src/broken.test.ts ]
Error: Cannot find module './missing' imported from '/app/src/broken.test.ts'
 ❯ src/broken.test.ts:1:1

⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯[1/3]⎯

⎯⎯⎯⎯⎯⎯⎯ Failed Tests 2 ⎯⎯⎯⎯⎯⎯⎯

 FAIL  src/sum.test.ts > sum > adds 2 + 2 to equal 5
AssertionError: expected 4 to be 5 // Object.is equality

- Expected
+ Received

- 5
+ 4

 ❯ src/sum.test.ts:5:23
      3| describe('sum', () => {
      4|   it('adds 2 + 2 to equal 5', () => {
      5|     expect(sum(2, 2)).toBe(5)
       |                       ^
      6|   })

⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯[2/3]⎯

 FAIL  src/sum.test.ts > sum > throws
TypeError: Cannot read properties of undefined (reading 'x')
 ❯ src/sum.test.ts:9:12

⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯[3/3]⎯

 Test Files  2 failed (2)
      Tests  2 failed | 1 passed (3)
   Start at  12:00:00
   Duration  1.23s
"""


def test_vitest_failed_tests_and_suites() -> None:
    assert failures(VITEST) == [
        (
            "sum > adds 2 + 2 to equal 5",
            "assertion",
            "AssertionError: expected 4 to be 5 // Object.is equality",
        ),
        ("sum > throws", "runtime", "TypeError: Cannot read properties of undefined (reading 'x')"),
        (
            None,
            "import",
            "Error: Cannot find module './missing' imported from '/app/src/broken.test.ts'",
        ),
    ]
    tree = VITEST[: VITEST.index("⎯⎯⎯⎯⎯⎯⎯ Failed Suites")]
    assert failures(tree) == [
        ("sum > adds 2 + 2 to equal 5", "assertion", "expected 4 to be 5 // Object.is equality"),
        ("sum > throws", "runtime", "Cannot read properties of undefined (reading 'x')"),
    ]
    assert detect_runner(VITEST) == "jest"


def test_vitest_blocks_alone() -> None:
    blocks = VITEST[VITEST.index("⎯⎯⎯⎯⎯⎯⎯ Failed Tests") :]
    assert failures(blocks) == [
        (
            "sum > adds 2 + 2 to equal 5",
            "assertion",
            "AssertionError: expected 4 to be 5 // Object.is equality",
        ),
        ("sum > throws", "runtime", "TypeError: Cannot read properties of undefined (reading 'x')"),
    ]


def test_jest_passing_run_has_no_failures() -> None:
    text = (
        " PASS  src/sum.test.js\n  sum\n    ✓ adds 1 + 2 to equal 3 (2 ms)\n\n"
        "Test Suites: 1 passed, 1 total\nTests:       1 passed, 1 total\n"
        "Snapshots:   0 total\nTime:        0.5 s\nRan all test suites.\n"
    )
    assert parse_test_output(text) == []
    assert detect_runner(text) == "jest"


# --- go test -------------------------------------------------------------------------------------

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


# --- cargo test ----------------------------------------------------------------------------------

CARGO = """\
   Compiling calc v0.1.0 (/app)
    Finished test [unoptimized + debuginfo] target(s) in 0.52s
     Running unittests src/lib.rs (target/debug/deps/calc-1a2b3c4d5e6f)

running 5 tests
test tests::it_adds ... ok
test tests::it_fails ... FAILED
test tests::it_panics ... FAILED
test tests::it_unwraps ... FAILED
test tests::should_panic ... FAILED

failures:

---- tests::it_fails stdout ----
thread 'tests::it_fails' panicked at src/lib.rs:17:9:
assertion `left == right` failed
  left: 4
 right: 5
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace

---- tests::it_panics stdout ----
computing...
thread 'tests::it_panics' panicked at src/lib.rs:22:9:
boom
error: this line is captured output, not a compiler error

---- tests::it_unwraps stdout ----
thread 'tests::it_unwraps' panicked at src/lib.rs:27:35:
called `Result::unwrap()` on an `Err` value: ParseIntError { kind: InvalidDigit }

---- tests::should_panic stdout ----
note: test did not panic as expected

failures:
    tests::it_fails
    tests::it_panics
    tests::it_unwraps
    tests::should_panic

test result: FAILED. 1 passed; 4 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s

error: test failed, to rerun pass `--lib`
"""


def test_cargo_failures_with_new_rust_panic_messages() -> None:
    assert failures(CARGO) == [
        ("tests::it_fails", "assertion", "assertion `left == right` failed (left: 4, right: 5)"),
        ("tests::it_panics", "runtime", "boom"),
        (
            "tests::it_unwraps",
            "runtime",
            "called `Result::unwrap()` on an `Err` value: ParseIntError { kind: InvalidDigit }",
        ),
        ("tests::should_panic", "assertion", "test did not panic as expected"),
    ]
    assert detect_runner(CARGO) == "cargo"
    assert runners(CARGO) == {"cargo"}


def test_cargo_old_rust_panic_format() -> None:
    text = """\
running 2 tests
test tests::it_fails ... FAILED
test tests::it_unwraps ... FAILED

failures:

---- tests::it_fails stdout ----
thread 'tests::it_fails' panicked at 'assertion failed: `(left == right)`
  left: `4`,
 right: `5`', src/lib.rs:10:9
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace

---- tests::it_unwraps stdout ----
thread 'tests::it_unwraps' panicked at 'called `Option::unwrap()` on a `None` value', src/lib.rs:15:20

failures:
    tests::it_fails
    tests::it_unwraps

test result: FAILED. 0 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out
"""
    assert failures(text) == [
        (
            "tests::it_fails",
            "assertion",
            "assertion failed: `(left == right)` (left: `4`, right: `5`)",
        ),
        ("tests::it_unwraps", "runtime", "called `Option::unwrap()` on a `None` value"),
    ]


def test_cargo_compile_errors() -> None:
    text = """\
   Compiling calc v0.1.0 (/app)
error[E0432]: unresolved import `crate::missing`
 --> src/lib.rs:1:5
  |
1 | use crate::missing;
  |     ^^^^^^^^^^^^^^ no `missing` in the root

error[E0425]: cannot find value `y` in this scope
 --> src/lib.rs:3:5
  |
3 |     y
  |     ^ not found in this scope

error[E0425]: cannot find value `y` in this scope
 --> src/lib.rs:9:5

Some errors have detailed explanations: E0425, E0432.
For more information about an error, try `rustc --explain E0425`.
error: could not compile `calc` (lib test) due to 3 previous errors
"""
    assert failures(text) == [
        (None, "import", "error[E0432]: unresolved import `crate::missing`"),
        (None, "compile", "error[E0425]: cannot find value `y` in this scope"),
        (None, "compile", "error[E0425]: cannot find value `y` in this scope"),
    ]
    assert detect_runner(text) == "cargo"


def test_cargo_panics_outside_a_section() -> None:
    nocapture = """\
running 2 tests
thread 'tests::it_checks' panicked at src/lib.rs:3:5:
assertion failed: x > 5
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace
test tests::it_checks ... FAILED
test tests::it_adds ... ok

failures:
    tests::it_checks

test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out
"""
    assert failures(nocapture) == [("tests::it_checks", "assertion", "assertion failed: x > 5")]
    binary = (
        "thread 'main' panicked at src/main.rs:2:5:\n"
        "called `Option::unwrap()` on a `None` value\n"
        "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n"
    )
    assert failures(binary) == [(None, "runtime", "called `Option::unwrap()` on a `None` value")]


def test_cargo_passing_run_has_no_failures() -> None:
    text = (
        "running 2 tests\ntest tests::a ... ok\ntest tests::b ... ok\n\n"
        "test result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out\n"
    )
    assert parse_test_output(text) == []


# --- JUnit: Maven Surefire, Gradle, XML ----------------------------------------------------------

SUREFIRE = """\
[INFO] -------------------------------------------------------
[INFO]  T E S T S
[INFO] -------------------------------------------------------
[INFO] Running com.acme.FooTest
[ERROR] Tests run: 4, Failures: 1, Errors: 2, Skipped: 0, Time elapsed: 0.05 s <<< FAILURE! - in com.acme.FooTest
[ERROR] testBar(com.acme.FooTest)  Time elapsed: 0.01 s  <<< FAILURE!
java.lang.AssertionError: expected:<1> but was:<2>
\tat org.junit.Assert.fail(Assert.java:89)
\tat org.junit.Assert.failNotEquals(Assert.java:835)
\tat com.acme.FooTest.testBar(FooTest.java:42)

[ERROR] testBaz(com.acme.FooTest)  Time elapsed: 0 s  <<< ERROR!
java.lang.NullPointerException: Cannot invoke "String.length()" because "s" is null
\tat com.acme.Foo.size(Foo.java:12)
\tat com.acme.FooTest.testBaz(FooTest.java:20)

[ERROR] testSlow(com.acme.FooTest)  Time elapsed: 0.1 s  <<< ERROR!
org.junit.runners.model.TestTimedOutException: test timed out after 100 milliseconds
\tat java.base/java.lang.Thread.sleep(Native Method)

[INFO]
[INFO] Results:
[INFO]
[ERROR] Failures:
[ERROR]   FooTest.testBar:42 expected:<1> but was:<2>
[ERROR] Errors:
[ERROR]   FooTest.testBaz:20 » NullPointer Cannot invoke "String.length()" because "s" is null
[ERROR]   FooTest.testSlow » TestTimedOut test timed out after 100 milliseconds
[INFO]
[ERROR] Tests run: 4, Failures: 1, Errors: 2, Skipped: 0
[INFO]
[INFO] ------------------------------------------------------------------------
[INFO] BUILD FAILURE
[INFO] ------------------------------------------------------------------------
"""


def test_surefire_per_test_blocks_win_over_the_summary() -> None:
    assert failures(SUREFIRE) == [
        (
            "com.acme.FooTest.testBar",
            "assertion",
            "java.lang.AssertionError: expected:<1> but was:<2>",
        ),
        (
            "com.acme.FooTest.testBaz",
            "runtime",
            'java.lang.NullPointerException: Cannot invoke "String.length()" because "s" is null',
        ),
        (
            "com.acme.FooTest.testSlow",
            "timeout",
            "org.junit.runners.model.TestTimedOutException: test timed out after 100 milliseconds",
        ),
    ]
    assert detect_runner(SUREFIRE) == "junit"
    assert runners(SUREFIRE) == {"junit"}


def test_surefire_summary_alone() -> None:
    summary = SUREFIRE[SUREFIRE.index("[INFO] Results:") :]
    assert failures(summary) == [
        ("FooTest.testBar", "assertion", "expected:<1> but was:<2>"),
        (
            "FooTest.testBaz",
            "runtime",
            'NullPointer Cannot invoke "String.length()" because "s" is null',
        ),
        ("FooTest.testSlow", "timeout", "TestTimedOut test timed out after 100 milliseconds"),
    ]


def test_surefire_junit5_and_github_actions_prefixes() -> None:
    text = """\
[INFO] Running com.acme.BarTest
Error:  Tests run: 2, Failures: 2, Errors: 0, Skipped: 0, Time elapsed: 0.03 s <<< FAILURE! -- in com.acme.BarTest
Error:  com.acme.BarTest.sums -- Time elapsed: 0.012 s <<< FAILURE!
org.opentest4j.AssertionFailedError: expected: <3> but was: <4>
\tat org.junit.jupiter.api.AssertionUtils.fail(AssertionUtils.java:151)
Error:  waits  Time elapsed: 2.1 s  <<< FAILURE!
org.opentest4j.AssertionFailedError: "ready" did not occur in time
"""
    assert failures(text) == [
        (
            "com.acme.BarTest.sums",
            "assertion",
            "org.opentest4j.AssertionFailedError: expected: <3> but was: <4>",
        ),
        (
            "waits",
            "assertion",
            'org.opentest4j.AssertionFailedError: "ready" did not occur in time',
        ),
    ]


def test_surefire_old_results_format() -> None:
    text = """\
-------------------------------------------------------
 T E S T S
-------------------------------------------------------
Running com.acme.FooTest
Tests run: 2, Failures: 1, Errors: 1, Skipped: 0, Time elapsed: 0.05 sec <<< FAILURE!

Results :

Failed tests:   testBar(com.acme.FooTest): expected:<1> but was:<2>
Tests in error:
  testBaz(com.acme.FooTest): For input string: "x"

Tests run: 2, Failures: 1, Errors: 1, Skipped: 0
"""
    assert failures(text) == [
        ("com.acme.FooTest.testBar", "assertion", "expected:<1> but was:<2>"),
        ("com.acme.FooTest.testBaz", "runtime", 'For input string: "x"'),
    ]


def test_maven_compilation_error() -> None:
    text = """\
[INFO] --- maven-compiler-plugin:3.11.0:compile (default-compile) @ foo ---
[INFO] -------------------------------------------------------------
[ERROR] COMPILATION ERROR :
[INFO] -------------------------------------------------------------
[ERROR] /app/src/main/java/com/acme/Foo.java:[10,5] cannot find symbol
  symbol:   variable y
  location: class com.acme.Foo
[ERROR] /app/src/test/java/com/acme/FooTest.java:[3,24] package org.junit.jupiter.api does not exist
[INFO] 2 errors
[INFO] -------------------------------------------------------------
[INFO] BUILD FAILURE
[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.11.0:compile (default-compile) on project foo: Compilation failure: Compilation failure:
[ERROR] /app/src/main/java/com/acme/Foo.java:[10,5] cannot find symbol
[ERROR]   symbol:   variable y
[ERROR]   location: class com.acme.Foo
"""
    assert failures(text) == [
        (
            None,
            "compile",
            "/app/src/main/java/com/acme/Foo.java:[10,5] cannot find symbol (symbol: variable y)",
        ),
        (
            None,
            "import",
            "/app/src/test/java/com/acme/FooTest.java:[3,24] package org.junit.jupiter.api does not "
            "exist",
        ),
    ]
    truncated = text[: text.index("[ERROR] /app/src/main")]
    assert failures(truncated) == [(None, "compile", "COMPILATION ERROR")]


def test_gradle_failed_tests() -> None:
    text = """\
> Task :test FAILED

FooTest > testBar() FAILED
    org.opentest4j.AssertionFailedError at FooTest.java:12

FooTest > testBaz() FAILED
    java.lang.IllegalStateException at FooTest.java:20

2 tests completed, 2 failed

FAILURE: Build failed with an exception.
"""
    assert failures(text) == [
        ("FooTest.testBar", "assertion", "org.opentest4j.AssertionFailedError at FooTest.java:12"),
        ("FooTest.testBaz", "runtime", "java.lang.IllegalStateException at FooTest.java:20"),
    ]


JUNIT_XML = """\
<?xml version="1.0" encoding="UTF-8"?>
<testsuites>
  <testsuite name="com.acme.FooTest" tests="4" failures="1" errors="1" skipped="1">
    <testcase name="testOk" classname="com.acme.FooTest" time="0.001"/>
    <testcase name="testBar" classname="com.acme.FooTest" time="0.01">
      <failure message="expected:&lt;1&gt; but was:&lt;2&gt;" type="java.lang.AssertionError">java.lang.AssertionError: expected:&lt;1&gt; but was:&lt;2&gt;
\tat com.acme.FooTest.testBar(FooTest.java:42)</failure>
    </testcase>
    <testcase name="testBaz" classname="com.acme.FooTest" time="0">
      <error message="boom" type="java.lang.IllegalStateException"><![CDATA[java.lang.IllegalStateException: boom
\tat com.acme.FooTest.testBaz(FooTest.java:20)]]></error>
    </testcase>
    <testcase name="testSkip" classname="com.acme.FooTest"><skipped/></testcase>
  </testsuite>
  <testsuite name="calc" tests="1" failures="1">
    <testcase classname="example.com/calc" name="TestSub" time="0.000">
      <failure message="Failed" type="">    calc_test.go:15: expected 5, got 3</failure>
    </testcase>
  </testsuite>
</testsuites>
"""


def test_junit_xml_failures_and_errors() -> None:
    expected = [
        (
            "com.acme.FooTest.testBar",
            "assertion",
            "java.lang.AssertionError: expected:<1> but was:<2>",
        ),
        ("com.acme.FooTest.testBaz", "runtime", "java.lang.IllegalStateException: boom"),
        ("example.com/calc.TestSub", "assertion", "calc_test.go:15: expected 5, got 3"),
    ]
    assert failures(JUNIT_XML) == expected
    assert detect_runner(JUNIT_XML) == "junit"
    assert runners(JUNIT_XML) == {"junit"}


def test_truncated_or_malformed_junit_xml_is_scanned_tag_by_tag() -> None:
    cut = JUNIT_XML[: JUNIT_XML.index('<testcase name="testSkip"')]
    assert failures(cut)[:2] == [
        (
            "com.acme.FooTest.testBar",
            "assertion",
            "java.lang.AssertionError: expected:<1> but was:<2>",
        ),
        ("com.acme.FooTest.testBaz", "runtime", "java.lang.IllegalStateException: boom"),
    ]
    broken = JUNIT_XML.replace("</testsuite>\n  <testsuite", "</testsuite>\n  <<testsuite", 1)
    assert [f[0] for f in failures(broken)] == [
        "com.acme.FooTest.testBar",
        "com.acme.FooTest.testBaz",
        "example.com/calc.TestSub",
    ]


def test_junit_xml_with_entities_is_never_expanded() -> None:
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n'
        '<testsuite><testcase name="t" classname="C"><failure message="&lol2;"/></testcase>'
        "</testsuite>\n"
    )
    assert failures(bomb) == [("C.t", "assertion", "&lol2;")]


def test_passing_junit_xml_has_no_failures() -> None:
    text = '<testsuite tests="1"><testcase name="a" classname="A"/></testsuite>'
    assert parse_test_output(text) == []


# --- output of no known runner -------------------------------------------------------------------


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


# --- error kinds ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("AssertionError: assert 3 == 4", "assertion"),
        ("assert 3 == 4", "assertion"),
        ("expect(received).toEqual(expected) // deep equality", "assertion"),
        ("Expected: 5", "assertion"),
        ("expected 5, got 3", "assertion"),
        ("got 3, want 5", "assertion"),
        ("assertion `left == right` failed", "assertion"),
        ("org.opentest4j.AssertionFailedError: expected: <1> but was: <2>", "assertion"),
        ("Failed: DID NOT RAISE <class 'ValueError'>", "assertion"),
        ("SyntaxError: invalid syntax", "syntax"),
        ("IndentationError: unexpected indent", "syntax"),
        ("SyntaxError: Unexpected token 'export'", "syntax"),
        ("Jest encountered an unexpected token", "syntax"),
        ("ImportError: cannot import name 'x' from 'y'", "import"),
        ("ModuleNotFoundError: No module named 'foo'", "import"),
        ("Cannot find module './missing' from 'src/a.test.js'", "import"),
        ("error[E0432]: unresolved import `crate::missing`", "import"),
        ("java.lang.NoClassDefFoundError: com/acme/Foo", "import"),
        ("error[E0425]: cannot find value `y` in this scope", "compile"),
        ("./calc.go:3:2: undefined: y", "compile"),
        ("src/a.ts(3,7): error TS2345: Argument of type 'string'", "compile"),
        ("Foo.java:10: error: cannot find symbol", "compile"),
        ("COMPILATION ERROR", "compile"),
        ("Failed: Timeout >5.0s", "timeout"),
        ("Exceeded timeout of 5000 ms for a test.", "timeout"),
        ("panic: test timed out after 10s", "timeout"),
        ("TimeoutError: operation took too long", "timeout"),
        ("Error: Timeout of 2000ms exceeded.", "timeout"),
        ("context deadline exceeded", "timeout"),
        ("src/app.py:1:8: F401 [*] `os` imported but unused", "lint"),
        ("./x.py:3:80: E501 line too long (88 > 79 characters)", "lint"),
        ("app.py:3: error: Incompatible types in assignment  [assignment]", "lint"),
        ("  3:10  error  'x' is defined but never used  no-unused-vars", "lint"),
        ("eslint found 3 problems", "lint"),
        ("TypeError: unsupported operand type(s) for +: 'int' and 'str'", "runtime"),
        ("KeyError: 'name'", "runtime"),
        ("java.lang.NullPointerException", "runtime"),
        ("panic: runtime error: index out of range [5] with length 3", "runtime"),
        ("thread 'main' panicked at src/main.rs:2:5", "runtime"),
        ("Segmentation fault (core dumped)", "runtime"),
        ("Error: boom", "runtime"),
        ("Cannot read properties of undefined (reading 'x')", "runtime"),
        ("foo is not a function", "runtime"),
        ("something went wrong", "unknown"),
        ("", "unknown"),
        ("   ", "unknown"),
    ],
)
def test_error_kind(message: str, kind: str) -> None:
    assert error_kind(message) == kind


def test_error_kind_ignores_ansi_and_never_raises_on_odd_input() -> None:
    assert error_kind("\x1b[31mAssertionError\x1b[0m: no") == "assertion"
    assert error_kind(None) == "unknown"  # type: ignore[arg-type]
    assert error_kind("x" * 1_000_000) == "unknown"


# --- robustness ----------------------------------------------------------------------------------


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


# --- properties ----------------------------------------------------------------------------------

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
