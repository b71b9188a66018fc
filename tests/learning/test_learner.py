"""End to end through the library: learn a corpus, get rules, and survive bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import engram
from engram.errors import StoreError
from engram.learning.learner import LearnSummary
from engram.store import open_store
from tests.conftest import EXPECTED_RULES, NOISE_TOOLS, PLANTED, Restore


@pytest.fixture
def planted_learned(restore: Restore, planted_corpus: Path) -> LearnSummary:
    """The planted corpus learned into this test's store (once a session, then copied)."""
    summary: LearnSummary = restore("planted", lambda: engram.learn([planted_corpus]))
    return summary


def test_planted_effects_are_found_with_their_kind_and_scope(
    planted_learned: LearnSummary,
) -> None:
    summary = planted_learned
    assert summary.ok and summary.traces_new == PLANTED.runs

    with open_store() as store:
        rules = store.rules()
    found = {(r.scope_kind, r.scope_value, r.feature, r.kind) for r in rules}
    assert found >= EXPECTED_RULES
    # The category-only effects do not leak into a rule over all runs.
    assert ("all", "", "tool:mcp__docs__lookup", "do") not in found
    assert ("all", "", "cmd:make", "do") not in found


@pytest.mark.usefixtures("planted_learned")
def test_no_rule_comes_from_random_tools_or_infrastructure_noise() -> None:
    with open_store() as store:
        rules = store.rules()
    for rule in rules:
        absorbed = {entry["feature"] for entry in rule.absorbed}  # shadows, folded into a cause
        for feature in (rule.feature, *(f for f in rule.merged_features if f not in absorbed)):
            assert not any(tool in feature for tool in NOISE_TOOLS), (rule.feature, feature)


@pytest.mark.usefixtures("planted_learned")
def test_infrastructure_errors_are_counted_but_not_blamed(planted_corpus: Path) -> None:
    records = json.loads(planted_corpus.read_text())["traces"]
    infra = sum(
        1 for r in records if "Docker" in r.get("error", "") or "sandbox" in r.get("error", "")
    )
    with open_store() as store:
        stats = store.stats()
    assert stats["errors_by_class"]["infrastructure"] == infra
    assert stats["valid"] == sum(1 for r in records if r["status"] != "error")


def _has(record: dict[str, Any], feature: str) -> bool:
    """A feature recomputed from the raw record, without engram's extractors."""
    calls = {}
    failures: dict[str, int] = {}
    for event in record["transcript"]:
        content = event.get("message", {}).get("content", [])
        for block in content if isinstance(content, list) else []:
            if block.get("type") == "tool_use":
                calls[block["id"]] = block
            if block.get("type") == "tool_result" and block.get("is_error"):
                name = calls[block["tool_use_id"]]["name"]
                failures[name] = failures.get(name, 0) + 1
    family, _, value = feature.partition(":")
    if family == "tool":
        return any(call["name"] == value for call in calls.values())
    if family == "tool_error_loop":
        return failures.get(value, 0) >= 3
    if family == "cmd":
        return any(
            call["name"] == "Bash" and value in call["input"]["command"].split()
            for call in calls.values()
        )
    raise AssertionError(f"no recomputation for {feature}")


@pytest.mark.usefixtures("planted_learned")
def test_every_rule_evidence_is_the_exact_count_of_runs_in_its_scope(planted_corpus: Path) -> None:
    records = [
        r for r in json.loads(planted_corpus.read_text())["traces"] if r["status"] != "error"
    ]
    playbook = engram.suggest(category="api_migration")
    assert playbook.rules
    for rule in playbook.rules:
        in_scope = [
            r
            for r in records
            if not rule.scope or f"Category: {rule.scope['category']}\n" in r["task_instruction"]
        ]
        with_feature = [r for r in in_scope if _has(r, rule.feature)]
        without = [r for r in in_scope if not _has(r, rule.feature)]
        evidence = rule.evidence
        assert evidence.n_with == len(with_feature)
        assert evidence.pass_with == sum(r["status"] == "pass" for r in with_feature)
        assert evidence.n_without == len(without)
        assert evidence.pass_without == sum(r["status"] == "pass" for r in without)


def test_learning_the_same_file_twice_changes_nothing(planted_corpus: Path) -> None:
    first = engram.learn([planted_corpus])
    with open_store() as store:
        before = [r.as_dict() for r in store.rules(statuses=("active", "pinned", "retired"))]
        stats_before = store.stats()
    second = engram.learn([planted_corpus])
    with open_store() as store:
        after = [r.as_dict() for r in store.rules(statuses=("active", "pinned", "retired"))]
        stats_after = store.stats()
    assert first.traces_new == PLANTED.runs
    assert (second.traces_new, second.traces_known) == (0, PLANTED.runs)
    assert (second.rules_added, second.rules_updated, second.rules_retired) == (0, 0, 0)
    assert after == before
    stats_before.pop("learns"), stats_after.pop("learns")
    assert stats_after == stats_before


