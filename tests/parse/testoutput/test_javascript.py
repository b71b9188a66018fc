"""Jest and Vitest output."""

from __future__ import annotations

from engram.parse.testoutput import (
    detect_runner,
    parse_test_output,
)
from tests.parse.testoutput.helpers import failures, runners

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
