"""People curate the playbook, and later learns keep what they did; every change is a version."""

from __future__ import annotations

from pathlib import Path

import pytest

import engram
from engram.datasets.synthetic import default_scenario, write_corpus
from engram.errors import EngramError
from engram.playbook import curation, versions
from engram.store import open_store
from tests.conftest import Restore


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("curation") / "traces.json"
    write_corpus(default_scenario(runs=600, seed=7), path)
    return path


@pytest.fixture
def learned(restore: Restore, corpus: Path) -> Path:
    restore("curation-sample", lambda: engram.learn([corpus]))
    return corpus


def behaviour_rules() -> list[engram.Rule]:
    with open_store() as store:
        return [r for r in store.rules() if not r.is_failure]


def test_a_later_learn_keeps_a_persons_pin_retire_and_edit(learned: Path, tmp_path: Path) -> None:
    first, second, third = behaviour_rules()[:3]
    with open_store() as store:
        curation.pin(store, first.id)
        curation.retire(store, second.id, "we do not use this tool any more")
        curation.edit(store, third.id, "  Use the   deep search tool first. ")
    more = tmp_path / "more.json"
    write_corpus(default_scenario(runs=300, seed=8), more)
    engram.learn([more])
    with open_store() as store:
        pinned, retired, edited = (store.rule(r.id) for r in (first, second, third))
    assert (pinned.status, pinned.status_by) == ("pinned", "human")
    assert (retired.status, retired.status_reason) == (
        "retired",
        "we do not use this tool any more",
    )
    assert edited.text == "Use the deep search tool first." and edited.text_by == "human"
    assert edited.evidence.n_with + edited.evidence.n_without > third.evidence.runs  # re-mined


def test_restore_hands_a_rule_back_to_the_evidence(learned: Path) -> None:
    rule = behaviour_rules()[0]
    with open_store() as store:
        curation.retire(store, rule.id)
        restored = curation.restore(store, rule.id)
    assert (restored.status, restored.status_by) == ("active", "engram")


def test_a_persons_rule_is_kept_and_comes_first(learned: Path) -> None:
    with open_store() as store:
        added = curation.add(store, "Ask before deleting files.", kind="avoid",
                             category="refactoring")  # fmt: skip
        with pytest.raises(EngramError):
            curation.add(store, "Ask before deleting files.", kind="avoid", category="refactoring")
        with pytest.raises(EngramError):
            curation.add(store, "x", kind="maybe")
    engram.learn([learned])  # nothing new: the rule stays
    playbook = engram.suggest(category="refactoring")
    assert playbook.rules[0].id == added.id
    assert "(written by a person)" in playbook.to_markdown()
    assert added.origin == "human" and added.scope == {"category": "refactoring"}


def test_every_learn_and_change_is_a_version_and_versions_diff(learned: Path) -> None:
    rule = behaviour_rules()[0]
    with open_store() as store:
        curation.edit(store, rule.id, "Reworded.")
        curation.retire(store, rule.id)
        added = curation.add(store, "Keep commits small.")
        history = versions.history(store)
        assert [v["reason"] for v in history][1:] == [
            f"edit {rule.id}",
            f"retire {rule.id}",
            f"add {added.id}",
        ]
        assert history[0]["reason"].startswith("learn ")
        first, last = history[0]["version"], history[-1]["version"]
        changes = versions.diff(store, first, last)
        assert [r["id"] for r in changes["added"]] == [added.id]
        assert [(r["id"], r["now"]) for r in changes["retired"]] == [(rule.id, "retired")]
        edit = versions.diff(store, first, history[1]["version"])
        assert edit["changed"][0]["fields"] == ["text"]
        assert edit["changed"][0]["after"]["text"] == "Reworded."
        with pytest.raises(EngramError, match="no playbook version 99"):
            versions.diff(store, first, 99)
