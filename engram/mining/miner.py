"""From the store's sufficient statistics to scored rules (DESIGN.md, "How rules are mined")."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from engram.mining import templates
from engram.mining.duplicates import merge_near_duplicates
from engram.mining.failure_rules import failure_rules
from engram.mining.redundancy import Dropped, reduce_scope
from engram.mining.stats import (
    bh_qvalues,
    fisher_p,
    heterogeneity_p,
    newcombe_interval,
    stratified_effect,
)
from engram.rules import Evidence, Rule, rule_id
from engram.store import TOTAL, CountRow, Store
from engram.store.store import MICROS


@dataclass(frozen=True, slots=True)
class MiningSettings:
    min_support: int = 5  # runs with the feature, and without it, in the scope
    alpha: float = 0.05  # the largest q-value a rule may have
    min_difference: float = 0.10  # the smallest |pass-rate difference| a rule may have
    confidence: float = 0.95  # of the interval whose bound is the score
    jaccard: float = 0.8  # features whose runs overlap this much make one rule
    scope_kinds: tuple[str, ...] = ("category",)  # mined besides all runs

    def __post_init__(self) -> None:
        # Scopes asked for add to the default ones (all runs, each category), never replace them.
        kinds = dict.fromkeys(("category", *self.scope_kinds))
        kinds.pop("all", None)
        object.__setattr__(self, "scope_kinds", tuple(kinds))

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["scope_kinds"] = list(self.scope_kinds)
        return data


@dataclass(slots=True)
class Test:
    """One 2×2 table: runs in a scope with and without a feature, and how many passed."""

    scope_kind: str
    scope_value: str
    feature: str
    n_with: int
    pass_with: int
    n_without: int
    pass_without: int
    reward_with: float
    reward_without: float
    p_value: float = 1.0
    q_value: float = 1.0
    ci_low: float = 0.0
    ci_high: float = 0.0

    @property
    def difference(self) -> float:
        return self.pass_with / self.n_with - self.pass_without / self.n_without

    @property
    def score(self) -> float:
        """The interval's bound nearest zero: how large the effect is at least."""
        return self.ci_low if self.difference > 0 else -self.ci_high

    @property
    def scope(self) -> tuple[str, str]:
        return self.scope_kind, self.scope_value


@dataclass(slots=True)
class MiningResult:
    rules: list[Rule]
    tests: int
    candidates: int
    dropped: list[tuple[str, str, str]] = field(default_factory=list)  # scope, feature, why
    merged_into: dict[str, str] = field(default_factory=dict)  # near-duplicate → its rule


def mine(store: Store, settings: MiningSettings | None = None) -> MiningResult:
    """Test every feature in every scope, keep the significant ones, one rule per signal."""
    settings = settings or MiningSettings()
    mined_kinds = ("all", *[k for k in settings.scope_kinds if k != "all"])
    counts = store.feature_counts(set(mined_kinds) | {"category"})
    tables = _index(counts)
    tests = _tests(tables, mined_kinds, settings)
    if tests:
        q_values = bh_qvalues([t.p_value for t in tests])
        for test, q in zip(tests, q_values, strict=True):
            test.q_value = float(q)
    candidates = [
        t
        for t in tests
        if t.q_value <= settings.alpha and abs(t.difference) >= settings.min_difference
    ]
    # A feature must add to another at the significance the discoveries themselves met.
    cutoff = max((t.p_value for t in tests if t.q_value <= settings.alpha), default=0.0)
    for test in candidates:
        test.ci_low, test.ci_high = newcombe_interval(
            test.pass_with, test.n_with, test.pass_without, test.n_without, settings.confidence
        )

    by_scope: dict[tuple[str, str], list[Test]] = defaultdict(list)
    for test in candidates:
        by_scope[test.scope].append(test)
    dropped: list[tuple[str, str, str]] = []
    selected: dict[tuple[str, str], list[tuple[Test, list[str]]]] = {}
    for scope, scope_tests in sorted(by_scope.items()):
        runs, passed, members = store.scope_runs(*scope, [t.feature for t in scope_tests])
        position = {pk: i for i, pk in enumerate(runs)}
        columns = [_membership(members[t.feature], position) for t in scope_tests]
        groups, removed = reduce_scope(
            scope_tests,
            passed,
            columns,
            jaccard=settings.jaccard,
            alpha=cutoff,
            min_difference=settings.min_difference,
        )
        selected[scope] = [(g.test, g.merged) for g in groups]
        dropped.extend(_label(scope, d) for d in removed)

    narrow: dict[str, list[Test]] = defaultdict(list)  # category-level findings per feature
    for (kind, _value), chosen in selected.items():
        if kind == "category":
            for test, _merged in chosen:
                narrow[test.feature].append(test)
    rules: list[Rule] = []
    global_kinds: dict[str, str] = {}
    for test, merged in selected.get(("all", ""), []):
        strata = _category_strata(tables, test.feature)
        reason = _global_objection(test, strata, settings) or _concentrated(
            test, strata, narrow.get(test.feature, []), cutoff, settings
        )
        if reason:
            dropped.append(("all", test.feature, reason))
            continue
        rule = _rule(test, merged)
        rule.exceptions = _exceptions(test, strata, settings)
        rules.append(rule)
        global_kinds[test.feature] = rule.kind
    for scope, chosen in sorted(selected.items()):
        if scope == ("all", ""):
            continue
        for test, merged in chosen:
            # The same advice over all runs already reaches this scope; saying it twice helps
            # no one (a scope where it fails is an exception of the global rule instead).
            if global_kinds.get(test.feature) == templates.kind_for(test.feature, test.difference):
                dropped.append((_scope_label(scope), test.feature, "covered by the global rule"))
                continue
            rules.append(_rule(test, merged))
    rules, late = _step_up(rules, len(tests), settings.alpha)
    dropped.extend((r.scope_label, r.feature, "not significant once merged signals count once")
                   for r in late)  # fmt: skip
    rules.extend(
        failure_rules(
            store,
            mined_kinds,
            min_support=settings.min_support,
            alpha=settings.alpha,
            confidence=settings.confidence,
        )
    )
    rules, merged_into = merge_near_duplicates(rules)
    rules.sort(key=lambda r: (-r.score, r.id))
    return MiningResult(rules, len(tests), len(candidates), dropped, merged_into)


