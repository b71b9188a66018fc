"""``engram capture``: an interactive session's outcome, told or from a check, counted in the
sufficient statistics exactly as a measured run would be."""

from __future__ import annotations

import sys
from pathlib import Path

import engram
from engram.store import open_store
from tests.cli.conftest import Invoke
from tests.faults.checks import assert_consistent

SESSION = (Path(__file__).parents[1] / "loaders" / "fixtures" / "claude_code"
           / "3f6c1d2a-5b4e-4c8d-9a71-0e2f4b6d8c10.jsonl")  # fmt: skip
OTHER_ID = "9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a5b4"


def two_sessions(tmp_path: Path) -> tuple[Path, Path]:
    """The fixture's session, and the same conversation under another session's id."""
    other = tmp_path / f"{OTHER_ID}.jsonl"
    other.write_text(SESSION.read_text().replace(SESSION.stem, OTHER_ID))
    engram.learn([SESSION, other])
    return SESSION, other


def test_a_told_outcome_makes_the_newest_session_count(invoke: Invoke, tmp_path: Path) -> None:
    two_sessions(tmp_path)
    with open_store() as store:
        assert store.stats()["unmeasured"] == 2 and store.stats()["valid"] == 0
    result = invoke("capture", "--outcome", "pass")
    assert result.exit_code == 0, result.stderr
    assert ": pass; rules mined again" in result.stderr
    with open_store() as store:
        stats = store.stats()
        assert (stats["unmeasured"], stats["valid"], stats["passed"]) == (1, 1, 1)
        assert_consistent(store)  # counted into every sufficient statistic, exactly once


def test_a_check_command_decides_and_a_session_is_named(invoke: Invoke, tmp_path: Path) -> None:
    session = two_sessions(tmp_path)[0].stem
    failing = [sys.executable, "-c", "raise SystemExit(3)"]
    result = invoke("capture", "--session", session, "--", *failing)
    assert result.exit_code == 0, result.stderr
    assert f"session {session}: fail (the check exited 3)" in result.stderr
    with open_store() as store:
        assert store.stats()["valid"] == 1 and store.stats()["passed"] == 0
        assert_consistent(store)
    again = invoke("capture", "--session", session, "--outcome", "pass")
    assert again.exit_code == 1 and "already has an outcome: fail" in again.stderr


def test_nothing_to_capture_says_what_to_do(invoke: Invoke) -> None:
    engram.learn([SESSION])
    assert invoke("capture", "--outcome", "pass").exit_code == 0
    result = invoke("capture", "--outcome", "fail")
    assert result.exit_code == 1 and "no unmeasured run" in result.stderr
    assert invoke("capture", "--outcome", "maybe").exit_code == 2
    assert invoke("capture").exit_code == 1  # neither an outcome nor a check
