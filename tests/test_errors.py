from __future__ import annotations

from pathlib import Path

import pytest

from engram.errors import EngramError, os_errors, os_reason


def test_an_os_error_in_the_block_becomes_an_engram_error_naming_the_action_and_path(
    tmp_path: Path,
) -> None:
    missing = tmp_path / "no" / "such.txt"
    with pytest.raises(EngramError) as caught, os_errors("read", missing, hint="check the path"):
        missing.read_text()
    assert str(caught.value) == f"cannot read {missing}: No such file or directory"
    assert caught.value.hint == "check the path"
    assert isinstance(caught.value.__cause__, FileNotFoundError)


def test_other_errors_pass_through_unchanged() -> None:
    with pytest.raises(ValueError, match="not an OS error"), os_errors("write", "x"):
        raise ValueError("not an OS error")


def test_the_reason_is_the_system_words_or_the_exception_text() -> None:
    assert os_reason(PermissionError(13, "Permission denied")) == "Permission denied"
    assert os_reason(OSError("disk on fire")) == "disk on fire"
    assert os_reason(UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")).startswith(
        "'utf-8' codec can't decode"
    )
