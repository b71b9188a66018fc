"""Effects estimated among comparable runs: Mantel–Haenszel over strata of 2×2 tables.

Each stratum holds runs that can be compared with each other (the same agent configuration,
and the same task where it ran the task more than once). Within a stratum, runs with a
feature are compared with runs without it; the strata are pooled with Mantel–Haenszel weights
``n_with·n_without/n``, which stay valid however small the strata are (pairs of runs
included), so the estimate is never the difference between who ran or which task it was.

- the pooled risk difference (Mantel–Haenszel),
- its variance (Sato 1989, consistent for few large strata and for many small ones),
- the Cochran–Mantel–Haenszel test that it is zero.

Strata where every run has the feature, or none does, carry no information and add nothing.
Every sum here is additive over strata, so estimates over several scopes (e.g. the categories
a global rule covers) are sums of the scopes' sums.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from engram.mining import distributions as dist


@dataclass(slots=True)
class Sums:
    """The additive parts of the stratified estimate over some strata."""

    strata: int = 0  # strata with runs both with and without the feature
    n_with: int = 0  # runs with the feature in those strata
    pass_with: int = 0
    n_without: int = 0
    pass_without: int = 0
    numerator: float = 0.0  # Σ (a·n0 − c·n1)/N
    weight: float = 0.0  # Σ n1·n0/N
    deviation: float = 0.0  # Σ (a − n1·P/N): observed minus expected passes with the feature
    variance: float = 0.0  # Σ n1·n0·P·(N−P) / (N²(N−1)): of the deviation, under no effect
    sato_p: float = 0.0  # Sato's P term
    sato_q: float = 0.0  # Sato's Q term

    def __add__(self, other: Sums) -> Sums:
        return Sums(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @property
    def difference(self) -> float:
        """The Mantel–Haenszel pooled difference in pass rate, with minus without."""
        return self.numerator / self.weight if self.weight > 0 else 0.0

    @property
    def standard_error(self) -> float:
        """Sato's standard error of the pooled difference."""
        if self.weight <= 0:
            return math.inf
        variance = (self.difference * self.sato_p + self.sato_q) / (self.weight * self.weight)
        return math.sqrt(max(variance, 0.0))

    def interval(self, confidence: float = 0.95) -> tuple[float, float]:
        """A Wald interval on Sato's variance, with one neutral pseudo-stratum added (two runs
        with the feature and two without, one passing on each side, as Agresti and Caffo add
        to one table): negligible beside real evidence, it keeps ten perfectly separated
        pairs from claiming an interval of [1, 1]. Clipped to [-1, 1]."""
        if self.weight <= 0:
            return -1.0, 1.0
        steadied = self + _PSEUDO
        half = dist.norm_ppf(0.5 + confidence / 2) * steadied.standard_error
        centre = steadied.difference
        return max(-1.0, centre - half), min(1.0, centre + half)

    @property
    def p_value(self) -> float:
        """Two-sided Cochran–Mantel–Haenszel test of no effect: the score test, without a
        continuity correction (as statsmodels' default), since with many small strata (pairs
        of runs) the correction over-corrects and costs the power comparing like with like
        needs; the multiple-testing control stays as strict."""
        if self.variance <= 0:
            return 1.0
        chi2 = self.deviation**2 / self.variance
        return dist.chi2_sf(chi2, 1)


def stratified(tables: Iterable[tuple[int, int, int, int]]) -> Sums:
    """The sums over strata given as ``(pass_with, n_with, pass_without, n_without)``."""
    rows = np.asarray(list(tables), dtype=float).reshape(-1, 4)
    sums = sums_by(np.zeros(len(rows), dtype=np.int64), rows[:, 0], rows[:, 1],
                   rows[:, 0] + rows[:, 2], rows[:, 1] + rows[:, 3], 1)  # fmt: skip
    return sums[0]


def sums_by(
    group: np.ndarray,
    pass_with: np.ndarray,
    n_with: np.ndarray,
    passes: np.ndarray,
    runs: np.ndarray,
    groups: int,
) -> list[Sums]:
    """``Sums`` per group, from one row per (group, stratum): the runs and passes with the
    feature in the stratum, and the stratum's runs and passes."""
    columns = sum_columns(group, pass_with, n_with, passes, runs, groups)
    return [sums_at(columns, i) for i in range(groups)]


