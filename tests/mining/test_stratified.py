"""The stratified statistics against statsmodels, worked examples, and generated truth."""

from __future__ import annotations

import numpy as np
import pytest
from statsmodels.stats.contingency_tables import StratifiedTable

from engram.mining.stratified import Sums, heterogeneity_p, run_sums, stratified

TABLES = [(5, 10, 2, 9), (7, 12, 5, 13), (3, 8, 1, 7), (9, 15, 4, 11)]


def statsmodels_table(tables: list[tuple[int, int, int, int]]) -> StratifiedTable:
    return StratifiedTable([np.array([[a, n1 - a], [c, n0 - c]]) for a, n1, c, n0 in tables])


@pytest.mark.parametrize("tables", [TABLES, TABLES[:1], [(1, 1, 0, 1)] * 12 + [(0, 1, 1, 1)] * 3])
def test_the_cmh_test_is_statsmodels(tables: list[tuple[int, int, int, int]]) -> None:
    reference = statsmodels_table(tables).test_null_odds(correction=False)
    assert stratified(tables).p_value == pytest.approx(reference.pvalue, rel=1e-9)


def test_the_pooled_difference_is_mantel_haenszels() -> None:
    sums = stratified(TABLES)
    weights = [n1 * n0 / (n1 + n0) for _, n1, _, n0 in TABLES]
    differences = [a / n1 - c / n0 for a, n1, c, n0 in TABLES]
    expected = sum(w * d for w, d in zip(weights, differences, strict=True)) / sum(weights)
    assert sums.difference == pytest.approx(expected)
    assert (sums.strata, sums.n_with, sums.pass_with) == (4, 45, 24)


def test_one_stratum_is_the_plain_difference_with_the_wald_variance() -> None:
    sums = stratified([(300, 1000, 200, 1000)])
    assert sums.difference == pytest.approx(0.1)
    assert sums.standard_error**2 == pytest.approx(0.3 * 0.7 / 1000 + 0.2 * 0.8 / 1000)


def test_strata_without_contrast_add_nothing() -> None:
    with_empty = stratified([*TABLES, (4, 4, 0, 0), (0, 0, 3, 5)])
    assert with_empty == stratified(TABLES)
    assert stratified([]) == Sums() and Sums().p_value == 1.0 and Sums().interval() == (-1, 1)


def test_sums_add_over_parts() -> None:
    whole = stratified(TABLES)
    parts = stratified(TABLES[:2]) + stratified(TABLES[2:])
    assert parts.difference == pytest.approx(whole.difference)
    assert parts.p_value == pytest.approx(whole.p_value)


def test_runs_give_the_same_sums_as_their_tables() -> None:
    rng = np.random.default_rng(0)
    strata = rng.integers(0, 6, 300)
    feature = rng.random(300) < 0.4
    outcome = rng.random(300) < 0.3 + 0.2 * feature
    tables = [
        (int((feature & outcome & (strata == s)).sum()), int((feature & (strata == s)).sum()),
         int((~feature & outcome & (strata == s)).sum()), int((~feature & (strata == s)).sum()))
        for s in range(6)
    ]  # fmt: skip
    assert run_sums(feature, outcome, strata).difference == pytest.approx(
        stratified(tables).difference
    )


def test_simpsons_trap_comparing_within_strata_reverses_the_raw_sign() -> None:
    """A tool used mostly on hard tasks: raw it looks harmful; within each task it helps."""
    easy, hard = (45, 50, 400, 500), (80, 400, 5, 50)  # 90% vs 80%; 20% vs 10%
    raw = stratified([tuple(map(sum, zip(easy, hard, strict=True)))])  # type: ignore[arg-type]
    within = stratified([easy, hard])
    assert raw.difference < -0.3 and raw.p_value < 1e-10
    assert within.difference == pytest.approx(0.1, abs=0.01) and within.p_value < 0.05


@pytest.mark.parametrize(("strata", "low", "high"), [(300, 1, 3), (6, 60, 200)])
def test_the_interval_covers_the_truth_about_95_percent_of_the_time(
    strata: int, low: int, high: int
) -> None:
    """Generated truth: a common difference of +0.2, in many tiny strata or a few large ones."""
    rng = np.random.default_rng(7)
    covered = 0
    trials = 600
    for _ in range(trials):
        tables = []
        for _ in range(strata):
            base = rng.uniform(0.2, 0.6)
            n1, n0 = rng.integers(low, high + 1, 2)
            tables.append((rng.binomial(n1, base + 0.2), n1, rng.binomial(n0, base), n0))
        lower, upper = stratified(tables).interval()
        covered += lower <= 0.2 <= upper
    assert 0.92 <= covered / trials <= 0.98


def test_perfect_separation_in_a_few_pairs_claims_no_certainty() -> None:
    lower, upper = stratified([(1, 1, 0, 1)] * 10).interval()
    assert upper == 1.0 and 0.4 < lower < 0.8


def test_heterogeneity_tells_one_effect_from_two() -> None:
    same = [stratified([(60, 100, 40, 100)]), stratified([(62, 100, 41, 100)])]
    opposite = [stratified([(80, 100, 40, 100)]), stratified([(40, 100, 80, 100)])]
    assert heterogeneity_p(same) > 0.5 and heterogeneity_p(opposite) < 1e-6
    assert heterogeneity_p(same[:1]) == 1.0
