"""A store with a living playbook to export: the sample corpus's rules, two of a person's, a
pin, a retirement, and feedback from runs that were given rules."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import engram
from engram.datasets.synthetic import default_scenario, write_corpus
from engram.parse.marker import BEGIN, END
from engram.playbook import curation
from engram.store import Store
from tests.cli.conftest import Invoke, invoke  # noqa: F401 - the CLI fixture, shared

DATA = Path(__file__).parent / "data"
ACE_FIXTURE = DATA / "ace_0_13_skillbook.json"  # written by ace-framework 0.13.0's own code
CATEGORY = "feature_implementation"


@pytest.fixture(scope="session")
def sample_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("exchange") / "traces.json"
    write_corpus(default_scenario(runs=600, seed=7), path)
    return path


def given_runs(rule_ids: list[str], count: int = 12) -> list[dict[str, object]]:
    """Runs whose instructions carried ``rule_ids``: they pass, fail, or earn partial credit."""
    block = f"{BEGIN.format(ids=','.join(rule_ids))}\n## Lessons\n- DO: …\n{END}"
    outcomes = ("pass", "pass", "fail", "partial")
    return [
        {
            "task_id": f"given-t{index % 4}__{index:05d}",
            "task_instruction": f"# Task {index}\n\nCategory: {CATEGORY}\n\n{block}\n",
            "agent_config": {"agent": {"name": "ClaudeCodeAgent"}},
            "status": outcomes[index % 4],
            "test_reward": {"pass": 1.0, "fail": 0.0, "partial": 0.5}[outcomes[index % 4]],
        }
        for index in range(count)
    ]


def build_playbook(store: Store, corpus: Path, tmp_path: Path) -> None:
    """Learn the sample corpus into ``store`` and curate it as people do."""
    engram.learn([corpus], store=store)
    learned = [r for r in store.rules() if not r.is_failure]
    mine = curation.add(store, 'Read the "failing test" first: then fix.', category=CATEGORY)
    ours = curation.add(store, "Ask before deleting files.", kind="avoid")
    curation.pin(store, learned[0].id, "the team relies on it")
    curation.retire(store, learned[1].id, "we dropped that tool")
    runs = tmp_path / "given.json"
    runs.write_text(json.dumps(given_runs([learned[0].id, mine.id, ours.id])))
    engram.learn([runs], store=store)


@pytest.fixture(scope="session")
def source_file(sample_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The playbook to export, built once a session in a SQLite file."""
    folder = tmp_path_factory.mktemp("source")
    store = Store.open(f"sqlite:///{folder / 'source.db'}")
    try:
        build_playbook(store, sample_corpus, folder)
    finally:
        store.close()
    assert not (folder / "source.db-wal").exists()  # the file alone holds the store
    return folder / "source.db"


@pytest.fixture
def source(source_file: Path, tmp_path: Path) -> Iterator[Store]:
    """The playbook to export, in a SQLite store of its own (the test's store stays empty)."""
    copy = tmp_path / "source.db"
    shutil.copyfile(source_file, copy)
    store = Store.open(f"sqlite:///{copy}")
    try:
        yield store
    finally:
        store.close()
