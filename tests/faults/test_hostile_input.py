"""Broken and hostile input: every loader answers with traces and clear problems, never a crash."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engram.datasets.synthetic import Scenario, generate
from engram.loaders import Problem, load_file
from engram.loaders.aggregated import UNEXPECTED, to_trace
from engram.loaders.fields import RecordError
from engram.loaders.records import Record
from engram.trace import Trace

RECORDS = generate(Scenario(runs=3, seed=4, random_tools=("TodoWrite",)))
SHAPES = {
    "array": json.dumps(RECORDS).encode(),
    "container": json.dumps({"job_dir": "jobs/j/1", "traces": RECORDS}, indent=1).encode(),
    "lines": b"".join(json.dumps(r).encode() + b"\n" for r in RECORDS),
}
HOSTILE_BYTES = [
    b"\x00",
    b"\xff",
    b"\xfe\xff",
    b"\xc3",
    b'"',
    b"{",
    b"]",
    b"\n",
    b"\\",
    b"\xe2\x80",
]
FUZZ = settings(max_examples=int(os.environ.get("ENGRAM_FUZZ_EXAMPLES", "150")), deadline=None, suppress_health_check=[HealthCheck.too_slow,
                HealthCheck.function_scoped_fixture])  # fmt: skip


def load(path: Path) -> list[Trace | Problem]:
    items = list(load_file(path))
    for item in items:
        assert isinstance(item, Trace | Problem)
        if isinstance(item, Problem):
            assert item.file == str(path)
            assert UNEXPECTED not in item.message, item.message
            assert item.message
    return items


@FUZZ
@given(
    shape=st.sampled_from(sorted(SHAPES)),
    cut=st.one_of(st.none(), st.floats(0, 1)),
    edits=st.lists(st.tuples(st.floats(0, 1), st.sampled_from(HOSTILE_BYTES)), max_size=6),
)
def test_truncated_and_corrupted_files_give_traces_and_problems(
    tmp_path: Path, shape: str, cut: float | None, edits: list[tuple[float, bytes]]
) -> None:
    data = bytearray(SHAPES[shape])
    for where, garbage in edits:
        position = int(where * (len(data) - 1))
        data[position : position + len(garbage)] = garbage
    if cut is not None:
        data = data[: int(cut * len(data))]
    path = tmp_path / f"fuzz.{'jsonl' if shape == 'lines' else 'json'}"
    path.write_bytes(bytes(data))
    items = load(path)
    assert sum(isinstance(i, Trace) for i in items) <= len(RECORDS)
    if not edits and cut is None:
        assert [i for i in items if isinstance(i, Problem)] == []


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=True)
    | st.text(max_size=30) | st.just("\x00\ud7ff\u202e") | st.just("x" * 5000),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)  # fmt: skip


@FUZZ
@given(
    field=st.sampled_from(sorted({k for r in RECORDS for k in r} | {"status", "error", "details"})),
    value=json_values,
)
def test_any_value_in_any_field_is_read_or_refused_with_a_reason(field: str, value: Any) -> None:
    record = {**RECORDS[0], field: value}
    try:
        trace = to_trace(Record("record 1", record, {}))
    except RecordError as exc:
        assert str(exc)
    else:
        assert trace.trace_id.startswith("t_")


event_values = st.fixed_dictionaries(
    {"type": st.sampled_from(["system", "assistant", "user", "result", "other"])},
    optional={"subtype": st.sampled_from(["init", "success", None]), "message": json_values,
              "tools": json_values, "mcp_servers": json_values, "usage": json_values,
              "permission_denials": json_values, "parent_tool_use_id": json_values},
)  # fmt: skip
blocks = st.fixed_dictionaries(
    {"type": st.sampled_from(["tool_use", "tool_result", "text"])},
    optional={"id": json_values, "name": json_values, "input": json_values,
              "tool_use_id": json_values, "content": json_values, "is_error": json_values},
)  # fmt: skip


@FUZZ
@given(
    events=st.lists(
        event_values
        | st.builds(lambda role, content: {"type": role, "message": {"content": content}},
                    st.sampled_from(["assistant", "user"]), st.lists(blocks, max_size=4)),
        max_size=8,
    )
)  # fmt: skip
def test_any_transcript_is_read_or_refused_with_a_reason(events: list[Any]) -> None:
    record = {**RECORDS[0], "transcript": events, "agent_response": events[-1] if events else {}}
    try:
        to_trace(Record("record 1", record, {}))
    except RecordError as exc:
        assert str(exc)


def run_child(code: str, *args: str) -> tuple[str, int]:
    """Run ``code`` in a fresh interpreter; its output and its peak memory in MB."""
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the (large) test process.
    wrapper = (
        code + "\nimport re\n"
        "status = open('/proc/self/status').read()\n"
        "print('PEAK', int(re.search(r'VmHWM:\\s+(\\d+)', status).group(1)) // 1024)"
    )
    done = subprocess.run([sys.executable, "-c", wrapper, *args], capture_output=True, text=True,
                          timeout=300, env={**os.environ})  # fmt: skip
    assert done.returncode == 0, done.stderr
    body, peak = done.stdout.rsplit("PEAK", 1)
    return body, int(peak)


LOAD_AND_REPORT = """
import sys
from engram.loaders import load_file, Problem
for item in load_file(__import__('pathlib').Path(sys.argv[1])):
    print(type(item).__name__, item.message if isinstance(item, Problem) else item.task.id)
