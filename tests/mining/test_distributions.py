"""The distributions mining computes from scipy.special give what scipy.stats gives."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from engram.mining import distributions as dist

RNG = np.random.default_rng(7)


@pytest.mark.parametrize("q", [1e-12, 0.001, 0.025, 0.5, 0.8, 0.975, 0.999999])
def test_normal_quantile_and_tails(q: float) -> None:
    x = stats.norm.ppf(q)
    assert dist.norm_ppf(q) == pytest.approx(x, rel=1e-12)
    assert dist.norm_cdf(x) == pytest.approx(stats.norm.cdf(x), rel=1e-12)
    assert dist.norm_sf(x) == pytest.approx(stats.norm.sf(x), rel=1e-12)


@pytest.mark.parametrize("df", [1, 2, 5, 40])
def test_chi_squared_tail(df: int) -> None:
    for x in [0.0, 0.3, 3.84, 12.0, 80.0]:
        assert dist.chi2_sf(x, df) == pytest.approx(stats.chi2.sf(x, df), rel=1e-10, abs=1e-300)


def test_binomial_tails_match_scipy_including_the_edges() -> None:
    for n in [1, 7, 60, 5_000]:
        for p in [0.05, 0.5, 0.93]:
            for k in sorted({-1, 0, 1, n // 3, n - 1, n, n + 1}):
                assert dist.binom_cdf(k, n, p) == pytest.approx(stats.binom.cdf(k, n, p), rel=1e-10)
                if 0 <= k <= n:
                    expected = stats.binomtest(k, n, p, alternative="greater").pvalue
                    assert dist.binom_greater_p(k, n, p) == pytest.approx(expected, rel=1e-9)


def test_hypergeometric_mass_matches_scipy_on_large_and_small_urns() -> None:
    for total, marked, drawn in [(10, 4, 3), (300, 120, 50), (100_000, 61_000, 4_000)]:
        support = np.arange(max(0, drawn + marked - total), min(drawn, marked) + 1)
        expected = stats.hypergeom.pmf(support, total, marked, drawn)
        got = dist.hypergeom_pmf(support, total, marked, drawn)
        assert np.allclose(got, expected, rtol=1e-9, atol=1e-300)
        assert got.sum() == pytest.approx(1.0, rel=1e-9)


def test_fisher_exact_matches_scipy_on_random_and_degenerate_tables() -> None:
    tables = [(0, 5, 0, 5), (5, 5, 0, 5), (3, 3, 0, 0), (0, 0, 2, 9), (7, 10, 3, 10)]
    tables += [(1000, 4000, 50_000, 96_000), (4, 9, 4, 9)]  # large; symmetric: ties at 1
    for _ in range(400):
        n_with, n_without = (int(n) for n in RNG.integers(1, 80, size=2))
        tables.append((int(RNG.integers(0, n_with + 1)), n_with,
                       int(RNG.integers(0, n_without + 1)), n_without))  # fmt: skip
    for pass_with, n_with, pass_without, n_without in tables:
        table = [[pass_with, n_with - pass_with], [pass_without, n_without - pass_without]]
        expected = stats.fisher_exact(table).pvalue
        got = dist.fisher_exact_p(pass_with, n_with, pass_without, n_without)
        assert got == pytest.approx(expected, rel=1e-9, abs=1e-300), table


def test_benjamini_hochberg_matches_scipy_with_ties_and_order_kept() -> None:
    for p in [RNG.uniform(size=50), np.array([0.01, 0.04, 0.04, 0.2, 0.001, 1.0]), np.array([0.3])]:
        expected = stats.false_discovery_control(p, method="bh")
        assert np.allclose(dist.bh_adjust(p), expected, rtol=1e-12)
    assert dist.bh_adjust(np.array([])).size == 0

