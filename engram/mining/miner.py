"""From the store's sufficient statistics to scored rules (docs/statistics.md)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from engram.mining import templates
from engram.mining.comparable import Comparable, comparable
from engram.mining.duplicates import merge_near_duplicates
from engram.mining.failure_rules import failure_rules
from engram.mining.redundancy import Dropped, Group, reduce_scope
from engram.mining.settings import MiningSettings
from engram.mining.stats import bh_qvalues, fisher_p, newcombe_interval
from engram.mining.stratified import EXACT_BELOW, Sums, exact_p, heterogeneity_p
from engram.rules import Evidence, Rule, Stratified, rule_id
from engram.store import TOTAL, CountRow, Store
from engram.store.store import MICROS

#: A sparse test whose approximate p is below this is computed exactly (see ``exact_p``).
SPARSE_RECHECK = 0.2


@dataclass(slots=True)
class Test:
    """A feature in a scope: its raw 2×2 table (runs with and without it, how many passed) and
    its effect among comparable runs (``sums``), which is what it is tested and scored on."""

    scope_kind: str
    scope_value: str
    feature: str
    n_with: int
    pass_with: int
    n_without: int
    pass_without: int
    reward_with: float
    reward_without: float
    sums: Sums = field(default_factory=Sums)
    p_value: float = 1.0  # Cochran–Mantel–Haenszel, over the strata of comparable runs
    q_value: float = 1.0
    raw_p: float = 1.0  # Fisher's exact test of the raw table, for reference
    raw_q: float = 1.0
    ci_low: float = 0.0  # of the stratified difference
    ci_high: float = 0.0
    agents: list[str] = field(default_factory=list)  # whose runs informed the estimate
    by_task: bool = False  # whether runs of one task were compared with each other

    @property
    def difference(self) -> float:
        """The effect among comparable runs (Mantel–Haenszel)."""
        return self.sums.difference

    @property
    def raw_difference(self) -> float:
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
    absorbed: int = 0  # candidates the chosen explained, folded into the rules that did


def mine(store: Store, settings: MiningSettings | None = None) -> MiningResult:
    """Test every feature in every scope among comparable runs, keep the significant ones,
    one rule per signal."""
    settings = settings or MiningSettings()
    mined_kinds = ("all", *[k for k in settings.scope_kinds if k != "all"])
    tables = _index(store.feature_counts(set(mined_kinds) | {"category"}))
    groups = comparable(store.stratum_rows())
    tests = _tests(tables, groups, mined_kinds, settings)
    for name, raw in (("q_value", False), ("raw_q", True)):
        q_values = bh_qvalues([t.raw_p if raw else t.p_value for t in tests])
        for test, q in zip(tests, q_values, strict=True):
            setattr(test, name, float(q))
    candidates = [
        t
        for t in tests
        if t.q_value <= settings.alpha and abs(t.difference) >= settings.min_difference
    ]
    # A feature must add to another at the significance the discoveries themselves met.
    cutoff = max((t.p_value for t in tests if t.q_value <= settings.alpha), default=0.0)
    for test in candidates:
        test.ci_low, test.ci_high = test.sums.interval(settings.confidence)
        test.agents, test.by_task = groups.informed_by(*test.scope, test.feature)

    by_scope: dict[tuple[str, str], list[Test]] = defaultdict(list)
    for test in candidates:
        by_scope[test.scope].append(test)
    dropped: list[tuple[str, str, str]] = []
    absorbed = 0
    selected: dict[tuple[str, str], list[tuple[Test, Group]]] = {}
    weighed = {scope: tests for scope, tests in by_scope.items() if len(tests) > 1}
    runs = store.selection_runs(  # read once for every scope that weighs candidates
        {kind for kind, _ in weighed}, {t.feature for tests in weighed.values() for t in tests}
    ) if weighed else None  # fmt: skip
    for scope, scope_tests in sorted(by_scope.items()):
        if runs is None or scope not in weighed:  # nothing to condition on
            selected[scope] = [(scope_tests[0], Group(scope_tests[0], column=0))]
            continue
        mask = runs.in_scope(*scope)
        reduced, removed = reduce_scope(
            scope_tests,
            runs.passed[mask],
            [runs.members[t.feature][mask] for t in scope_tests],
            strata=groups.run_groups(runs.strata[mask]),
            jaccard=settings.jaccard,
            alpha=cutoff,
            min_difference=settings.min_difference,
        )
        selected[scope] = [(g.test, g) for g in reduced]
        absorbed += sum(len(g.absorbed) for g in reduced)
        dropped.extend(_label(scope, d) for d in removed)

    narrow: dict[str, list[Test]] = defaultdict(list)  # category-level findings per feature
    for (kind, _value), chosen in selected.items():
        if kind == "category":
            for test, _group in chosen:
                narrow[test.feature].append(test)
    rules: list[Rule] = []
    global_kinds: dict[str, str] = {}
    for test, group in selected.get(("all", ""), []):
        parts = _category_parts(groups, test.feature)
        reason = _global_objection(test, parts, settings) or _concentrated(
            test, parts, narrow.get(test.feature, []), cutoff, settings
        )
        if reason:
            dropped.append(("all", test.feature, reason))
            continue
        rule = _rule(test, group)
        rule.exceptions = _exceptions(test, parts, settings)
        rules.append(rule)
        global_kinds[test.feature] = rule.kind
    for scope, chosen in sorted(selected.items()):
        if scope == ("all", ""):
            continue
        for test, group in chosen:
            # The same advice over all runs already reaches this scope; saying it twice helps
            # no one (a scope where it fails is an exception of the global rule instead).
            if global_kinds.get(test.feature) == templates.kind_for(test.feature, test.difference):
                dropped.append((_scope_label(scope), test.feature, "covered by the global rule"))
                continue
            rules.append(_rule(test, group))
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
    return MiningResult(rules, len(tests), len(candidates), dropped, merged_into, absorbed)


def _step_up(rules: list[Rule], tests: int, alpha: float) -> tuple[list[Rule], list[Rule]]:
    """Benjamini–Hochberg's step-up again, over the rules left after merging.

    One signal found as many features in many scopes would otherwise count as many
    discoveries and loosen the threshold for everything else; here each rule counts once
    (and every test still counts in the denominator), which is stricter than BH alone.
    """
    ordered = sorted(rules, key=lambda r: r.evidence.tested_p)
    passing = 0
    for rank, rule in enumerate(ordered, start=1):
        if rule.evidence.tested_p <= alpha * rank / tests:
            passing = rank
    return ordered[:passing], ordered[passing:]


def _index(counts: list[CountRow]) -> dict[tuple[str, str], dict[str, CountRow]]:
    tables: dict[tuple[str, str], dict[str, CountRow]] = defaultdict(dict)
    for row in counts:
        tables[(row.scope_kind, row.scope_value)][row.feature] = row
    return tables


def _tests(
    tables: dict[tuple[str, str], dict[str, CountRow]],
    groups: Comparable,
    mined_kinds: tuple[str, ...],
    settings: MiningSettings,
) -> list[Test]:
    """A test per scope and behaviour with enough support, raw and among comparable runs."""
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
            sums = groups.sums(kind, value, feature)
            if sums.n_with < settings.min_support or sums.n_without < settings.min_support:
                continue  # too little contrast within comparable runs to say anything
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
                sums=sums,
                p_value=sums.p_value,
            )
            if sums.variance < EXACT_BELOW and sums.p_value < SPARSE_RECHECK:
                test.p_value = exact_p(groups.tables(kind, value, feature))
            test.raw_p = fisher_p(test.pass_with, test.n_with, test.pass_without, test.n_without)
            tests.append(test)
    return tests


def _category_parts(groups: Comparable, feature: str) -> dict[str, Sums]:
    """The feature's stratified sums in each category (and among runs with none)."""
    parts = {value: groups.sums("category", value, feature) for value in groups.scope_values("category")}
    whole = groups.sums("all", "", feature)
    named = Sums()
    for part in parts.values():
        named = named + part
    rest = Sums(*(getattr(whole, f) - getattr(named, f) for f in Sums.__dataclass_fields__))
    if rest.weight > 1e-9:
        parts[""] = rest
    return parts


