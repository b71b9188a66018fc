"""The Store: traces in once, counts kept exact, rules replaced whole, people's choices kept."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import update

import engram
from engram.errors import RuleNotFoundError
from engram.rules import Evidence, Rule, rule_id
from engram.store import TOTAL, Store, open_store
from engram.store.models import RuleRow
from engram.store.quick import (
    quick_source,
    read_agent_tools,
    read_categories,
    read_playbook,
    read_task_instructions,
)
from engram.trace import Agent, Outcome, Step, Task, Trace, content_id


def make_trace(
    n: int, *, status: str = "pass", category: str = "bug_fix", tools=("Bash",)
) -> Trace:
    trace = Trace(
        task=Task(id=f"task-{n}", category=category),
        agent=Agent(name="AgentA", model="model-x"),
        steps=[Step(tool) for tool in tools],
        outcome=Outcome(status=status, reward=1.0 if status == "pass" else 0.0),
        run_id=f"run-{n}",
    )
    trace.trace_id = content_id(trace)
    return trace


def features_of(trace: Trace) -> frozenset[str]:
    return frozenset(f"tool:{step.tool}" for step in trace.steps)


@pytest.fixture
def store() -> Store:
    opened = open_store(create=True)
    yield opened
    opened.close()


def add(store: Store, traces: list[Trace]) -> tuple[int, int]:
    return store.add_traces([(t, features_of(t)) for t in traces], None)


def counts(store: Store, kind: str = "all", value: str = "") -> dict[str, tuple[int, int]]:
    return {
        row.feature: (row.runs, row.passed)
        for row in store.feature_counts([kind])
        if row.scope_value == value
    }


def test_a_trace_is_stored_once_however_often_it_is_added(store: Store) -> None:
    traces = [make_trace(i) for i in range(3)]
    assert add(store, traces + traces[:1]) == (3, 1)
    assert add(store, traces) == (0, 3)
    assert store.count_traces() == 3
    assert counts(store)[TOTAL] == (3, 3)


def test_rewards_are_summed_exactly_in_millionths(store: Store) -> None:
    rewards = [1.0, 0.25, 0.0, 1.0, 0.333333, None]  # None: a pass counts as 1, a fail as 0
    traces = []
    for n, reward in enumerate(rewards):
        trace = make_trace(n, status="fail" if reward in (0.0, None) else "pass",
                           tools=("Bash",) if n % 2 else ("Bash", "Read"))  # fmt: skip
        trace.outcome.reward = reward
        trace.trace_id = content_id(trace)
        traces.append(trace)
    add(store, traces[:3])
    add(store, traces[3:])  # added to the sums already there
    sums = {(row.feature, row.scope_kind): (row.runs, row.passed, row.reward_micros)
            for row in store.feature_counts(["all", "category"])}  # fmt: skip
    assert sums[(TOTAL, "all")] == (6, 4, 2_583_333)
    assert sums[("tool:Read", "all")] == (3, 2, 1_333_333)  # runs 0, 2, 4
    assert sums[("tool:Bash", "category")] == sums[("tool:Bash", "all")] == (6, 4, 2_583_333)


def test_counts_cover_valid_runs_per_scope_and_leave_errors_out(store: Store) -> None:
    add(store, [
        make_trace(1, status="pass", tools=("Bash", "Read")),
        make_trace(2, status="fail", tools=("Bash",)),
        make_trace(3, status="partial", tools=("Read",), category="docs"),
        make_trace(4, status="error", tools=("Bash", "Read")),
    ])  # fmt: skip
    overall = counts(store)
    assert overall[TOTAL] == (3, 1)
    assert overall["tool:Bash"] == (2, 1)
    assert overall["tool:Read"] == (2, 1)
    assert counts(store, "category", "docs") == {TOTAL: (1, 0), "tool:Read": (1, 0)}
    assert counts(store, "agent", "AgentA")[TOTAL] == (3, 1)
    assert store.count_traces(category="docs") == 1


def test_selection_runs_are_the_valid_runs_with_their_scopes_and_members(store: Store) -> None:
    add(store, [
        make_trace(1, tools=("Bash",)),
        make_trace(2, status="fail", tools=("Read",), category="docs"),
        make_trace(3, status="error", tools=("Bash",)),
        make_trace(4, status="pass", tools=("Bash", "Read"), category="docs"),
        make_trace(5, status="fail", tools=("Bash",)),
    ])  # fmt: skip
    runs = store.selection_runs({"all", "category"}, ["tool:Bash", "tool:Read", "tool:Never"])
    assert len(runs.ids) == 4 and list(runs.ids) == sorted(runs.ids)  # the error is no run here
    assert runs.passed.tolist() == [True, False, True, False]
    assert all(s > 0 for s in runs.strata)
    # The error's tool:Bash is no member; a feature no run shows has none.
    assert runs.members["tool:Bash"].tolist() == [True, False, True, True]
    assert runs.members["tool:Read"].tolist() == [False, True, True, False]
    assert runs.members["tool:Never"].tolist() == [False] * 4
    docs = runs.in_scope("category", "docs")
    assert runs.passed[docs].tolist() == [False, True]
    assert runs.members["tool:Read"][docs].tolist() == [True, True]
    assert runs.passed[runs.in_scope("all", "")].tolist() == runs.passed.tolist()


def mined_rule(feature: str = "tool:Bash", kind: str = "do", n_with: int = 20) -> Rule:
    return Rule(
        id=rule_id("all", "", kind, feature),
        kind=kind,
        scope_kind="all",
        scope_value="",
        feature=feature,
        text="Use the Bash tool.",
        evidence=Evidence(n_with, 15, 20, 5, 0.5, 0.2, 0.7, 1e-4, 1e-3),
        score=0.2,
    )


def statuses(store: Store) -> dict[str, str]:
    return {r.id: r.status for r in store.rules(statuses=("active", "pinned", "retired"))}


def test_rules_are_added_updated_and_retired_by_a_new_mining(store: Store) -> None:
    bash, read = mined_rule(), mined_rule("tool:Read")
    changes = store.save_rules([bash, read], ["all"], None)
    assert (changes.added, changes.updated, changes.retired) == (2, 0, 0)
    unchanged = store.save_rules([bash, read], ["all"], None)
    assert (unchanged.added, unchanged.updated, unchanged.retired) == (0, 0, 0)
    stronger = replace(bash, evidence=replace(bash.evidence, n_with=30))
    changes = store.save_rules([stronger], ["all"], None)
    assert (changes.added, changes.updated, changes.retired) == (0, 1, 1)
    assert statuses(store) == {bash.id: "active", read.id: "retired"}
    assert store.rule(read.id).status_reason
    changes = store.save_rules([stronger, read], ["all"], None)
    assert changes.added == 1 and statuses(store)[read.id] == "active"


def test_a_persons_pin_and_retire_survive_mining(store: Store) -> None:
    bash, read = mined_rule(), mined_rule("tool:Read")
    store.save_rules([bash, read], ["all"], None)
    with store.engine.begin() as conn:
        conn.execute(
            update(RuleRow).where(RuleRow.id == bash.id).values(status="pinned", status_by="user")
        )
        conn.execute(
            update(RuleRow).where(RuleRow.id == read.id).values(status="retired", status_by="user")
        )
    store.save_rules([read], ["all"], None)
    assert statuses(store) == {bash.id: "pinned", read.id: "retired"}


def test_rules_of_scopes_not_mined_are_left_alone(store: Store) -> None:
    agent_rule = replace(mined_rule(), id="r_agentrule", scope_kind="agent", scope_value="A")
    store.save_rules([agent_rule], ["agent"], None)
    store.save_rules([], ["all", "category"], None)
    assert statuses(store) == {"r_agentrule": "active"}


def test_a_rule_is_found_by_a_unique_prefix(store: Store) -> None:
    bash = mined_rule()
    store.save_rules([bash], ["all"], None)
    assert store.rule(bash.id[:6]).id == bash.id
    with pytest.raises(RuleNotFoundError):
        store.rule("r_nope")


def test_stats_split_errors_from_failures(store: Store) -> None:
    error = make_trace(3, status="error")
    error.outcome.failure_class = "infrastructure"
    failed = make_trace(2, status="fail")
    failed.outcome.failure_class = "tests_failed"
    add(store, [make_trace(1), failed, error])
    stats = store.stats()
    assert (stats["runs"], stats["valid"], stats["passed"], stats["errors"]) == (3, 2, 1, 1)
    assert stats["pass_rate"] == 0.5
    assert stats["errors_by_class"] == {"infrastructure": 1}
    assert stats["failures_by_class"] == {"tests_failed": 1}
    assert stats["by_category"]["bug_fix"]["runs"] == 3


def test_the_quick_read_path_agrees_with_the_store(store: Store) -> None:
    source = quick_source(store.engine.url.render_as_string(hide_password=False))
    assert source is not None  # SQLite, or PostgreSQL through psycopg
    add(store, [make_trace(i, category="docs" if i % 2 else "bug_fix") for i in range(6)])
    store.save_rules([mined_rule(), mined_rule("tool:Read", "avoid")], ["all"], None)
    scopes = [("all", ""), ("category", "docs")]
    quick = read_playbook(source, scopes, ("active", "pinned"), {"category": "docs"})
    assert quick is not None
    rules, traces = quick
    assert [r.as_dict() for r in rules] == [r.as_dict() for r in store.rules(scopes=scopes)]
    assert [r.first_seen for r in rules] == [r.first_seen for r in store.rules(scopes=scopes)]
    assert traces == store.count_traces(category="docs") == 3
    assert read_categories(source) == store.known_categories() == ["bug_fix", "docs"]
    assert read_agent_tools(source) == store.agent_tools()


def test_the_quick_path_reads_the_task_instructions_the_store_reads(store: Store) -> None:
    source = quick_source(store.engine.url.render_as_string(hide_password=False))
    assert source is not None
    traces = [make_trace(i, category=None if i == 4 else "docs") for i in range(6)]
    for i, trace in enumerate(traces):
        trace.task.instruction = "" if i == 5 else f"Write the docs of module {i}"
        trace.trace_id = content_id(trace)
    add(store, traces)
    read = read_task_instructions(source)
    assert read is not None and sorted(read) == sorted(store.task_instructions())
    assert sorted(read) == [(f"task-{i}", "docs", f"Write the docs of module {i}") for i in range(4)]


def test_tags_label_runs_for_selectors_even_when_learned_again(tmp_path: Path) -> None:
    from engram.datasets.synthetic import default_scenario, write_corpus

    corpus = tmp_path / "runs" / "traces.json"
    write_corpus(default_scenario(runs=40, seed=2), corpus)
    engram.learn([corpus])
    with open_store() as store:
        assert store.count_traces(tag="first") == 0
        assert store.count_traces(file="traces.json") == store.count_traces(file=str(corpus)) == 40
        assert store.count_traces(file="runs/traces.json") == 40
        assert store.count_traces(file="aces.json") == 0  # a path's last parts, not any suffix
    summary = engram.learn([corpus], tags=["first", "again"])
    assert summary.traces_known == 40
    with open_store() as store:
        assert store.count_traces(tag="first") == store.count_traces(tag="again") == 40
        assert len(store.run_frame({"tag": "first", "category": "refactoring"})) == 10


def test_the_cli_and_the_store_know_the_same_selectors() -> None:
    from engram.store.filters import SELECTOR_KEYS as STORE_KEYS
    from engram.store.selectors import SELECTOR_KEYS

    assert set(SELECTOR_KEYS) == set(STORE_KEYS)
