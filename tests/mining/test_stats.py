"""engram.mining.stats against scipy, hand-written formulas and published worked examples."""

from __future__ import annotations

import itertools
import math
import warnings
from statistics import NormalDist
from typing import Any, Literal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from engram.mining.stats import (
    bh_qvalues,
    bootstrap_interval,
    fisher_p,
    heterogeneity_p,
    mcnemar_exact,
    newcombe_interval,
    paired_tasks_needed,
    stratified_effect,
    unpaired_runs_needed,
    wilcoxon_p,
    wilson_interval,
)

Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal


# --- Fisher's exact test ------------------------------------------------------------------


def hypergeometric_two_sided(
    pass_with: int, n_with: int, pass_without: int, n_without: int
) -> float:
    """Fisher's two-sided p: every table with the same margins at most as likely as this one."""
    passes, total = pass_with + pass_without, n_with + n_without

    def probability(a: int) -> float:
        return math.comb(n_with, a) * math.comb(n_without, passes - a) / math.comb(total, passes)

    low, high = max(0, passes - n_without), min(n_with, passes)
    observed = probability(pass_with)
    return min(
        1.0,
        sum(p for a in range(low, high + 1) if (p := probability(a)) <= observed * (1 + 1e-7)),
    )


@pytest.mark.parametrize(
    "table",
    [
        (3, 4, 1, 4),
        (10, 10, 8, 10),
        (154, 203, 153, 351),
        (0, 5, 5, 5),
        (7, 12, 7, 12),
        (1, 9, 11, 14),
    ],
)
def test_fisher_p_is_scipys_two_sided_fisher_exact(table: tuple[int, int, int, int]) -> None:
    pass_with, n_with, pass_without, n_without = table
    expected = stats.fisher_exact(
        [[pass_with, n_with - pass_with], [pass_without, n_without - pass_without]],
        alternative="two-sided",
    ).pvalue
    assert fisher_p(*table) == pytest.approx(expected, rel=1e-12)
    assert fisher_p(*table) == pytest.approx(hypergeometric_two_sided(*table), rel=1e-9)


def test_fisher_p_of_the_lady_tasting_tea() -> None:
    # Fisher (1935): 3 of 4 cups right each way; two-sided p = 34/70.
    assert fisher_p(3, 4, 1, 4) == pytest.approx(34 / 70, rel=1e-12)


def test_fisher_p_is_symmetric_in_which_side_has_the_feature() -> None:
    assert fisher_p(9, 12, 3, 15) == pytest.approx(fisher_p(3, 15, 9, 12), rel=1e-12)


def test_fisher_p_of_identical_rates_is_one() -> None:
    assert fisher_p(5, 10, 5, 10) == pytest.approx(1.0)


# --- Benjamini–Hochberg --------------------------------------------------------------------