def _global_objection(
    test: Test, parts: dict[str, Sums], settings: MiningSettings
) -> str | None:
    """Why a rule over all runs would mislead, if it would: its effect differs between
    categories, one of which shows none of it."""
    informative = [s for s in parts.values() if s.weight > 0]
    if len(informative) < 2:
        return None
    if heterogeneity_p(informative) <= settings.alpha and any(
        _lacks_effect(part, test.difference, settings) for part in informative
    ):
        return "effect differs between categories"
    return None


def _concentrated(
    test: Test,
    parts: dict[str, Sums],
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
    rest = Sums()
    for category, part in parts.items():
        if category not in stronger:
            rest = rest + part
    if (
        rest.p_value > cutoff
        or np.sign(rest.difference) != np.sign(test.difference)
        or abs(rest.difference) < settings.min_difference
    ):
        return f"effect concentrated in {', '.join(stronger)}"
    return None


def _lacks_effect(part: Sums, difference: float, settings: MiningSettings) -> bool:
    """A well-supported category whose own effect is not the same effect."""
    if part.n_with < settings.min_support or part.n_without < settings.min_support:
        return False
    return part.difference * np.sign(difference) < settings.min_difference / 2


def _exceptions(test: Test, parts: dict[str, Sums], settings: MiningSettings) -> list[str]:
    """Categories whose own comparable runs show the opposite effect with confidence."""
    exceptions = []
    for category, part in sorted(parts.items()):
        if not category or part.n_with < settings.min_support:
            continue
        if part.n_without < settings.min_support:
            continue
        low, high = part.interval(settings.confidence)
        if (test.difference > 0 and high < 0) or (test.difference < 0 and low > 0):
            exceptions.append(category)
    return exceptions


def _rule(test: Test, group: Group) -> Rule:
    kind = templates.kind_for(test.feature, test.difference)
    low, high = newcombe_interval(test.pass_with, test.n_with, test.pass_without, test.n_without)
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
            difference=test.raw_difference,
            ci_low=low,
            ci_high=high,
            p_value=test.raw_p,
            q_value=test.raw_q,
            reward_with=test.reward_with,
            reward_without=test.reward_without,
            stratified=Stratified(
                by=["agent", "model", "task" if test.by_task else "category"],
                strata=test.sums.strata,
                difference=test.difference,
                ci_low=test.ci_low,
                ci_high=test.ci_high,
                p_value=test.p_value,
                q_value=test.q_value,
            ),
        ),
        score=test.score,
        merged_features=list(group.merged),
        absorbed=[{"feature": feature, "reason": why} for feature, why in group.absorbed],
        agents=list(test.agents),
    )


def _scope_label(scope: tuple[str, str]) -> str:
    kind, value = scope
    return "all" if kind == "all" else f"{kind}={value}"


def _label(scope: tuple[str, str], dropped: Dropped) -> tuple[str, str, str]:
    return _scope_label(scope), dropped.feature, dropped.reason
