"""The guidance block: its markers, its lines, and its token budget."""

from __future__ import annotations

from engram.parse.marker import injected_rule_ids
from engram.playbook.guidance import Playbook
from engram.render.markdown import estimate_tokens, render_block
from engram.rules import Evidence, Rule, rule_id


def rule(n: int, kind: str = "do", text: str = "Use the Grep tool.") -> Rule:
    feature = f"tool:T{n}"
    return Rule(
        id=rule_id("all", "", kind, feature),
        kind=kind,
        scope_kind="all",
        scope_value="",
        feature=feature,
        text=text,
        evidence=Evidence(203, 154, 351, 153, 0.32, 0.24, 0.40, 1e-13, 1e-12),
        score=0.24,
    )


def test_the_block_says_each_rule_with_its_numbers_between_markers() -> None:
    playbook = Playbook([rule(1), rule(2, "avoid", "Do not loop.")], traces=1234,
                        category="cross_module_bug_fix", selectors={"category": "cross_module_bug_fix"})  # fmt: skip
    block = render_block(playbook, 500)
    lines = block.splitlines()
    assert lines[0] == f"<!-- engram:begin rules={rule(1).id},{rule(2, 'avoid').id} -->"
    assert lines[1] == "## Lessons from 1,234 earlier runs (cross_module_bug_fix)"
    assert lines[2] == "- DO: Use the Grep tool. (76% pass with it, 44% without; 554 runs)"
    assert lines[3].startswith("- AVOID: Do not loop.")
    assert lines[-1] == "<!-- engram:end -->"
    assert injected_rule_ids(block) == (rule(1).id, rule(2, "avoid").id)


def test_the_block_keeps_within_its_token_budget_and_lists_only_what_it_shows() -> None:
    playbook = Playbook([rule(n, text="Use the tool. " * 5) for n in range(40)], traces=10)
    for budget in (60, 120, 300):
        block = render_block(playbook, budget)
        assert estimate_tokens(block) <= budget
        shown = [line for line in block.splitlines() if line.startswith("- DO")]
        assert len(injected_rule_ids(block)) == len(shown)
    assert len(render_block(playbook, 300).splitlines()) > len(
        render_block(playbook, 120).splitlines()
    )


def test_an_empty_playbook_says_so() -> None:
    block = render_block(Playbook([], traces=3), 500)
    assert "No lesson has enough evidence yet" in block
    assert injected_rule_ids(block) == ()


def test_the_heading_names_the_reader_apart_from_the_runs_counted() -> None:
    playbook = Playbook([rule(1)], traces=150, category="cross_module_bug_fix",
                        selectors={"category": "cross_module_bug_fix", "agent": "claude-code"},
                        agents=None)  # fmt: skip
    heading_line = render_block(playbook, 500).splitlines()[1]
    assert heading_line == "## Lessons from 150 earlier runs (cross_module_bug_fix; for claude-code)"
