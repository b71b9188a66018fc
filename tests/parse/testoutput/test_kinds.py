"""Error kinds from messages."""

from __future__ import annotations

import pytest

from engram.parse.testoutput import (
    error_kind,
)


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
