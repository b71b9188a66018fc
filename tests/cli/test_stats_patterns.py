"""``engram stats`` and ``engram patterns``."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Invoke


def test_stats_counts_runs_and_errors(invoke: Invoke, learned: Path) -> None:
    records = json.loads(learned.read_text())["traces"]
    data = json.loads(invoke("stats", "--format", "json").stdout)
    assert data["runs"] == len(records)
    assert data["valid"] == sum(r["status"] != "error" for r in records)
    assert data["passed"] == sum(r["status"] == "pass" for r in records)
    assert set(data["by_category"]) == {"cross_module_bug_fix", "feature_implementation",
                                        "refactoring", "test_writing"}  # fmt: skip
    assert set(data["errors_by_class"]) <= {"infrastructure", "model_provider"}
    text = invoke("stats").stdout
    assert "errors (left out of success statistics):" in text and "infrastructure" in text


def test_patterns_list_and_show(invoke: Invoke, learned: Path) -> None:
    rules = json.loads(invoke("patterns", "list", "--format", "json").stdout)
    behaviours = [r for r in rules if not r["features"][0].startswith("failure:")]
    assert len(behaviours) == 3 and len(rules) == 7
    first = rules[0]
    shown = invoke("patterns", "show", first["id"][:7])
    assert shown.exit_code == 0
    assert first["text"] in shown.stdout and "Fisher exact" in shown.stdout
    detail = json.loads(invoke("patterns", "show", first["id"], "--format", "json").stdout)
    assert detail["evidence"] == first["evidence"]
    examples = detail["runs"]["examples"]
    assert examples and all(run["trace_id"].startswith("t_") for run in examples)


def test_a_failure_rule_shows_its_share_and_its_runs(invoke: Invoke, learned: Path) -> None:
    rules = json.loads(invoke("patterns", "list", "--format", "json").stdout)
    (imports,) = [r for r in rules if r["features"][0].startswith("failure:import:")]
    assert imports["kind"] == "avoid"
    assert imports["templates"] == ["ModuleNotFoundError: No module named <STR>"]
    assert "No module named …" in imports["text"] and "<STR>" not in imports["text"]
    evidence = imports["evidence"]
    assert evidence["pass_with"] == 0
    assert evidence["difference"] == round(
        evidence["n_with"] / (evidence["n_with"] + evidence["n_without"]), 4
    )
    shown = invoke("patterns", "show", imports["id"])
    assert "binomial, share > 5%" in shown.stdout
    detail = json.loads(invoke("patterns", "show", imports["id"], "--format", "json").stdout)
    assert detail["runs"]["examples"]
    assert {run["status"] for run in detail["runs"]["examples"]} <= {"fail", "partial"}


def test_patterns_list_filters_by_category(invoke: Invoke, learned: Path) -> None:
    rules = json.loads(invoke("patterns", "list", "--category", "feature_implementation",
                              "--format", "json").stdout)  # fmt: skip
    assert [r["features"] for r in rules] == [["cmd:pytest"]]


def test_patterns_show_an_unknown_rule(invoke: Invoke, learned: Path) -> None:
    result = invoke("patterns", "show", "r_doesnotexist")
    assert result.exit_code == 1 and "engram patterns list" in result.stderr


def test_patterns_list_refuses_an_unknown_status(invoke: Invoke, learned: Path) -> None:
    assert invoke("patterns", "list", "--status", "sleeping").exit_code == 2


def test_unmeasured_runs_are_counted_apart_and_never_failures(
    invoke: Invoke, tmp_path: Path
) -> None:
    from tests.loaders.builders import stream_events, write_lines

    measured = [
        {"task_id": f"t-{i}", "task_instruction": "Category: docs", "status": status,
         "agent_config": {"agent": "claude-code"}}
        for i, status in enumerate(["pass", "fail", "pass"])
    ]  # fmt: skip
    runs = tmp_path / "runs.json"
    runs.write_text(json.dumps(measured))
    stream = write_lines(tmp_path / "stream.jsonl", stream_events())  # success, no verifier
    assert invoke("learn", str(runs), str(stream), "-q").exit_code == 0
    data = json.loads(invoke("stats", "--format", "json").stdout)
    assert (data["runs"], data["valid"], data["passed"]) == (4, 3, 2)
    assert (data["unmeasured"], data["errors"]) == (1, 0)
    assert "unmeasured: 1" in invoke("stats").stdout
    modes = json.loads(invoke("failures", "--format", "json").stdout)
    assert (modes["runs"], modes["failed"], modes["unmeasured"]) == (3, 1, 1)
    assert sum(c["runs"] for c in modes["clusters"]) == 1


def test_version_and_experiments_say_what_they_should(invoke: Invoke, learned: Path) -> None:
    from importlib.metadata import version

    from engram import __version__

    assert version("engram") == __version__  # written once: the package's metadata reads it
    assert invoke("--version").stdout == f"engram {__version__}\n"
    result = invoke("experiments")
    assert result.exit_code == 0 and "no rule is under a holdout yet" in result.stdout
    assert invoke("experiments", "--format", "json").stdout.strip() == "[]"
