"""Small files read with few system calls: what is there, and what is not a file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from engram.loaders import files
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


def _counting_opens(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    opened: list[str] = []
    real_open = os.open
    monkeypatch.setattr(files.os, "open", lambda path, *a: opened.append(path) or real_open(path, *a))
    return opened


def test_a_file_read_again_unchanged_is_not_opened_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "session.jsonl"
    path.write_bytes(b'{"type": "user"}\n')
    opened = _counting_opens(monkeypatch)
    assert read_start(path, 64) == b'{"type": "user"}\n'  # its start, to pick the format
    assert read_start(path, 1 << 20) == b'{"type": "user"}\n'  # then the whole, by its loader
    assert opened == [str(path)]
    assert read_start(path, 1 << 20) == b'{"type": "user"}\n'  # kept for one read only
    assert opened == [str(path)] * 2


def test_a_file_changed_between_reads_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_bytes(b"{}")
    assert read_start(path, 100) == b"{}"
    path.write_bytes(b"[1]")  # another size
    assert read_start(path, 100) == b"[1]"
    path.write_bytes(b"[2]")  # the same size and file, written again: its time tells
    os.utime(path, ns=(1, 1))
    assert read_start(path, 100) == b"[2]"
    replacement = tmp_path / "new.json"
    replacement.write_bytes(b"[3]")
    os.utime(replacement, ns=(1, 1))
    replacement.replace(path)  # the same size and time, another file
    assert read_start(path, 100) == b"[3]"
    path.unlink()
    assert read_start(path, 100) is None


def test_only_the_last_file_is_kept_and_only_a_whole_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    first.write_bytes(b"0123456789")
    second.write_bytes(b"x")
    opened = _counting_opens(monkeypatch)
    read_start(first, 100)
    read_start(second, 100)
    assert read_start(first, 100) == b"0123456789"  # not the last one read: opened again
    assert opened == [str(first), str(second), str(first)]
    assert read_start(first, 4) == b"0123"  # kept: its start, without opening it
    assert opened == [str(first), str(second), str(first)]
    assert read_start(first, 4) == b"0123"  # opened, and only its start read: nothing kept
    assert read_start(first, 100) == b"0123456789"
    assert opened == [str(first), str(second), str(first), str(first), str(first)]
