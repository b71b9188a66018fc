"""``engram suggest`` and ``engram inject``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engram.datasets.synthetic import DEEP_SEARCH
from engram.parse.marker import injected_rule_ids
from tests.cli.conftest import Invoke


def test_suggest_prints_the_guidance_block(invoke: Invoke, learned: Path) -> None:
    result = invoke("suggest", "--category", "cross_module_bug_fix")
    lines = result.stdout.splitlines()
    assert result.exit_code == 0
    assert lines[0].startswith("<!-- engram:begin rules=r_")
    assert lines[1] == "## Lessons from 150 earlier runs (cross_module_bug_fix)"
    assert any(line.startswith(f"- DO: Use {DEEP_SEARCH} (the deep_search tool") for line in lines)
    assert any(line.startswith("- AVOID: Do not keep retrying a failing Edit") for line in lines)
    assert lines[-1] == "<!-- engram:end -->"


def test_suggest_json_follows_the_contract(invoke: Invoke, learned: Path) -> None:
    data = json.loads(
        invoke("suggest", "--category", "cross_module_bug_fix", "--format", "json").stdout
    )
    assert data["category"] == "cross_module_bug_fix" and data["traces"] == 150
    kinds = {(r["kind"], r["features"][0], json.dumps(r["scope"])) for r in data["rules"]}
    assert ("do", f"tool:{DEEP_SEARCH}", '{"category": "cross_module_bug_fix"}') in kinds
    assert ("avoid", "tool_error_loop:Edit", "{}") in kinds
    for rule in data["rules"]:
        assert set(rule) >= {"id", "kind", "scope", "features", "text", "evidence", "score"}
        assert set(rule["evidence"]) >= {
            "n_with",
            "pass_with",
            "n_without",
            "pass_without",
            "difference",
            "ci_low",
            "ci_high",
            "p_value",
            "q_value",
        }
    scores = [r["score"] for r in data["rules"]]
    assert scores == sorted(scores, reverse=True)


def test_suggest_without_a_store_says_how_to_make_one(invoke: Invoke, sqlite_only: None) -> None:
    result = invoke("suggest")
    assert result.exit_code == 1
    assert "no engram store" in result.stderr and "engram learn" in result.stderr


def test_inject_writes_the_block_once_into_the_file(
    invoke: Invoke, learned: Path, tmp_path: Path
) -> None:
    instruction = tmp_path / "instruction.md"
    original = "# Fix the race\n\nCategory: cross_module_bug_fix\n\nMake it thread-safe.\n"
    instruction.write_text(original)
    assert invoke("inject", str(instruction)).exit_code == 0
    once = instruction.read_text()
    assert once.startswith(original)
    ids = injected_rule_ids(once)
    assert len(ids) == 6  # two behaviours of the category or all runs, four recurring failures
    invoke("inject", str(instruction))
    assert instruction.read_text() == once


def test_inject_to_stdout_leaves_the_file_alone(
    invoke: Invoke, learned: Path, tmp_path: Path
) -> None:
    instruction = tmp_path / "instruction.md"
    instruction.write_text("Category: feature_implementation\n")
    result = invoke("inject", str(instruction), "-o", "-")
    assert "Run `pytest` before finishing" in result.stdout
    assert instruction.read_text() == "Category: feature_implementation\n"


def test_inject_category_option_overrides_the_file(
    invoke: Invoke, learned: Path, tmp_path: Path
) -> None:
    instruction = tmp_path / "instruction.md"
    instruction.write_text("Category: feature_implementation\n")
    result = invoke("inject", str(instruction), "-o", "-", "--category", "cross_module_bug_fix")
    assert DEEP_SEARCH in result.stdout and "pytest" not in result.stdout


def test_inject_a_missing_file_is_an_error(invoke: Invoke, learned: Path, tmp_path: Path) -> None:
    result = invoke("inject", str(tmp_path / "missing.md"))
    assert result.exit_code == 1 and "cannot read" in result.stderr


def test_inject_section_keeps_a_managed_section_in_claude_md(
    invoke: Invoke, learned: Path, tmp_path: Path
) -> None:
    memory = tmp_path / "CLAUDE.md"
    memory.write_text("# Project\n\nUse tabs.\n")
    assert invoke("inject", str(memory), "--section").exit_code == 0
    once = memory.read_text()
    assert once.startswith("# Project\n\nUse tabs.\n\n<!-- engram:begin rules=")
    assert "## Lessons from 600 earlier runs" in once  # all runs: no category given
    assert invoke("inject", str(memory), "--section", "--category", "refactoring").exit_code == 0
    again = memory.read_text()
    assert again.count("<!-- engram:begin") == 1 and "(refactoring)" in again


def test_inject_section_takes_over_the_seeds_learned_patterns_section(
    invoke: Invoke, learned: Path, tmp_path: Path
) -> None:
    agents = tmp_path / "AGENTS.md"
    old = ("# Agents\n\n<!-- BEGIN: LEARNED_PATTERNS -->\n- use deep search\n"
           "<!-- END: LEARNED_PATTERNS -->\n\n## Style\nBe brief.\n")  # fmt: skip
    agents.write_text(old)
    assert invoke("inject", str(agents), "--section").exit_code == 0
    text = agents.read_text()
    assert "use deep search" not in text
    assert text.startswith("# Agents\n\n<!-- BEGIN: LEARNED_PATTERNS -->\n<!-- engram:begin")
    assert text.endswith(
        "<!-- engram:end -->\n<!-- END: LEARNED_PATTERNS -->\n\n## Style\nBe brief.\n"
    )
    assert invoke("inject", str(agents), "--section").exit_code == 0
    assert agents.read_text() == text  # the second inject replaces engram's own block


def test_inject_section_creates_the_file(invoke: Invoke, learned: Path, tmp_path: Path) -> None:
    memory = tmp_path / "new" / "CLAUDE.md"
    memory.parent.mkdir()
    assert invoke("inject", str(memory), "--section").exit_code == 0
    assert memory.read_text().startswith("<!-- engram:begin rules=")


def test_a_relative_engram_dir_serves_suggest_and_inject(
    invoke: Invoke, sample_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    sqlite_only: None,
) -> None:
    monkeypatch.setenv("ENGRAM_DIR", "elsewhere")
    assert invoke("learn", str(sample_corpus), "-q").exit_code == 0
    assert (tmp_path / "elsewhere" / "engram.db").is_file()
    result = invoke("suggest", "--category", "cross_module_bug_fix")
    assert result.exit_code == 0 and "<!-- engram:begin rules=r_" in result.stdout
    instruction = tmp_path / "task.md"
    instruction.write_text("Category: cross_module_bug_fix\n\nFix it.\n")
    assert "<!-- engram:end -->" in invoke("inject", str(instruction), "-o", "-").stdout


def test_inject_keeps_a_crlf_files_line_endings(
    invoke: Invoke, learned: Path, tmp_path: Path
) -> None:
    instruction = tmp_path / "task.md"
    instruction.write_bytes(b"# Fix\r\n\r\nCategory: cross_module_bug_fix\r\n\r\nDo it.\r\n")
    assert invoke("inject", str(instruction)).exit_code == 0
    written = instruction.read_bytes()
    assert b"<!-- engram:end -->\r\n" in written
    assert written.count(b"\n") == written.count(b"\r\n")


def test_a_budget_too_small_for_any_rule_says_so(invoke: Invoke, learned: Path) -> None:
    result = invoke("suggest", "--category", "cross_module_bug_fix", "--max-tokens", "50")
    assert "No lesson has enough evidence" not in result.stdout
    assert "No lesson fits in this block's token budget." in result.stdout
    assert "rules left out by the token budget (50); raise --max-tokens" in result.stderr
