"""``engram export`` and ``engram import`` on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import engram
from engram.playbook import curation
from engram.store import open_store
from tests.conftest import on_postgres
from tests.exchange.conftest import ACE_FIXTURE, Invoke


def test_export_in_each_format_and_import_back(
    invoke: Invoke, sample_corpus: Path, tmp_path: Path
) -> None:
    engram.learn([sample_corpus])
    with open_store() as store:
        curation.add(store, "Ask before deleting files.", kind="avoid")
    markdown = invoke("export")
    assert markdown.exit_code == 0 and markdown.stdout.startswith("# engram playbook")
    book = json.loads(invoke("export", "--format", "ace").stdout)
    assert book["schema_version"] == "2" and len(book["skills"]) == 8

    written = invoke("export", "--format", "json", "-o", str(tmp_path / "out" / "rules.json"))
    assert written.exit_code == 0 and "(8 rules)" in written.stderr and not written.stdout
    skill = invoke("export", "--format", "skill")
    assert skill.exit_code == 0 and Path("engram-playbook/SKILL.md").is_file()
    assert "engram-playbook/SKILL.md (8 rules)" in skill.stderr.replace("\\", "/")

    again = invoke("import", str(tmp_path / "out" / "rules.json"))
    assert again.exit_code == 0
    assert "(engram JSON): 0 added, 8 skipped (already in the store)" in again.stderr
    ace = invoke("import", str(ACE_FIXTURE), "--format", "json")
    assert ace.exit_code == 0
    assert json.loads(ace.stdout) == {"source": "ACE skillbook", "added": 4, "skipped": 0,
                                      "invalid": 0, "shortened": 0}  # fmt: skip


def test_import_makes_a_store_and_errors_are_one_line(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("import", str(ACE_FIXTURE))
    assert result.exit_code == 0
    assert "4 added, 0 skipped" in result.stderr
    assert on_postgres() or "created a new store" in result.stderr
    skill = tmp_path / "engram-playbook"
    assert invoke("export", "--format", "skill", "-o", str(skill)).exit_code == 0
    refused = invoke("import", str(skill))
    assert refused.exit_code == 1
    assert "is a skill" in refused.stderr and "hint: import takes" in refused.stderr
    bad_name = invoke("export", "--format", "skill", "-o", str(tmp_path / "My Skill"))
    assert bad_name.exit_code == 1 and "cannot name a skill" in bad_name.stderr


@pytest.mark.usefixtures("sqlite_only")
def test_export_without_a_store_says_how_to_make_one(invoke: Invoke) -> None:
    result = invoke("export", "--format", "json")
    assert result.exit_code == 1 and "hint: Run `engram learn TRACES` first" in result.stderr


def test_export_parquet_writes_the_stores_tables(invoke: Invoke, tmp_path: Path) -> None:
    import pandas as pd

    from engram.datasets.synthetic import default_scenario, write_corpus
    from engram.store import open_store

    corpus = tmp_path / "traces.json"
    write_corpus(default_scenario(runs=200, seed=4), corpus)
    assert invoke("learn", str(corpus), "-q").exit_code == 0
    result = invoke("export", "--format", "parquet", "-o", str(tmp_path / "tables"))
    assert result.exit_code == 0, result.stderr
    runs = pd.read_parquet(tmp_path / "tables" / "runs.parquet")
    features = pd.read_parquet(tmp_path / "tables" / "features.parquet")
    rules = pd.read_parquet(tmp_path / "tables" / "rules.parquet")
    with open_store() as store:
        assert len(runs) == store.count_traces() == 200
        assert set(rules["rule_id"]) == {r.id for r in store.rules(("active", "pinned", "retired"))}
        rule = store.rules()[0]
    assert set(features["trace_id"]) <= set(runs["trace_id"]) and len(features) > len(runs)
    row = rules.set_index("rule_id").loc[rule.id]
    assert (row["n_with"], row["pass_with"]) == (rule.evidence.n_with, rule.evidence.pass_with)
    assert invoke("export", "--format", "parquet", "-o", "-").exit_code == 2  # a folder
