"""Execution records, in both spellings."""

from __future__ import annotations

import json
from pathlib import Path

from tests.loaders.builders import write_lines
from tests.loaders.reading import features, read


def test_execution_records_in_both_spellings(tmp_path: Path) -> None:
    errors = [{"tool": "ruff", "severity": "error", "message": "F401 unused import", "file": "a.py",
               "line": 3, "column": 1}]  # fmt: skip
    rows = [
        {"trace_id": "tr-1", "timestamp": "2026-01-01", "bead_id": "bd-7",
         "task_description": "Category: lint\nClean up imports",
         "execution_results": [{"runner": "ruff", "command": "ruff check .", "status": "fail",
                                "errors": errors},
                               {"runner": "pytest", "command": "python -m pytest", "status": "pass",
                                "errors": []}],
         "discovered_issues": [], "outcome": "failure"},
    ]  # fmt: skip
    (row,), problems = read(write_lines(tmp_path / "executions.jsonl", rows))
    assert problems == []
    assert [(s.input, s.is_error) for s in row.steps] == [("ruff check .", True),
                                                         ("python -m pytest", False)]  # fmt: skip
    assert "F401 unused import" in row.steps[0].output
    assert (row.outcome.status, row.task.id, row.task.category) == ("fail", "bd-7", "lint")
    assert {"cmd:ruff", "cmd:pytest"} <= features(row)
    assert [(f.source, f.kind, f.message) for f in row.failures] == [
        ("tool", "lint", "ruff: F401 unused import")
    ]
    capture = {"beadId": "bd-8", "taskDescription": "Add tests", "outcome": "success",
               "executions": [{"runner": "go", "command": "go test ./...", "status": "pass"}],
               "discoveredIssues": []}  # fmt: skip
    path = tmp_path / "capture.json"
    path.write_text(json.dumps(capture, indent=2))
    (single,), _ = read(path)
    assert (single.outcome.status, single.task.id) == ("pass", "bd-8")
