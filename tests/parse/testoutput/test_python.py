"""pytest and unittest output."""

from __future__ import annotations

from engram.parse.testoutput import (
    detect_runner,
    parse_test_output,
)
from tests.parse.testoutput.helpers import failures, runners

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
