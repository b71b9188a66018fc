"""The loader contract: every registered loader reads its fixtures (written the way its tool
writes them) and survives hostile input: cut and corrupted files, wrong types, deep nesting,
NUL bytes and huge strings, never raising and naming the file (and record) of every skip."""

from __future__ import annotations

import json
import os
import random
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engram.loaders import Problem, Reading, expand_paths, read_path
from engram.loaders.aggregated import UNEXPECTED
from engram.loaders.detect import LOADERS
from engram.trace import Trace

FIXTURES = Path(__file__).parent / "fixtures"
UNITS = list(LOADERS.values())
FUZZ = settings(
    max_examples=int(os.environ.get("ENGRAM_FUZZ_EXAMPLES", "150")) // 5 or 1,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
DEEP = "\x00deep\x00"  # where the deep value goes
HOSTILE_BYTES = [b"\x00", b"\xff", b"\xc3", b'"', b"{", b"]", b"\n", b"\\", b"\xe2\x80", b"[["]
HOSTILE_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=True)
    | st.text(max_size=20) | st.just("\x00\x00\ud7ff\u202e") | st.just("x" * 300_000),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)  # fmt: skip


def unit_id(unit: ModuleType) -> str:
    return str(unit.NAME)


def fixture_of(unit: ModuleType) -> Path:
    return FIXTURES / unit.NAME


def read_all(folder: Path) -> list[Trace | Problem | Reading]:
    """Learn-style reading: every path found under ``folder``, each with its loader."""
    items: list[Trace | Problem | Reading] = []
    for found in expand_paths([folder]):
        if isinstance(found, Problem):
            items.append(found)
            continue
        items.extend(read_path(found))
    return items


def check_items(items: list[Trace | Problem | Reading], root: Path) -> None:
    """What every read gives, whatever the input: traces, readings and named problems."""
    for item in items:
        assert isinstance(item, Trace | Problem | Reading), item
        if isinstance(item, Problem):
            assert item.file and Path(item.file).is_relative_to(root), item
            assert item.message and UNEXPECTED not in item.message, item
            assert item.label is None or item.label.strip(), item
        elif isinstance(item, Trace):
            assert item.trace_id.startswith("t_") and item.source


def data_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in (
        ".json", ".jsonl", ".traj", ".txt") and p.stat().st_size)  # fmt: skip


@pytest.fixture(scope="module")
def copies() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="engram-conformance-") as root:
        yield Path(root)


def fresh_copy(unit: ModuleType, root: Path) -> Path:
    target = Path(tempfile.mkdtemp(dir=root))
    shutil.copytree(fixture_of(unit), target / unit.NAME)
    return target / unit.NAME


# ------------------------------------------------------------------ the registry and its fixtures


def test_every_registered_loader_has_fixtures_and_every_fixture_a_loader() -> None:
    assert sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()) == sorted(LOADERS)


def test_loader_names_are_unique_stable_words() -> None:
    names = [unit.NAME for unit in UNITS]
    assert len(names) == len(set(names)) and all(name.isidentifier() for name in names)


@pytest.mark.parametrize("unit", UNITS, ids=unit_id)
def test_a_loader_reads_its_fixtures_with_nothing_skipped(unit: ModuleType) -> None:
    items = read_all(fixture_of(unit))
    check_items(items, FIXTURES)
    readings = [i for i in items if isinstance(i, Reading)]
    assert readings and {r.format for r in readings} == {unit.NAME}
    assert [i for i in items if isinstance(i, Problem) and i.skipped] == []
    assert any(isinstance(i, Trace) for i in items)


@pytest.mark.parametrize("unit", UNITS, ids=unit_id)
def test_reading_a_fixture_twice_gives_the_same_traces(unit: ModuleType) -> None:
    first = [i.trace_id for i in read_all(fixture_of(unit)) if isinstance(i, Trace)]
    assert first == [i.trace_id for i in read_all(fixture_of(unit)) if isinstance(i, Trace)]


@pytest.mark.parametrize("unit", UNITS, ids=unit_id)
def test_every_file_of_a_fixture_is_read_as_its_format(unit: ModuleType, copies: Path) -> None:
    # Mixed into one folder with every other format's fixtures, each keeps its own loader.
    mixed = copies / "mixed"
    if not mixed.exists():
        shutil.copytree(FIXTURES, mixed)
    formats = {
        i.format
        for i in read_all(mixed)
        if isinstance(i, Reading) and Path(i.source).relative_to(mixed).parts[0] == unit.NAME
    }
    assert formats == {unit.NAME}


# ------------------------------------------------------------------ hostile input


