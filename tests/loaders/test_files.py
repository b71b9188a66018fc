"""Small files read with few system calls: what is there, and what is not a file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from engram.loaders.files import read_start


def test_reads_the_start_of_a_longer_file_and_all_of_a_shorter_one(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_bytes(b"0123456789")
    assert read_start(path, 4) == b"0123"
    assert read_start(path, 100) == b"0123456789"
    assert read_start(str(path), 10) == b"0123456789"


def test_an_empty_file_is_read_as_nothing_but_is_there(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert read_start(path, 100) == b""


def test_nothing_there_a_folder_and_a_path_through_a_file_give_none(tmp_path: Path) -> None:
    (tmp_path / "a-folder").mkdir()
    (tmp_path / "a-file").write_text("x")
    assert read_start(tmp_path / "missing.json", 100) is None
    assert read_start(tmp_path / "a-folder", 100) is None
    assert read_start(tmp_path / "a-file" / "inside.json", 100) is None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_is_not_waited_on(tmp_path: Path) -> None:
    pipe = tmp_path / "result.json"
    os.mkfifo(pipe)
    assert read_start(pipe, 100) is None  # returns at once: no writer is ever opened


def test_a_file_read_by_a_link_is_read(tmp_path: Path) -> None:
    (tmp_path / "real.txt").write_bytes(b"through a link")
    (tmp_path / "link.txt").symlink_to(tmp_path / "real.txt")
    assert read_start(tmp_path / "link.txt", 100) == b"through a link"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads every file")
def test_a_file_that_cannot_be_read_raises(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("x")
    path.chmod(0)
    with pytest.raises(PermissionError):
        read_start(path, 100)