def sum_columns(
    group: np.ndarray,
    pass_with: np.ndarray,
    n_with: np.ndarray,
    passes: np.ndarray,
    runs: np.ndarray,
    groups: int,
) -> dict[str, np.ndarray]:
    """The fields of ``Sums`` as arrays over ``groups`` (vectorised over every row)."""
    a = np.asarray(pass_with, dtype=float)
    n1 = np.asarray(n_with, dtype=float)
    big_p = np.asarray(passes, dtype=float)
    big_n = np.asarray(runs, dtype=float)
    n0 = big_n - n1
    c = big_p - a
    keep = (n1 > 0) & (n0 > 0)
    a, n1, n0, c, big_p, big_n = (x[keep] for x in (a, n1, n0, c, big_p, big_n))
    index = np.asarray(group)[keep]

    def total(values: np.ndarray) -> np.ndarray:
        return np.bincount(index, weights=values, minlength=groups)

    squared = big_n * big_n
    return {
        "strata": total(np.ones_like(a)),
        "n_with": total(n1),
        "pass_with": total(a),
        "n_without": total(n0),
        "pass_without": total(c),
        "numerator": total((a * n0 - c * n1) / big_n),
        "weight": total(n1 * n0 / big_n),
        "deviation": total(a - n1 * big_p / big_n),
        "variance": total(n1 * n0 * big_p * (big_n - big_p) / (squared * (big_n - 1))),
        "sato_p": total((n1 * n1 * c - n0 * n0 * a + n1 * n0 * (n0 - n1) / 2) / squared),
        "sato_q": total((a * (n0 - c) + c * (n1 - a)) / (2 * big_n)),
    }


_COUNTS = frozenset({"strata", "n_with", "pass_with", "n_without", "pass_without"})


def sums_at(columns: dict[str, np.ndarray], index: Any) -> Sums:
    """The ``Sums`` at one position of ``sum_columns``' arrays."""
    values: dict[str, Any] = {
        name: (round(float(v[index])) if name in _COUNTS else float(v[index]))
        for name, v in columns.items()
    }
    return Sums(**values)


def run_sums(feature: np.ndarray, outcome: np.ndarray, strata: np.ndarray) -> Sums:
    """``Sums`` from runs: whether each has the feature, passed, and its stratum code."""
    codes, index = np.unique(np.asarray(strata), return_inverse=True)
    size = len(codes)
    has = np.asarray(feature, dtype=float)
    passed = np.asarray(outcome, dtype=float)
    columns = sum_columns(
        np.zeros(size, dtype=np.int64),
        np.bincount(index, weights=has * passed, minlength=size),
        np.bincount(index, weights=has, minlength=size),
        np.bincount(index, weights=passed, minlength=size),
        np.bincount(index, minlength=size).astype(float),
        1,
    )
    return sums_at(columns, 0)


_PSEUDO = stratified([(1, 2, 1, 2)])

#: Below this variance of the passes-with count (about 25 discordant pairs' worth), the normal
#: approximation of the CMH statistic is poor and the exact conditional test is used instead.
EXACT_BELOW = 6.0


def exact_p(tables: Iterable[tuple[int, int, int, int]]) -> float:
    """The exact conditional test of no effect over strata: the distribution of the passes
    with the feature, a sum of one hypergeometric per stratum (Fisher's test for one table),
    and the two-sided p of the tables as likely as the observed sum or less."""
    distribution = np.ones(1)
    observed = 0
    low_total = 0
    for pass_with, n_with, pass_without, n_without in tables:
        n, passes = n_with + n_without, pass_with + pass_without
        if n_with == 0 or n_without == 0 or passes in (0, n):
            continue
        low, high = max(0, n_with + passes - n), min(n_with, passes)
        if low > high or not low <= pass_with <= high:
            continue  # counts that cannot be (read while a writer changed them): no table
        support = np.arange(low, high + 1)
        pmf = dist.hypergeom_pmf(support, n, passes, n_with)
        distribution = np.convolve(distribution, pmf)
        observed += pass_with
        low_total += low
    if distribution.size == 1:
        return 1.0
    return dist.two_sided_p(distribution, observed - low_total)


def heterogeneity_p(parts: Sequence[Sums]) -> float:
    """Cochran's Q test that the pooled differences of several parts (e.g. categories) are
    one effect: inverse-variance weights on each part's Sato variance; 1.0 for fewer than two
    parts that carry information."""
    usable = [s for s in parts if s.weight > 0 and 0 < s.standard_error < math.inf]
    if len(usable) < 2:
        return 1.0
    d = np.array([s.difference for s in usable])
    w = np.array([1 / s.standard_error**2 for s in usable])
    pooled = float((w * d).sum() / w.sum())
    q = float((w * (d - pooled) ** 2).sum())
    return dist.chi2_sf(q, len(usable) - 1)