def _step_up(rules: list[Rule], tests: int, alpha: float) -> tuple[list[Rule], list[Rule]]:
    """Benjamini–Hochberg's step-up again, over the rules left after merging.

    One signal found as many features in many scopes would otherwise count as many
    discoveries and loosen the threshold for everything else; here each rule counts once
    (and every test still counts in the denominator), which is stricter than BH alone.
    """
    ordered = sorted(rules, key=lambda r: r.evidence.p_value)
    passing = 0
    for rank, rule in enumerate(ordered, start=1):
        if rule.evidence.p_value <= alpha * rank / tests:
            passing = rank
    return ordered[:passing], ordered[passing:]


def _index(counts: list[CountRow]) -> dict[tuple[str, str], dict[str, CountRow]]:
    tables: dict[tuple[str, str], dict[str, CountRow]] = defaultdict(dict)
    for row in counts:
        tables[(row.scope_kind, row.scope_value)][row.feature] = row
    return tables


def _tests(
    tables: dict[tuple[str, str], dict[str, CountRow]],
    mined_kinds: tuple[str, ...],
    settings: MiningSettings,
) -> list[Test]:
    tests = []
    for (kind, value), rows in sorted(tables.items()):
        total = rows.get(TOTAL)
        if kind not in mined_kinds or total is None:
            continue
        for feature, row in sorted(rows.items()):
            if feature == TOTAL or not templates.is_mined(feature):
                continue
            n_without = total.runs - row.runs
            if row.runs < settings.min_support or n_without < settings.min_support:
                continue
            test = Test(
                scope_kind=kind,
                scope_value=value,
                feature=feature,
                n_with=row.runs,
                pass_with=row.passed,
                n_without=n_without,
                pass_without=total.passed - row.passed,
                reward_with=row.reward_sum / row.runs,
                reward_without=(total.reward_micros - row.reward_micros) / MICROS / n_without,
            )
            test.p_value = fisher_p(test.pass_with, test.n_with, test.pass_without, test.n_without)
            tests.append(test)
    return tests


def _membership(members: set[int], position: dict[int, int]) -> np.ndarray:
    column = np.zeros(len(position), dtype=bool)
    indices = [position[pk] for pk in members if pk in position]
    column[indices] = True
    return column


