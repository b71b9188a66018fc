"""Near-duplicate rules in one scope make one rule; others stay apart."""

from __future__ import annotations

from engram.mining.duplicates import merge_near_duplicates
from engram.rules import Evidence, Rule, rule_id

EVIDENCE = Evidence(50, 40, 50, 20, 0.4, 0.2, 0.55, 1e-5, 1e-4)


def rule(feature: str, text: str, score: float, scope: str = "", kind: str = "do") -> Rule:
    scope_kind = "category" if scope else "all"
    return Rule(rule_id(scope_kind, scope, kind, feature), kind, scope_kind, scope, feature, text,
                EVIDENCE, score)  # fmt: skip


def test_rules_that_say_the_same_merge_into_the_best_scored() -> None:
    best = rule("cmd:pytest", "Run `pytest` before finishing (e.g. to check the change).", 0.4)
    same_text = rule(
        "cmd:py.test", "Run `py.test` before finishing (e.g. to check the change).", 0.3
    )
    same_feature = rule("cmd:PyTest", "Run the tests.", 0.2)
    other = rule("tool:Grep", "Use the Grep tool.", 0.35)
    elsewhere = rule("cmd:py.test", "Run `py.test` before finishing (e.g. to check the change).",
                     0.3, scope="docs")  # fmt: skip
    kept, merged = merge_near_duplicates([same_text, other, best, same_feature, elsewhere])
    assert [r.id for r in kept] == [best.id, other.id, elsewhere.id]
    assert merged == {same_text.id: best.id, same_feature.id: best.id}
    assert best.merged_features == ["cmd:py.test", "cmd:PyTest"]


def test_opposite_kinds_and_different_failures_stay_apart() -> None:
    do = rule("tool:Edit", "Use the Edit tool.", 0.3)
    avoid = rule("tool:Edit", "Avoid relying on the Edit tool.", 0.2, kind="avoid")
    first = rule(
        "failure:import:1", "Runs here often fail with `ImportError: a`.", 0.1, kind="note"
    )
    second = rule(
        "failure:import:2", "Runs here often fail with `ImportError: b`.", 0.1, kind="note"
    )
    kept, merged = merge_near_duplicates([do, avoid, first, second])
    assert len(kept) == 4 and merged == {}