"""


linux_only = pytest.mark.skipif(
    not Path("/proc/self/status").exists(), reason="reads peak memory from /proc"
)


@pytest.mark.slow
@linux_only
@pytest.mark.parametrize("depth", [2_000, 100_000])
@pytest.mark.parametrize("shape", ["array", "container", "lines"])
def test_very_deep_nesting_is_refused_without_exhausting_memory(
    tmp_path: Path, depth: int, shape: str
) -> None:
    deep = '{"task_id": "deep", "status": "pass", "x": ' + "[" * depth + "]" * depth + "}"
    good = json.dumps({"task_id": "fine", "status": "pass"})
    text = {"array": f"[{deep}, {good}]", "lines": f"{deep}\n{good}\n",
            "container": f'{{"traces": [{deep}, {good}]}}'}[shape]  # fmt: skip
    path = tmp_path / "deep.json"
    path.write_text(text)
    output, peak_mb = run_child(LOAD_AND_REPORT, str(path))
    lines = output.strip().splitlines()
    assert lines[-1] == "Trace fine"
    assert lines[0].startswith("Problem") and ("deep" in lines[0] or "depth" in lines[0])
    assert peak_mb < 400


@pytest.mark.slow
@linux_only
@pytest.mark.parametrize("shape", ["lines", "array"])
def test_a_500_mb_single_line_is_skipped_in_bounded_memory(tmp_path: Path, shape: str) -> None:
    path = tmp_path / "huge.json"
    good = json.dumps({"task_id": "fine", "status": "pass"}).encode()
    chunk = b"A" * (1 << 20)
    with open(path, "wb") as out:
        out.write(b'{"task_id": "huge", "test_output": "' if shape == "lines" else
                  b'[{"task_id": "huge", "test_output": "')  # fmt: skip
        for _ in range(500):
            out.write(chunk)
        out.write(b'"}\n' + good + b"\n" if shape == "lines" else b'"}, ' + good + b"]")
    output, peak_mb = run_child(LOAD_AND_REPORT, str(path))
    lines = output.strip().splitlines()
    assert "larger than 64 MB" in lines[0]
    if shape == "lines":
        assert lines[-1] == "Trace fine"
    assert peak_mb < 400


def test_learning_a_folder_of_broken_files_keeps_the_good_and_the_store_whole(
    tmp_path: Path,
) -> None:
    from typer.testing import CliRunner

    from engram.cli import app
    from engram.store import open_store
    from tests.faults.checks import assert_consistent

    folder = tmp_path / "runs"
    folder.mkdir()
    for index, (shape, data) in enumerate(sorted(SHAPES.items())):
        damaged = bytearray(data)
        damaged[len(damaged) // 2 : len(damaged) // 2 + 2] = b"\xff\x00"
        (folder / f"{shape}-{index}.json").write_bytes(bytes(damaged))
        (folder / f"{shape}-{index}-whole.json").write_bytes(data)
    (folder / "binary.json").write_bytes(bytes(range(256)) * 10)
    result = CliRunner().invoke(app, ["learn", str(folder), "--json"], catch_exceptions=False)
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert summary["skipped"] >= 4 and summary["traces_new"] == len(RECORDS)
    with open_store() as store:
        assert_consistent(store)