def benjamini_hochberg(p_values: list[float]) -> list[float]:
    """q_(i) = min over j ≥ i of p_(j)·m/j, capped at 1, returned in the input's order."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    q = [0.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        index = order[rank - 1]
        running = min(running, p_values[index] * m / rank)
        q[index] = running
    return q


# Benjamini & Hochberg (1995), section 4: fifteen p-values; at 0.05 the first four are rejected.
BH_1995 = [
    0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240,
    0.4262, 0.5719, 0.6528, 0.7590, 1.0000,
]  # fmt: skip


def test_bh_qvalues_reject_the_first_four_of_the_1995_example() -> None:
    q = bh_qvalues(BH_1995)
    assert [bool(value <= 0.05) for value in q] == [True] * 4 + [False] * 11


def test_bh_qvalues_of_the_1995_example_by_hand() -> None:
    q = bh_qvalues(BH_1995)
    assert q[3] == pytest.approx(0.0095 * 15 / 4)
    assert q[4] == pytest.approx(0.0201 * 15 / 5)
    assert q[5] == pytest.approx(0.0298 * 15 / 7)  # step-up: a later, smaller ratio wins
    assert q[-1] == pytest.approx(1.0)
    assert np.allclose(q, benjamini_hochberg(BH_1995))


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_bh_qvalues_equal_a_hand_written_procedure(seed: int) -> None:
    rng = np.random.default_rng(seed)
    p_values = list(np.concatenate([rng.uniform(size=40), rng.uniform(0, 0.01, size=10)]))
    rng.shuffle(p_values)
    assert np.allclose(bh_qvalues(p_values), benjamini_hochberg(p_values), rtol=1e-12)


def test_bh_qvalues_keep_the_input_order() -> None:
    q = bh_qvalues([0.5, 0.01, 0.04])
    assert np.allclose(q, [0.5, 0.03, 0.06])


def test_bh_qvalues_are_never_below_their_p_values_nor_above_one() -> None:
    p_values = list(np.random.default_rng(7).uniform(size=100))
    q = bh_qvalues(p_values)
    assert np.all(q >= np.asarray(p_values) - 1e-15)
    assert np.all(q <= 1.0)


def test_bh_qvalues_of_nothing_is_empty() -> None:
    assert len(bh_qvalues([])) == 0


# --- Wilson and Newcombe intervals ---------------------------------------------------------


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    p = successes / n
    denominator = 1 + z * z / n
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - half) / denominator, (centre + half) / denominator


def newcombe(a: int, m: int, b: int, n: int) -> tuple[float, float]:
    """Newcombe (1998) method 10: the square-and-add of two Wilson intervals."""
    p1, p2 = a / m, b / n
    l1, u1 = wilson(a, m)
    l2, u2 = wilson(b, n)
    d = p1 - p2
    return d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt(
        (u1 - p1) ** 2 + (p2 - l2) ** 2
    )


def test_wilson_interval_of_81_in_263() -> None:
    low, high = wilson_interval(81, 263)
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)
    assert (low, high) == pytest.approx(wilson(81, 263), abs=1e-12)


@pytest.mark.parametrize(("successes", "n"), [(0, 10), (10, 10), (1, 3), (154, 203), (50, 100)])
def test_wilson_interval_matches_the_formula(successes: int, n: int) -> None:
    assert wilson_interval(successes, n) == pytest.approx(wilson(successes, n), abs=1e-12)


def test_wilson_interval_stays_within_zero_and_one() -> None:
    for successes in range(11):
        low, high = wilson_interval(successes, 10)
        assert 0.0 <= low <= successes / 10 + 1e-12
        assert successes / 10 - 1e-12 <= high <= 1.0


def test_a_wider_confidence_gives_a_wider_wilson_interval() -> None:
    low95, high95 = wilson_interval(30, 80, 0.95)
    low99, high99 = wilson_interval(30, 80, 0.99)
    assert low99 < low95 and high99 > high95
    assert (low99, high99) == pytest.approx(wilson(30, 80, z=2.5758293035489004), abs=1e-12)


def test_wilson_interval_of_no_runs_is_everything() -> None:
    assert wilson_interval(0, 0) == (0.0, 1.0)


# Newcombe (1998), Table II, method 10, rounded to four decimals.
NEWCOMBE_1998 = [
    ((56, 70, 48, 80), (0.0524, 0.3339)),
    ((9, 10, 3, 10), (0.1705, 0.8090)),
    ((6, 7, 2, 7), (0.0582, 0.8062)),
    ((5, 56, 0, 29), (-0.0381, 0.1926)),
    ((0, 10, 0, 20), (-0.1611, 0.2775)),
    ((0, 10, 0, 10), (-0.2775, 0.2775)),
    ((10, 10, 0, 20), (0.6791, 1.0000)),
    ((10, 10, 0, 10), (0.6075, 1.0000)),
]


@pytest.mark.parametrize(("table", "published"), NEWCOMBE_1998)
def test_newcombe_interval_reproduces_newcombe_1998(
    table: tuple[int, int, int, int], published: tuple[float, float]
) -> None:
    low, high = newcombe_interval(*table)
    assert (round(low, 4), round(high, 4)) == published
    assert (low, high) == pytest.approx(newcombe(*table), abs=1e-12)


def test_newcombe_interval_contains_the_difference() -> None:
    low, high = newcombe_interval(154, 203, 153, 351)
    assert low < 154 / 203 - 153 / 351 < high


def test_newcombe_interval_is_antisymmetric_in_the_sides() -> None:
    low, high = newcombe_interval(56, 70, 48, 80)
    swapped_low, swapped_high = newcombe_interval(48, 80, 56, 70)
    assert (swapped_low, swapped_high) == pytest.approx((-high, -low), abs=1e-12)


def test_more_evidence_gives_a_narrower_newcombe_interval() -> None:
    small_low, small_high = newcombe_interval(10, 10, 8, 10)
    large_low, large_high = newcombe_interval(300, 300, 240, 300)
    assert large_high - large_low < small_high - small_low
    assert large_low > small_low


# --- Mantel–Haenszel / Cochran–Mantel–Haenszel ---------------------------------------------

# Three strata of (pass_with, n_with, pass_without, n_without).
STRATA = [(20, 30, 10, 30), (15, 25, 12, 35), (8, 12, 5, 15)]
# The same tables through statsmodels' StratifiedTable.test_null_odds(correction=True).
STATSMODELS_CMH_P = 0.0005600773428593442


def mantel_haenszel(tables: list[tuple[int, int, int, int]]) -> tuple[float, float]:
    """MH risk difference; CMH chi-square (continuity-corrected) and its p-value."""
    numerator = denominator = deviation = variance = 0.0
    for a, n1, c, n0 in tables:
        total = n1 + n0
        numerator += (a * n0 - c * n1) / total
        denominator += n1 * n0 / total
        m1 = a + c
        m0 = total - m1
        deviation += a - n1 * m1 / total
        variance += n1 * n0 * m1 * m0 / (total**2 * (total - 1))
    chi2 = (abs(deviation) - 0.5) ** 2 / variance
    return numerator / denominator, math.erfc(math.sqrt(chi2 / 2))


def test_stratified_effect_of_a_worked_example() -> None:
    difference, p_value = stratified_effect(STRATA)
    expected_difference, expected_p = mantel_haenszel(STRATA)
    assert difference == pytest.approx(expected_difference, rel=1e-12)
    assert difference == pytest.approx(0.302682, abs=1e-6)
    assert p_value == pytest.approx(expected_p, rel=1e-9)
    assert p_value == pytest.approx(STATSMODELS_CMH_P, rel=1e-9)


def test_stratified_effect_of_one_stratum_is_its_own_difference() -> None:
    difference, p_value = stratified_effect([(30, 50, 20, 50)])
    assert difference == pytest.approx(0.2)
    assert p_value == pytest.approx(mantel_haenszel([(30, 50, 20, 50)])[1], rel=1e-9)


def test_strata_with_one_common_difference_give_that_difference() -> None:
    tables = [(8, 10, 6, 10), (45, 100, 25, 100), (14, 20, 30, 60)]
    difference, p_value = stratified_effect(tables)
    assert difference == pytest.approx(0.2, abs=1e-12)
    assert p_value < 0.01


def test_stratifying_removes_a_confounded_difference() -> None:
    # Easy tasks pass more and use the tool more; within each kind the tool changes nothing.
    easy, hard = (72, 80, 18, 20), (4, 20, 16, 80)
    crude = (easy[0] + hard[0]) / 100 - (easy[2] + hard[2]) / 100
    difference, p_value = stratified_effect([easy, hard])
    assert crude > 0.4
    assert difference == pytest.approx(0.0, abs=1e-12)
    assert p_value > 0.5


def test_strata_missing_one_side_are_skipped() -> None:
    with_empty = [*STRATA, (5, 5, 0, 0), (0, 0, 3, 9)]
    assert stratified_effect(with_empty) == pytest.approx(stratified_effect(STRATA))


def test_no_informative_stratum_means_no_effect() -> None:
    assert stratified_effect([]) == (0.0, 1.0)
    assert stratified_effect([(5, 5, 0, 0), (0, 0, 1, 1)]) == (0.0, 1.0)


def test_a_stratified_effect_without_variance_is_not_significant() -> None:
    difference, p_value = stratified_effect([(10, 10, 10, 10)])
    assert difference == 0.0
    assert p_value == 1.0


# --- heterogeneity -------------------------------------------------------------------------


def test_identical_strata_are_homogeneous() -> None:
    assert heterogeneity_p([(20, 30, 10, 30)] * 3) == pytest.approx(1.0)


def test_strata_with_the_same_difference_are_homogeneous() -> None:
    assert heterogeneity_p([(24, 30, 12, 30), (60, 100, 20, 100)]) > 0.3


def test_opposite_effects_are_heterogeneous() -> None:
    assert heterogeneity_p([(25, 30, 5, 30), (5, 30, 25, 30)]) < 1e-6


def test_strata_at_zero_or_full_pass_rates_still_count() -> None:
    assert heterogeneity_p([(30, 30, 0, 30), (0, 30, 30, 30)]) < 1e-6


def test_heterogeneity_needs_two_informative_strata() -> None:
    assert heterogeneity_p([(25, 30, 5, 30)]) == 1.0
    assert heterogeneity_p([(25, 30, 5, 30), (3, 3, 0, 0)]) == 1.0


# --- exact McNemar -------------------------------------------------------------------------


def test_mcnemar_exact_of_armitage_and_berry() -> None:
    # Armitage & Berry (1994, p. 127): two culture media, 12 vs 2 discordant specimens;
    # the exact (Liddell 1983) two-sided P is 0.0129.
    assert round(mcnemar_exact(12, 2), 4) == 0.0129
    assert mcnemar_exact(12, 2) == pytest.approx(2 * (1 + 14 + 91) / 2**14, rel=1e-12)


@pytest.mark.parametrize(("b", "c"), [(12, 2), (2, 12), (0, 5), (7, 7), (30, 18), (1, 0), (0, 0)])
def test_mcnemar_exact_is_statsmodels(b: int, c: int) -> None:
    from statsmodels.stats import contingency_tables as contingency

    expected = contingency.mcnemar([[40, b], [c, 25]], exact=True).pvalue
    assert mcnemar_exact(b, c) == pytest.approx(expected, rel=1e-12)


def test_mcnemar_exact_is_symmetric_and_one_without_discordance() -> None:
    assert mcnemar_exact(3, 11) == mcnemar_exact(11, 3)
    assert mcnemar_exact(0, 0) == 1.0
    assert mcnemar_exact(4, 4) == 1.0


@given(st.integers(0, 300), st.integers(0, 300))
def test_mcnemar_exact_is_a_probability(b: int, c: int) -> None:
    assert 0.0 <= mcnemar_exact(b, c) <= 1.0


# --- Wilcoxon signed-rank -----------------------------------------------------------------


def signed_rank_by_enumeration(differences: list[float]) -> float:
    """Two-sided exact p: every sign assignment of the ranks, counted (distinct |d| only)."""
    nonzero = [d for d in differences if d != 0]
    ranks = stats.rankdata(np.abs(nonzero))
    observed = sum(r for r, d in zip(ranks, nonzero, strict=True) if d > 0)
    totals = [
        sum(r for r, s in zip(ranks, signs, strict=True) if s)
        for signs in itertools.product([False, True], repeat=len(nonzero))
    ]
    low = sum(t <= observed for t in totals) / len(totals)
    high = sum(t >= observed for t in totals) / len(totals)
    return min(1.0, 2 * min(low, high))


def test_wilcoxon_p_of_five_improvements_is_two_in_thirty_two() -> None:
    # All five differences positive: only the all-plus and all-minus patterns are as extreme.
    assert wilcoxon_p([0.5, 1.0, 2.0, 3.0, 4.0]) == pytest.approx(2 / 32, rel=1e-12)
    assert wilcoxon_p([-1.0, -2.0, -3.0, -4.0, -5.0, -6.0]) == pytest.approx(2 / 64, rel=1e-12)


@pytest.mark.parametrize(
    "differences",
    [
        [1.5, -0.5, 2.5, 3.0, -1.0, 4.0, 0.25],
        [-3.0, 1.0, 2.0, -4.0, 5.0, 6.0, 7.0, -8.0, 9.0, 10.0],
        [0.1, 0.2, 0.3, -0.4],
    ],
)
def test_wilcoxon_p_is_exact_by_enumeration_and_scipy(differences: list[float]) -> None:
    assert wilcoxon_p(differences) == pytest.approx(signed_rank_by_enumeration(differences))
    assert wilcoxon_p(differences) == pytest.approx(stats.wilcoxon(differences).pvalue, rel=1e-12)


def test_wilcoxon_p_is_scipy_on_a_large_sample() -> None:
    differences = list(np.random.default_rng(3).normal(0.3, 1.0, size=120))
    expected = stats.wilcoxon(differences, zero_method="wilcox").pvalue
    assert wilcoxon_p(differences) == pytest.approx(expected, rel=1e-12)


def test_wilcoxon_p_drops_zero_differences() -> None:
    with_zeros = [0.0, 1.5, -0.5, 0.0, 2.5, 3.0, -1.0, 4.0, 0.25]
    assert wilcoxon_p(with_zeros) == wilcoxon_p([d for d in with_zeros if d != 0])
    assert wilcoxon_p(with_zeros) == pytest.approx(signed_rank_by_enumeration(with_zeros))


def test_wilcoxon_p_needs_a_non_zero_difference() -> None:
    assert wilcoxon_p([]) is None
    assert wilcoxon_p([0.0, 0.0, 0.0]) is None
    assert wilcoxon_p([0.0, 2.0]) == pytest.approx(1.0)


def test_wilcoxon_p_with_ties_is_quiet_and_symmetric() -> None:
    differences = [1.0, 1.0, -1.0, 2.0, 2.0, 0.0, 3.0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = wilcoxon_p(differences)
    assert p is not None and 0.0 < p <= 1.0
    assert wilcoxon_p([-d for d in differences]) == pytest.approx(p)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(-5, 5).map(float), max_size=30))
def test_wilcoxon_p_is_a_probability(differences: list[float]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = wilcoxon_p(differences)
    if any(differences):
        assert p is not None and 0.0 <= p <= 1.0
    else:
        assert p is None


# --- bootstrap intervals ------------------------------------------------------------------


def interval_of(*args: Any, **kwargs: Any) -> tuple[float, float]:
    interval = bootstrap_interval(*args, **kwargs)
    assert interval is not None
    return interval


def test_bootstrap_interval_covers_a_shift_in_the_median() -> None:
    rng = np.random.default_rng(11)
    baseline = rng.exponential(10.0, size=80)
    treatment = rng.exponential(10.0, size=80) + 5.0
    low, high = interval_of(baseline, treatment)
    assert low < 10.0 * math.log(2) + 5.0 - 10.0 * math.log(2) < high
    assert low > 0.0


def test_bootstrap_interval_of_paired_differences_covers_the_shift() -> None:
    rng = np.random.default_rng(5)
    baseline = rng.normal(20.0, 6.0, size=60)
    treatment = baseline + 3.0 + rng.normal(0.0, 1.0, size=60)
    interval = bootstrap_interval(baseline, treatment, paired=True)
    assert interval is not None
    assert interval[0] < 3.0 < interval[1]
    assert interval[0] > 2.0  # pairing removes the spread between tasks
    unpaired = bootstrap_interval(baseline, treatment)
    assert unpaired is not None
    assert unpaired[1] - unpaired[0] > interval[1] - interval[0]


def test_bootstrap_interval_of_one_sample_by_hand() -> None:
    values = np.random.default_rng(2).normal(size=40)
    low, high = interval_of(values, statistic="mean", resamples=500, seed=9)
    rng = np.random.default_rng(9)
    means = values[rng.integers(0, 40, size=(500, 40))].mean(axis=1)
    assert (low, high) == pytest.approx(tuple(np.percentile(means, [2.5, 97.5])), rel=1e-9)


def test_bootstrap_interval_is_deterministic_for_a_seed() -> None:
    a, b = [3.0, 8.0, 1.0, 9.0, 4.0, 7.0], [5.0, 12.0, 6.0, 10.0, 11.0, 2.0]
    first = bootstrap_interval(a, b, statistic="mean", seed=4)
    assert first == bootstrap_interval(a, b, statistic="mean", seed=4)
    assert first != bootstrap_interval(a, b, statistic="mean", seed=5)


def test_a_wider_confidence_gives_a_wider_bootstrap_interval() -> None:
    values = np.random.default_rng(8).normal(size=50)
    low90, high90 = interval_of(values, statistic="mean", confidence=0.9)
    low99, high99 = interval_of(values, statistic="mean", confidence=0.99)
    assert low99 < low90 < high90 < high99


def test_bootstrap_interval_of_degenerate_inputs_is_quiet() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert bootstrap_interval([4.0, 4.0, 4.0]) == (4.0, 4.0)
        assert bootstrap_interval([1.0, 1.0], [3.0, 3.0, 3.0]) == (2.0, 2.0)
        assert bootstrap_interval([1.0, 2.0, 3.0], [2.0, 3.0, 4.0], paired=True) == (1.0, 1.0)
        assert bootstrap_interval([0.1] * 5, statistic="mean") == (0.1, 0.1)
        assert bootstrap_interval([0.0, 0.0, 0.0, 1.0], [0.0] * 6) is not None
        assert bootstrap_interval([1.0, 1.0, 1.0, 1.0, 2.0]) is not None


def test_bootstrap_interval_needs_two_values_a_side() -> None:
    assert bootstrap_interval([]) is None
    assert bootstrap_interval([1.0]) is None
    assert bootstrap_interval([1.0, 2.0], [3.0]) is None
    assert bootstrap_interval([1.0], [3.0], paired=True) is None


def test_bootstrap_interval_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError):
        bootstrap_interval([1.0, 2.0], [1.0, 2.0, 3.0], paired=True)
    with pytest.raises(ValueError):
        bootstrap_interval([1.0, 2.0], paired=True)
    with pytest.raises(ValueError):
        bootstrap_interval([1.0, 2.0], statistic="mode")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        bootstrap_interval([1.0, 2.0], confidence=1.0)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 20).map(float), min_size=2, max_size=25),
    st.lists(st.integers(0, 20).map(float), min_size=2, max_size=25),
    st.sampled_from(["median", "mean"]),
)
def test_bootstrap_interval_is_ordered(
    a: list[float], b: list[float], statistic: Literal["median", "mean"]
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        interval = bootstrap_interval(a, b, statistic=statistic, resamples=200)
    assert interval is not None
    low, high = interval
    assert low <= high
    assert min(b) - max(a) <= low and high <= max(b) - min(a)


# --- sample sizes -------------------------------------------------------------------------


def tasks(*args: Any, **kwargs: Any) -> int:
    needed = paired_tasks_needed(*args, **kwargs)
    assert needed is not None
    return needed


def runs(*args: Any, **kwargs: Any) -> int:
    needed = unpaired_runs_needed(*args, **kwargs)
    assert needed is not None
    return needed


def connor(p01: float, p10: float, alpha: float = 0.05, power: float = 0.8) -> float:
    normal = NormalDist()
    z_alpha, z_power = normal.inv_cdf(1 - alpha / 2), normal.inv_cdf(power)
    psi, delta = p01 + p10, p01 - p10
    return ((z_alpha * math.sqrt(psi) + z_power * math.sqrt(psi - delta**2)) / delta) ** 2


def test_paired_tasks_needed_of_connors_example() -> None:
    # Connor (1987), p. 209: p01 = 0.45, p10 = 0.05, two-sided α = 0.05, 80% power: 23 pairs.
    assert paired_tasks_needed(0.30, 0.70, discordance=0.50) == 23
    assert paired_tasks_needed(0.70, 0.30, discordance=0.50) == 23
    assert math.ceil(connor(0.45, 0.05)) == 23


@pytest.mark.parametrize(("p_baseline", "p_treatment"), [(0.5, 0.7), (0.3, 0.35), (0.8, 0.6)])
def test_paired_tasks_needed_under_independence_by_hand(
    p_baseline: float, p_treatment: float
) -> None:
    p01 = (1 - p_baseline) * p_treatment
    p10 = p_baseline * (1 - p_treatment)
    assert paired_tasks_needed(p_baseline, p_treatment) == math.ceil(connor(p01, p10))
    assert paired_tasks_needed(p_baseline, p_treatment, alpha=0.01, power=0.9) == math.ceil(
        connor(p01, p10, alpha=0.01, power=0.9)
    )


def test_paired_tasks_needed_clamps_the_discordance() -> None:
    # Fewer discordant pairs than the gain itself is impossible: ψ is raised to |δ|.
    assert paired_tasks_needed(0.5, 0.7, discordance=0.0) == paired_tasks_needed(
        0.5, 0.7, discordance=0.2
    )
    assert paired_tasks_needed(0.5, 0.7, discordance=0.2) == math.ceil(connor(0.2, 0.0))


def test_paired_tasks_needed_is_monotone() -> None:
    needed = [tasks(0.5, 0.5 + gain) for gain in (0.05, 0.1, 0.2, 0.3)]
    assert needed == sorted(needed, reverse=True) and len(set(needed)) == 4
    by_power = [tasks(0.5, 0.6, power=power) for power in (0.5, 0.8, 0.9, 0.95)]
    assert by_power == sorted(by_power) and len(set(by_power)) == 4
    by_discordance = [tasks(0.5, 0.6, discordance=d) for d in (0.15, 0.3, 0.5)]
    assert by_discordance == sorted(by_discordance) and len(set(by_discordance)) == 3


def test_paired_tasks_needed_without_a_difference_is_none() -> None:
    assert paired_tasks_needed(0.4, 0.4) is None
    assert paired_tasks_needed(0.0, 1e-311) is None  # more tasks than a float can count
    with pytest.raises(ValueError):
        paired_tasks_needed(0.4, 1.2)
    with pytest.raises(ValueError):
        paired_tasks_needed(0.4, 0.6, discordance=1.5)


@pytest.mark.parametrize(
    ("p_baseline", "p_treatment", "discordance"), [(0.5, 0.7, None), (0.3, 0.7, 0.5)]
)
def test_exact_mcnemar_has_the_power_at_the_paired_tasks_needed(
    p_baseline: float, p_treatment: float, discordance: float | None
) -> None:
    n = paired_tasks_needed(p_baseline, p_treatment, discordance=discordance)
    assert n is not None
    if discordance is None:
        p01, p10 = (1 - p_baseline) * p_treatment, p_baseline * (1 - p_treatment)
    else:
        delta = p_treatment - p_baseline
        p01, p10 = (discordance + delta) / 2, (discordance - delta) / 2
    rng = np.random.default_rng(2024)
    counts = rng.multinomial(n, [p01, p10, 1 - p01 - p10], size=4000)
    p_values = np.array([mcnemar_exact(int(c), int(b)) for b, c, _ in counts])
    simulated = float(np.mean(p_values <= 0.05))
    assert simulated >= 0.75  # the exact test is conservative, so a little under 0.8
    smaller = np.array(
        [
            mcnemar_exact(int(c), int(b))
            for b, c, _ in rng.multinomial(n // 2, [p01, p10, 1 - p01 - p10], size=4000)
        ]
    )
    assert float(np.mean(smaller <= 0.05)) < simulated


@pytest.mark.parametrize(
    ("p_baseline", "p_treatment", "alpha", "power"),
    [
        (0.5, 0.7, 0.05, 0.8),
        (0.7, 0.5, 0.05, 0.8),
        (0.2, 0.25, 0.05, 0.8),
        (0.0, 0.1, 0.05, 0.9),
        (0.9, 1.0, 0.01, 0.8),
        (0.4, 0.45, 0.1, 0.5),
        (0.05, 0.95, 0.05, 0.8),
        (0.33, 0.41, 0.01, 0.95),
    ],
)
def test_unpaired_runs_needed_is_statsmodels(
    p_baseline: float, p_treatment: float, alpha: float, power: float
) -> None:
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    expected = NormalIndPower().solve_power(
        proportion_effectsize(p_treatment, p_baseline), alpha=alpha, power=power, ratio=1
    )
    assert unpaired_runs_needed(p_baseline, p_treatment, alpha, power) == math.ceil(expected)


def test_unpaired_runs_needed_by_hand() -> None:
    # Cohen's h for 0.5 → 0.7 is 0.4115; n = 2·(1.96 + 0.8416)²/h² = 92.7 → 93 a side.
    h = 2 * math.asin(math.sqrt(0.7)) - 2 * math.asin(math.sqrt(0.5))
    assert h == pytest.approx(0.4115, abs=1e-4)
    assert unpaired_runs_needed(0.5, 0.7) == 93 == math.ceil(2 * ((Z95 + 0.8416212) / h) ** 2)


def test_unpaired_runs_needed_is_monotone_and_dearer_than_pairing() -> None:
    needed = [runs(0.5, 0.5 + gain) for gain in (0.05, 0.1, 0.2, 0.3)]
    assert needed == sorted(needed, reverse=True) and len(set(needed)) == 4
    by_power = [runs(0.5, 0.6, power=power) for power in (0.5, 0.8, 0.9)]
    assert by_power == sorted(by_power) and len(set(by_power)) == 3
    # Strongly correlated pairs (few discordant tasks) need fewer tasks than two free samples.
    assert tasks(0.5, 0.6, discordance=0.15) < runs(0.5, 0.6)


def test_unpaired_runs_needed_without_a_difference_is_none() -> None:
    assert unpaired_runs_needed(0.3, 0.3) is None
    assert unpaired_runs_needed(0.0, 1e-320) is None
    with pytest.raises(ValueError):
        unpaired_runs_needed(0.3, 0.5, alpha=0.5, power=0.4)


@settings(max_examples=60, deadline=None)
@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_sample_sizes_are_positive_or_none(p_baseline: float, p_treatment: float) -> None:
    paired = paired_tasks_needed(p_baseline, p_treatment)
    unpaired = unpaired_runs_needed(p_baseline, p_treatment)
    if abs(p_treatment - p_baseline) > 1e-100:
        assert paired is not None and unpaired is not None
    if p_baseline == p_treatment:
        assert paired is None and unpaired is None
    assert paired is None or paired >= 1
    assert unpaired is None or unpaired >= 1


def test_the_median_difference_interval_agrees_with_the_bootstrap_on_large_samples() -> None:
    from engram.mining.stats import median_difference_interval

    rng = np.random.default_rng(4)
    a = rng.lognormal(8.0, 0.6, 3_000)
    b = rng.lognormal(8.1, 0.6, 2_500)
    low, high = median_difference_interval(a, b)
    boot_low, boot_high = bootstrap_interval(a, b, statistic="median")
    width = boot_high - boot_low
    assert abs(low - boot_low) < 0.2 * width and abs(high - boot_high) < 0.2 * width
    true_gap = np.exp(8.1) - np.exp(8.0)
    assert low < true_gap < high
    assert median_difference_interval([1.0], [2.0, 3.0]) is None


def test_the_median_difference_interval_covers_at_its_level() -> None:
    from engram.mining.stats import median_difference_interval

    rng = np.random.default_rng(5)
    covered = 0
    for _ in range(400):
        a, b = rng.exponential(1.0, 300), rng.exponential(1.0, 300) + 0.5
        low, high = median_difference_interval(a, b)
        covered += low < 0.5 < high
    assert 0.92 <= covered / 400 <= 0.98