def test_a_failed_batch_leaves_the_store_as_it_was_before_it(
    planted_corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engram.store.store import Store

    real_add_counts = Store._add_counts
    calls = {"n": 0}

    def fail_on_second_batch(self: Store, conn: Any, runs: Any) -> None:
        calls["n"] += 1
        real_add_counts(self, conn, runs)  # the batch's rows are written by now...
        if calls["n"] == 2:
            raise StoreError("disk full")  # ...and must all go

    with monkeypatch.context() as patch:
        patch.setattr(Store, "_add_counts", fail_on_second_batch)
        with pytest.raises(StoreError):
            engram.learn([planted_corpus], batch_size=100)
    with open_store() as store:
        stats = store.stats()
        counts = {(row.scope_kind, row.feature): row.runs for row in store.feature_counts(["all"])}
    assert stats["runs"] == 100  # the first batch, whole; nothing of the second
    assert counts[("all", "*")] == stats["valid"]
    summary = engram.learn([planted_corpus])
    assert (summary.traces_new, summary.traces_known) == (PLANTED.runs - 100, 100)


def test_runs_left_by_a_broken_learn_are_mined_by_the_next(
    planted_corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engram.mining import miner

    with monkeypatch.context() as patch:

        def broken_mine(*_args: Any, **_kwargs: Any) -> Any:
            raise StoreError("killed before mining")

        patch.setattr(miner, "mine", broken_mine)
        with pytest.raises(StoreError):
            engram.learn([planted_corpus])
    with open_store() as store:
        assert store.count_traces() == PLANTED.runs and store.rules() == []
    summary = engram.learn([planted_corpus])
    assert summary.traces_new == 0 and summary.mined and summary.rules_active >= 3


FIXTURES = Path(__file__).parents[1] / "loaders" / "fixtures"


def test_a_folder_of_every_format_learns_with_nothing_skipped_and_says_what_it_read() -> None:
    from engram.learning.learner import FormatTally
    from engram.loaders import loader_names

    summary = engram.learn([FIXTURES])
    assert summary.ok and summary.problems == []
    assert set(summary.formats) == set(loader_names())
    assert summary.formats["claude_code"] == FormatTally(files=3, traces=2, empty=1)
    assert summary.formats["terminal_bench"] == FormatTally(files=1, traces=8)
    assert summary.formats["swe_agent"] == FormatTally(files=2, traces=2, companions=1)
    assert summary.formats["openhands"] == FormatTally(files=3, traces=4, companions=4)
    assert summary.traces_read == sum(t.traces for t in summary.formats.values())
    assert [Path(p.file).name for p in summary.empty] == [
        "0d9c8b7a-6f5e-4d3c-8b2a-19f0e1d2c3b4.jsonl"
    ]
    assert "terminal_bench: 1 file, 8 traces" in summary.formats_text()
    data = summary.as_dict()
    assert data["formats"]["claude_code"] == {"files": 3, "traces": 2, "empty": 1, "companions": 0}
    assert data["empty"] == 1 and data["skipped"] == 0


def test_reading_in_several_processes_tallies_the_formats_alike() -> None:
    paths = [FIXTURES / "openhands", FIXTURES / "claude_code", FIXTURES / "harbor"]
    one = engram.learn(paths).formats
    assert engram.learn(paths, jobs=2).formats == one  # read again: known, but tallied alike
    assert engram.learn([FIXTURES / "terminal_bench"], jobs=3).formats["terminal_bench"].traces == 8


def test_many_skips_in_one_file_are_shown_a_few_then_counted(tmp_path: Path) -> None:
    path = tmp_path / "runs.jsonl"
    good = json.dumps({"task_id": "t-1", "status": "pass"})
    path.write_text(good + "\n" + "{broken\n" * 12)
    summary = engram.learn([path])
    assert len(summary.problems) == 12
    lines = summary.skip_lines(per_file=5)
    assert len(lines) == 6 and lines[0].startswith(f"skipped {path}: line 2")
    assert lines[-1] == f"… and 7 more in {path}"
    assert len(summary.skip_lines(per_file=12)) == 12


def test_a_batch_is_written_early_once_its_runs_hold_enough_steps(
    planted_corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engram.learning import learner
    from engram.store import Store

    batches: list[list[int]] = []  # each batch's steps per run
    real_add = Store.add_traces

    def spy(self: Store, batch: Any, learn_id: Any) -> Any:
        batches.append([len(trace.steps) for trace, _ in batch])
        return real_add(self, batch, learn_id)

    monkeypatch.setattr(Store, "add_traces", spy)
    monkeypatch.setattr(learner, "BATCH_STEPS", 300)
    summary = engram.learn([planted_corpus], batch_size=1_000)
    assert sum(map(len, batches)) == summary.traces_read == PLANTED.runs
    assert len(batches) > PLANTED.runs // 1_000 + 1
    for steps in batches[:-1]:  # each reached the budget with its last run, not before
        assert sum(steps) >= 300 > sum(steps[:-1])


@pytest.mark.parametrize("batch_size", [1, 1_000])
def test_a_run_read_twice_is_stored_as_first_read_whatever_the_batches(
    tmp_path: Path, batch_size: int
) -> None:
    from engram.store import Store

    record = json.loads((Path(__file__).parents[2] / "examples/traces.json").read_text())["traces"][0]
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    for path in (first, second):
        path.write_text(json.dumps([record]))
    with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
        summary = engram.learn([first, second], store=store, batch_size=batch_size)
        (run,) = store.run_frame()["source_file"].tolist()
    assert (summary.traces_new, summary.traces_known) == (1, 1)
    assert run == str(first)
