"""``engram learn --archive``: a redacted copy of each input under
``.engram/history/runs/YYYY-MM-DD/``, so a team can learn from it again later.

JSON is copied as JSON (each document or line parsed, secrets taken out of its values, written
back); other text line by line; binary files not at all. A Harbor trial folder is copied
whole, file by file.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import orjson

from engram.loaders.records import MAX_RECORD_BYTES
from engram.parse.redact import redact, redact_data

HISTORY = Path("history") / "runs"
_TEXT_SUFFIXES = frozenset({".json", ".jsonl", ".ndjson", ".txt", ".log", ".diff", ".patch",
                            ".md", ".traj", ".stat", ".yaml", ".yml"})  # fmt: skip


def archive_dir(store_dir: Path, now: datetime | None = None) -> Path:
    return store_dir / HISTORY / (now or datetime.now(UTC)).strftime("%Y-%m-%d")


def archive(sources: list[Path], store_dir: Path) -> list[Path]:
    """Copy each source (file or trial folder) into today's archive; the copies made."""
    target = archive_dir(store_dir)
    target.mkdir(parents=True, exist_ok=True)
    copies = []
    for source in sources:
        destination = _free_name(target / source.name)
        if source.is_dir():
            for path in sorted(source.rglob("*")):
                if path.is_file():
                    _copy(path, destination / path.relative_to(source))
        else:
            _copy(source, destination)
        copies.append(destination)
    return copies


def _free_name(path: Path) -> Path:
    candidate, number = path, 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
    return candidate


def _copy(source: Path, destination: Path) -> None:
    if source.suffix.lower() not in _TEXT_SUFFIXES and source.suffix:
        return  # binaries and unknown files are not kept
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".part")
    with open(source, "rb") as reader, open(partial, "wb") as writer:
        head = reader.read(1)
        reader.seek(0)
        if (
            source.suffix.lower() == ".json"
            and head in (b"{", b"[")
            and (source.stat().st_size <= MAX_RECORD_BYTES)
        ):
            try:
                writer.write(orjson.dumps(redact_data(orjson.loads(reader.read()))))
                writer.write(b"\n")
            except orjson.JSONDecodeError:
                reader.seek(0)
                _copy_lines(reader, writer)
        else:
            _copy_lines(reader, writer)
    os.replace(partial, destination)  # never a half-written copy under the final name


def _copy_lines(reader: BinaryIO, writer: BinaryIO) -> None:
    for line in iter(lambda: reader.readline(MAX_RECORD_BYTES), b""):
        stripped = line.strip()
        if stripped.startswith((b"{", b"[")):
            try:
                writer.write(orjson.dumps(redact_data(orjson.loads(stripped))) + b"\n")
                continue
            except orjson.JSONDecodeError:
                pass
        writer.write(redact(line.decode("utf-8", errors="replace")).encode())
