"""``engram learn``: a summary on stderr, exit 1 when anything was skipped."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Invoke


def test_learn_reports_what_it_read_and_learned(invoke: Invoke, sample_corpus: Path) -> None:
    result = invoke("learn", str(sample_corpus))
    assert result.exit_code == 0
    assert "600 traces: 600 new, 0 already known, 0 skipped" in result.stderr
    # three behaviours planted, and four of the six planted failure modes recur significantly
    assert "rules: 7 added, 0 updated, 0 retired; 7 active" in result.stderr
    again = invoke("learn", str(sample_corpus))
    assert "0 new, 600 already known" in again.stderr
    assert "rules: 0 added, 0 updated, 0 retired; 7 active" in again.stderr


def test_learn_prints_its_summary_as_json(invoke: Invoke, sample_corpus: Path) -> None:
    summary = json.loads(invoke("learn", str(sample_corpus), "--json").stdout)
    assert (summary["traces_read"], summary["traces_new"], summary["skipped"]) == (600, 600, 0)
    assert summary["rules_added"] == summary["rules_active"] == 7


def test_bad_records_are_named_skipped_and_the_rest_learned(invoke: Invoke, tmp_path: Path) -> None:
    good = {"task_id": "t-1", "task_instruction": "Category: docs", "status": "pass"}
    lines = [
        json.dumps(good),
        "{not json",
        json.dumps([1, 2]),
        json.dumps({**good, "task_id": "t-2"}),
    ]
    path = tmp_path / "runs.jsonl"
    path.write_text("\n".join(lines) + "\n")
    result = invoke("learn", str(path), "--json")
    assert result.exit_code == 1
    assert f"skipped {path}: line 2: invalid JSON" in result.stderr
    assert f"skipped {path}: line 3: expected a trace object, got a list" in result.stderr
    summary = json.loads(result.stdout)
    assert (summary["traces_new"], summary["skipped"]) == (2, 2)


def test_strict_stops_at_the_first_problem(invoke: Invoke, tmp_path: Path) -> None:
    good = {"task_id": "t-1", "task_instruction": "Category: docs", "status": "pass"}
    path = tmp_path / "runs.jsonl"
    path.write_text("\n".join([json.dumps(good), "{oops", json.dumps({**good, "task_id": "t-2"})]))
    result = invoke("learn", str(path), "--strict", "--json")
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert summary["stopped_early"] and summary["traces_read"] == 1 and summary["skipped"] == 1


def test_a_missing_file_is_reported_and_exits_1(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("learn", str(tmp_path / "nope.json"))
    assert result.exit_code == 1
    assert "nope.json: no such file or folder" in result.stderr


def test_an_unknown_scope_is_bad_usage(invoke: Invoke, sample_corpus: Path) -> None:
    assert invoke("learn", str(sample_corpus), "--by", "planet").exit_code == 2


def test_an_unknown_input_format_is_refused_before_anything_is_read(
    invoke: Invoke, sample_corpus: Path
) -> None:
    result = invoke("learn", str(sample_corpus), "--format", "nonsense")
    assert result.exit_code == 2  # bad usage, as every value outside a choice
    assert "'nonsense' is not one of" in result.stderr and "aggregated" in result.stderr
    assert not (Path.cwd() / ".engram").exists()


def test_a_file_with_a_byte_order_mark_is_read(invoke: Invoke, tmp_path: Path) -> None:
    good = {"task_id": "t-1", "task_instruction": "Category: docs", "status": "pass"}
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps([good]).encode())
    summary = json.loads(invoke("learn", str(path), "--json").stdout)
    assert (summary["traces_new"], summary["skipped"]) == (1, 0)


def test_scopes_asked_for_add_to_the_category_rules(invoke: Invoke, sample_corpus: Path) -> None:
    summary = json.loads(
        invoke("learn", str(sample_corpus), "--by", "agent", "--by", "model", "--json").stdout
    )
    assert summary["rules_active"] >= 3
    listed = json.loads(invoke("patterns", "list", "--format", "json").stdout)
    features = {(r["scope"].get("category"), r["features"][0]) for r in listed}
    assert ("feature_implementation", "cmd:pytest") in features
    assert ("cross_module_bug_fix", "tool:mcp__sourcegraph__deep_search") in features


def test_the_task_key_is_remembered_and_changing_it_re_mines(
    invoke: Invoke, tmp_path: Path
) -> None:
    from tests.cli.test_failures_compare import renamed_runs

    base, mcp = renamed_runs(tmp_path)
    assert invoke("learn", str(base), str(mcp), "-q").exit_code == 0
    stats = json.loads(invoke("stats", "--format", "json").stdout)
    assert stats["task_key"]["tasks"] == 60  # each side's names are tasks of their own
    key = r"^(?:mcp_)?(.+?)(?:_[0-9a-f]{8})?$"
    base.unlink()  # re-keying reads no file again
    mcp.unlink()
    result = invoke("learn", "--task-key", key, "--json")
    assert result.exit_code == 0, result.stderr
    stats = json.loads(invoke("stats", "--format", "json").stdout)
    assert (stats["task_key"]["tasks"], stats["task_key"]["pattern"]) == (30, key)
    assert f"keyed by --task-key {key}" in invoke("stats").stdout
    compared = json.loads(invoke("compare", "--baseline", "agent=ClaudeCode", "--treatment",
                                 "agent=ClaudeCodeMCP", "--format", "json").stdout)  # fmt: skip
    assert compared["paired"]["tasks"] == 30  # compare uses the store's key


def test_learn_needs_paths_unless_it_re_keys(invoke: Invoke) -> None:
    assert invoke("learn").exit_code == 2


FIXTURES = Path(__file__).parent.parent / "loaders" / "fixtures"


def test_empty_sessions_are_counted_apart_and_learn_exits_0(invoke: Invoke) -> None:
    result = invoke("learn", str(FIXTURES / "claude_code"))
    assert result.exit_code == 0, result.stderr
    assert "2 traces: 2 new, 0 already known, 0 skipped, 1 empty" in result.stderr
    assert "by format: claude_code: 3 files, 2 traces, 1 empty" in result.stderr
    assert "skipped" not in result.stderr.replace("0 skipped", "")


def test_a_flood_of_skips_in_one_file_is_cut_short_and_counted(
    invoke: Invoke, tmp_path: Path
) -> None:
    path = tmp_path / "runs.jsonl"
    path.write_text(json.dumps({"task_id": "t-1", "status": "pass"}) + "\n" + "{no\n" * 40)
    result = invoke("learn", str(path), "--json")
    assert result.exit_code == 1
    shown = [line for line in result.stderr.splitlines() if line.startswith("skipped ")]
    assert len(shown) == 5 and f"… and 35 more in {path}" in result.stderr
    assert json.loads(result.stdout)["skipped"] == 40
