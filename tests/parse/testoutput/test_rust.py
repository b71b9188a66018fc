"""``cargo test`` output."""

from __future__ import annotations

from engram.parse.testoutput import (
    detect_runner,
    parse_test_output,
)
from tests.parse.testoutput.helpers import failures, runners

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
