"""A task of no known category gets the rules of the categories its instruction resembles."""

from __future__ import annotations

from pathlib import Path

import pytest

import engram
from engram.datasets.synthetic import DEEP_SEARCH, default_scenario, write_corpus
from engram.playbook.guidance import suggest
from engram.playbook.similar import similar_categories
from engram.store import open_store

NEW_TASK = """# Cross module bug fix in the payments service

The bug fix spans the ledger and the API modules: a cross module change.
"""


@pytest.fixture
def learned(tmp_path: Path) -> None:
    corpus = tmp_path / "traces.json"
    write_corpus(default_scenario(runs=600, seed=7), corpus)
    engram.learn([corpus])


def test_the_most_similar_tasks_name_the_category(learned: None) -> None:
    with open_store() as store:
        tasks = store.task_instructions()
        similar = similar_categories(tasks, NEW_TASK)
        assert similar[0][0] == "cross_module_bug_fix" and similar[0][1] > 0.5
        assert sum(w for _, w in similar) == pytest.approx(1.0)
        assert similar_categories(tasks, "zzz qqq") == []


def test_a_task_without_a_category_gets_the_similar_categorys_rules(learned: None) -> None:
    playbook = suggest(instruction=NEW_TASK)
    features = [r.feature for r in playbook.rules]
    assert f"tool:{DEEP_SEARCH}" in features  # the cross-module category's own rule
    assert "cmd:pytest" not in features[: features.index(f"tool:{DEEP_SEARCH}")]
    assert "from similar tasks in cross_module_bug_fix" in playbook.to_markdown()
    assert playbook.to_dict()["similar_categories"][0]["category"] == "cross_module_bug_fix"


def test_a_known_category_is_used_as_it_is(learned: None) -> None:
    playbook = suggest("feature_implementation", instruction=NEW_TASK)
    assert playbook.similar == []
    assert "cmd:pytest" in [r.feature for r in playbook.rules]


def test_inject_uses_the_instruction_when_it_names_no_category(learned: None) -> None:
    text = engram.inject(NEW_TASK)
    assert DEEP_SEARCH in text and "from similar tasks in cross_module_bug_fix" in text