def _category_strata(
    tables: dict[tuple[str, str], dict[str, CountRow]], feature: str
) -> dict[str, tuple[int, int, int, int]]:
    """The feature's 2×2 table in each category, and among runs with no category."""
    strata: dict[str, tuple[int, int, int, int]] = {}
    remaining = [0, 0, 0, 0]
    overall = tables.get(("all", ""), {})
    if TOTAL in overall:
        total, row = overall[TOTAL], overall.get(feature)
        remaining = [
            row.passed if row else 0,
            row.runs if row else 0,
            total.passed - (row.passed if row else 0),
            total.runs - (row.runs if row else 0),
        ]
    for (kind, value), rows in tables.items():
        if kind != "category" or TOTAL not in rows:
            continue
        total, row = rows[TOTAL], rows.get(feature)
        table = (
            row.passed if row else 0,
            row.runs if row else 0,
            total.passed - (row.passed if row else 0),
            total.runs - (row.runs if row else 0),
        )
        strata[value] = table
        remaining = [r - t for r, t in zip(remaining, table, strict=True)]
    if remaining[1] > 0 or remaining[3] > 0:
        strata[""] = (remaining[0], remaining[1], remaining[2], remaining[3])
    return strata


def _global_objection(
    test: Test, strata: dict[str, tuple[int, int, int, int]], settings: MiningSettings
) -> str | None:
    """Why a rule over all runs would mislead, if it would: its effect differs between
    categories, or it is only the categories' different pass rates showing through."""
    informative = [t for t in strata.values() if t[1] > 0 and t[3] > 0]
    if len(informative) < 2:
        return None
    if heterogeneity_p(informative) <= settings.alpha and any(
        _lacks_effect(table, test.difference, settings) for table in informative
    ):
        return "effect differs between categories"
    adjusted, p_value = stratified_effect(informative)
    if p_value > settings.alpha or np.sign(adjusted) != np.sign(test.difference):
        return "explained by the mix of categories"
    return None


def _concentrated(
    test: Test,
    strata: dict[str, tuple[int, int, int, int]],
    narrow: list[Test],
    cutoff: float,
    settings: MiningSettings,
) -> str | None:
    """Whether a global effect is only that of the categories where it is much stronger.

    Categories whose own finding excludes the global difference are set aside; the rest must
    still show the effect on their own, or the category rules carry it alone.
    """
    stronger = sorted(
        t.scope_value
        for t in narrow
        if np.sign(t.difference) == np.sign(test.difference)
        and not t.ci_low <= test.difference <= t.ci_high
    )
    if not stronger:
        return None
    rest = [table for category, table in strata.items() if category not in stronger]
    adjusted, p_value = stratified_effect(rest)
    if (
        p_value > cutoff
        or np.sign(adjusted) != np.sign(test.difference)
        or abs(adjusted) < settings.min_difference
    ):
        return f"effect concentrated in {', '.join(stronger)}"
    return None


def _lacks_effect(
    table: tuple[int, int, int, int], difference: float, settings: MiningSettings
) -> bool:
    """A well-supported stratum whose own difference is not the same effect."""
    pass_with, n_with, pass_without, n_without = table
    if n_with < settings.min_support or n_without < settings.min_support:
        return False
    own = pass_with / n_with - pass_without / n_without
    return own * np.sign(difference) < settings.min_difference / 2


def _exceptions(
    test: Test, strata: dict[str, tuple[int, int, int, int]], settings: MiningSettings
) -> list[str]:
    """Categories whose own runs show the opposite effect with confidence."""
    exceptions = []
    for category, (pass_with, n_with, pass_without, n_without) in sorted(strata.items()):
        if not category or n_with < settings.min_support or n_without < settings.min_support:
            continue
        low, high = newcombe_interval(
            pass_with, n_with, pass_without, n_without, settings.confidence
        )
        if (test.difference > 0 and high < 0) or (test.difference < 0 and low > 0):
            exceptions.append(category)
    return exceptions


def _rule(test: Test, merged: list[str]) -> Rule:
    kind = templates.kind_for(test.feature, test.difference)
    return Rule(
        id=rule_id(test.scope_kind, test.scope_value, kind, test.feature),
        kind=kind,
        scope_kind=test.scope_kind,
        scope_value=test.scope_value,
        feature=test.feature,
        text=templates.text_for(test.feature, kind, test.difference),
        evidence=Evidence(
            n_with=test.n_with,
            pass_with=test.pass_with,
            n_without=test.n_without,
            pass_without=test.pass_without,
            difference=test.difference,
            ci_low=test.ci_low,
            ci_high=test.ci_high,
            p_value=test.p_value,
            q_value=test.q_value,
            reward_with=test.reward_with,
            reward_without=test.reward_without,
        ),
        score=test.score,
        merged_features=merged,
    )


def _scope_label(scope: tuple[str, str]) -> str:
    kind, value = scope
    return "all" if kind == "all" else f"{kind}={value}"


def _label(scope: tuple[str, str], dropped: Dropped) -> tuple[str, str, str]:
    return _scope_label(scope), dropped.feature, dropped.reason