@pytest.mark.parametrize("unit", UNITS, ids=unit_id)
@FUZZ
@given(
    pick=st.integers(0, 10_000),
    cut=st.one_of(st.none(), st.floats(0, 1)),
    edits=st.lists(st.tuples(st.floats(0, 1), st.sampled_from(HOSTILE_BYTES)), max_size=5),
)
def test_cut_and_corrupted_files_never_raise(
    unit: ModuleType, copies: Path, pick: int, cut: float | None, edits: list[tuple[float, bytes]]
) -> None:
    folder = fresh_copy(unit, copies)
    files = data_files(folder)
    path = files[pick % len(files)]
    data = bytearray(path.read_bytes())
    for where, garbage in edits:
        position = int(where * (len(data) - 1))
        data[position : position + len(garbage)] = garbage
    if cut is not None:
        data = data[: int(cut * len(data))]
    path.write_bytes(bytes(data))
    check_items(read_all(folder), folder)


@pytest.mark.parametrize("unit", UNITS, ids=unit_id)
@FUZZ
@given(pick=st.integers(0, 10_000), seed=st.integers(0, 2**32), value=HOSTILE_VALUES)
def test_any_value_anywhere_never_raises(
    unit: ModuleType, copies: Path, pick: int, seed: int, value: Any
) -> None:
    folder = fresh_copy(unit, copies)
    json_files = [p for p in data_files(folder) if parses(p)]
    path = json_files[pick % len(json_files)]
    rewrite(path, lambda record: replace_somewhere(record, value, random.Random(seed)))
    check_items(read_all(folder), folder)


@pytest.mark.parametrize("unit", UNITS, ids=unit_id)
@pytest.mark.parametrize("hostile", ["deep", "nul", "huge"])
def test_deep_nesting_nul_bytes_and_huge_strings_never_raise(
    unit: ModuleType, copies: Path, hostile: str
) -> None:
    folder = fresh_copy(unit, copies)
    rng = random.Random(7)
    for path in (p for p in data_files(folder) if parses(p)):
        if hostile == "deep":  # 3,000 levels, written as text (json.dumps would recurse)
            rewrite(path, lambda record: replace_somewhere(record, DEEP, rng))
            text = path.read_text().replace(json.dumps(DEEP), "[" * 3_000 + "0" + "]" * 3_000)
            path.write_text(text)
        else:
            budget = [4]  # huge strings: a few of 3 MB in each file
            rewrite(path, lambda record, b=budget: strings_to(record, hostile, b))
    items = read_all(folder)
    check_items(items, folder)
    if hostile != "deep":  # NUL bytes and long text are read, cleaned and capped
        assert any(isinstance(i, Trace) for i in items)


# ------------------------------------------------------------------ helpers


def parses(path: Path) -> bool:
    return records_of(path.read_text(errors="replace")) is not None


def records_of(text: str) -> tuple[str, list[Any]] | None:
    """("doc", [data]) for a JSON document, ("lines", rows) for JSON Lines, else None."""
    try:
        return "doc", [json.loads(text)]
    except ValueError:
        pass
    try:
        return "lines", [json.loads(line) for line in text.splitlines() if line.strip()]
    except ValueError:
        return None


def rewrite(path: Path, change: Any) -> None:
    shape, records = records_of(path.read_text()) or ("doc", [])
    changed = [change(record) for record in records]
    if shape == "doc":
        path.write_text(json.dumps(changed[0]))
    else:
        path.write_text("".join(json.dumps(record) + "\n" for record in changed))


def replace_somewhere(data: Any, value: Any, rng: random.Random) -> Any:
    """``data`` with one value (at a random depth and key) replaced by ``value``."""
    if not isinstance(data, dict | list) or not data or rng.random() < 0.2:
        return value
    if isinstance(data, dict):
        key = rng.choice(sorted(data))
        return {**data, key: replace_somewhere(data[key], value, rng)}
    index = rng.randrange(len(data))
    return [*data[:index], replace_somewhere(data[index], value, rng), *data[index + 1 :]]


def strings_to(data: Any, hostile: str, budget: list[int]) -> Any:
    """Every free text (not names, ids, kinds) with NUL bytes in it, or the first few grown by
    3 MB."""
    if isinstance(data, str) and " " in data:
        if hostile == "nul":
            return "\x00" + data + "\x00\x01"
        budget[0] -= 1
        return data + "x" * 3_000_000 if budget[0] >= 0 else data
    if isinstance(data, dict):
        return {key: strings_to(value, hostile, budget) for key, value in data.items()}
    if isinstance(data, list):
        return [strings_to(value, hostile, budget) for value in data]
    return data
