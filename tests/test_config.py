"""Where the store is found, and the environment variables that move it."""

from __future__ import annotations

from pathlib import Path

import pytest

from engram.config import find_store_dir, resolve_database_url
from engram.errors import NoStoreError


def test_the_store_folder_is_found_above_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".engram").mkdir()
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    assert find_store_dir() == (tmp_path / ".engram").resolve()


def test_without_a_store_reading_fails_and_learning_creates_one_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ENGRAM_DIR")
    monkeypatch.delenv("ENGRAM_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    if find_store_dir() is not None:
        pytest.skip("a .engram folder exists above the temp folder")
    with pytest.raises(NoStoreError):
        resolve_database_url()
    url, location, created = resolve_database_url(create=True)
    assert created and (tmp_path / ".engram").is_dir()
    assert url == f"sqlite:///{tmp_path / '.engram' / 'engram.db'}" and location.endswith(
        "engram.db"
    )


def test_a_database_url_wins_and_its_password_is_not_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENGRAM_DATABASE_URL", "postgresql+psycopg://me:secret@db.example/engram")
    url, location, created = resolve_database_url()
    assert url.endswith("me:secret@db.example/engram") and not created
    assert "secret" not in location and location == "postgresql+psycopg://me@db.example/engram"


def test_progress_is_silent_when_stderr_is_not_a_terminal() -> None:
    from engram.learning.progress import Progress

    with Progress("learning") as progress:
        progress.set_total(10)
        progress.update(5, 1)
    assert not progress.enabled


def test_a_relative_engram_dir_is_taken_from_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ENGRAM_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ENGRAM_DIR", "elsewhere")
    url, location, created = resolve_database_url(create=True)
    assert created and url == f"sqlite:///{tmp_path / 'elsewhere' / 'engram.db'}"
    assert Path(location).is_absolute()
