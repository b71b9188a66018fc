"""Planted failure modes for synthetic corpora: test output in each runner's own shape, with
random paths, numbers and names inside, so clustering has real variation to see through."""

from __future__ import annotations

import random
from collections.abc import Callable

_WORDS = ["parse", "load", "config", "header", "user", "cache", "token", "order", "index",
          "client", "stream", "batch", "record", "schema", "route", "event"]  # fmt: skip
_PACKAGES = ["core", "api", "utils", "io", "server", "models", "storage", "auth"]


def _name(rng: random.Random, parts: int = 2) -> str:
    return "_".join(rng.sample(_WORDS, parts))


def _camel(rng: random.Random) -> str:
    return "".join(word.capitalize() for word in rng.sample(_WORDS, 2))


def _pytest_assert(rng: random.Random) -> str:
    module, test = _name(rng, 1), _name(rng)
    expected, got, line = rng.randint(2, 500), rng.randint(0, 1), rng.randint(10, 400)
    message = f"AssertionError: expected {expected} records, got {got}"
    return (
        "============================= test session starts ==============================\n"
        f"collected {rng.randint(5, 80)} items\n\n"
        f"tests/test_{module}.py ..F.                                              [100%]\n\n"
        "=================================== FAILURES ===================================\n"
        f"_________________________________ test_{test} _________________________________\n\n"
        f"    def test_{test}():\n>       assert len(rows) == {expected}\nE       {message}\n\n"
        f"tests/test_{module}.py:{line}: AssertionError\n"
        "=========================== short test summary info ============================\n"
        f"FAILED tests/test_{module}.py::test_{test} - {message}\n"
        f"========================= 1 failed, {rng.randint(3, 60)} passed in 0.42s ==========\n"
    )


def _pytest_import(rng: random.Random) -> str:
    package, module = rng.choice(_PACKAGES), _name(rng, 1)
    return (
        "==================================== ERRORS ====================================\n"
        f"__________________ ERROR collecting tests/test_{module}.py ___________________\n"
        f"ImportError while importing test module '/workspace/tests/test_{module}.py'.\n"
        "Traceback:\n"
        f"tests/test_{module}.py:{rng.randint(1, 9)}: in <module>\n"
        f"    from {package}.{module} import {_name(rng)}\n"
        f"E   ModuleNotFoundError: No module named '{package}.{module}'\n"
        "=========================== short test summary info ============================\n"
        f"ERROR tests/test_{module}.py\n"
        "!!!!!!!!!!!!!!!!!!!! Interrupted: 1 error during collection !!!!!!!!!!!!!!!!!!!!\n"
    )


def _go_undefined(rng: random.Random) -> str:
    package, file = rng.choice(_PACKAGES), _name(rng)
    return (
        f"# example.com/service/{package}\n"
        f"./{file}.go:{rng.randint(5, 300)}:{rng.randint(2, 40)}: undefined: {_camel(rng)}\n"
        f"FAIL\texample.com/service/{package} [build failed]\n"
        "FAIL\n"
    )


def _jest_type_error(rng: random.Random) -> str:
    suite, case, prop = _camel(rng), _name(rng).replace("_", " "), _name(rng, 1)
    file = f"src/{_name(rng, 1)}/{_name(rng)}.test.js"
    return (
        f"FAIL {file}\n"
        f"  ● {suite} › {case}\n\n"
        f"    TypeError: Cannot read properties of undefined (reading '{prop}')\n\n"
        f"      at Object.<anonymous> ({file}:{rng.randint(3, 200)}:{rng.randint(2, 30)})\n\n"
        f"Tests:       1 failed, {rng.randint(2, 40)} passed, {rng.randint(3, 41)} total\n"
    )


def _cargo_unwrap(rng: random.Random) -> str:
    test, file = _name(rng), _name(rng, 1)
    return (
        f"running {rng.randint(3, 30)} tests\n"
        f"test tests::{test} ... FAILED\n\n"
        "failures:\n\n"
        f"---- tests::{test} stdout ----\n"
        f"thread 'tests::{test}' panicked at src/{file}.rs:{rng.randint(5, 500)}:"
        f"{rng.randint(5, 60)}:\n"
        "called `Option::unwrap()` on a `None` value\n"
        "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n\n"
        f"failures:\n    tests::{test}\n\n"
        "test result: FAILED. 2 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out\n"
    )


def _pytest_timeout(rng: random.Random) -> str:
    module, test = _name(rng, 1), _name(rng)
    seconds = rng.choice([30, 60, 120, 300])
    return (
        "=================================== FAILURES ===================================\n"
        f"_________________________________ test_{test} _________________________________\n"
        f"E       Failed: Timeout >{seconds}.0s\n\n"
        f"tests/test_{module}.py:{rng.randint(10, 300)}: Failed\n"
        "=========================== short test summary info ============================\n"
        f"FAILED tests/test_{module}.py::test_{test} - Failed: Timeout >{seconds}.0s\n"
    )


#: Agent-side failure modes a failed run's test output can show, by name.
FAILURE_MODES: dict[str, Callable[[random.Random], str]] = {
    "pytest_assertion": _pytest_assert,
    "missing_module": _pytest_import,
    "go_undefined": _go_undefined,
    "jest_undefined_property": _jest_type_error,
    "rust_unwrap_none": _cargo_unwrap,
    "test_timeout": _pytest_timeout,
}
