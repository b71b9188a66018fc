"""The distributions mining needs, from ``scipy.special``.

Importing ``scipy.stats`` costs a learn about a second, more than mining itself on a small
store; these few functions are the formulas it would evaluate (each is checked against it in
``tests/mining/test_distributions.py``).
"""

from __future__ import annotations

import numpy as np
from scipy import special

#: An outcome at most this much likelier than the observed one still counts as "as extreme",
#: scipy's tolerance for floating-point ties in exact tests.
_RELATIVE_TIE = 1 + 1e-7


def norm_ppf(q: float) -> float:
    """The standard normal quantile."""
    return float(special.ndtri(q))


def norm_cdf(x: float) -> float:
    """The standard normal distribution function."""
    return float(special.ndtr(x))


def norm_sf(x: float) -> float:
    """The standard normal upper tail, ``P(Z > x)``."""
    return float(special.ndtr(-x))


def chi2_sf(x: float, df: int) -> float:
    """The chi-squared upper tail, ``P(X > x)`` with ``df`` degrees of freedom."""
    return float(special.chdtrc(df, x))


def binom_cdf(k: int, n: int, p: float) -> float:
    """``P(X <= k)`` for ``X ~ Binomial(n, p)``."""
    if k < 0:
        return 0.0
    return 1.0 if k >= n else float(special.bdtr(k, n, p))


def binom_greater_p(k: int, n: int, p: float) -> float:
    """The one-sided binomial test's p that the rate exceeds ``p``: ``P(X >= k)``."""
    if k <= 0:
        return 1.0
    return 0.0 if k > n else float(special.bdtrc(k - 1, n, p))


def hypergeom_pmf(support: np.ndarray, total: int, marked: int, drawn: int) -> np.ndarray:
    """``P(X = k)`` for each ``k`` in ``support``: ``X`` marked items among ``drawn`` drawn
    without replacement from ``total``."""
    k = np.asarray(support, dtype=float)
    log = (
        _log_choose(marked, k)
        + _log_choose(total - marked, drawn - k)
        - _log_choose(total, drawn)
    )
    return np.exp(log)


def _log_choose(n: float, k: np.ndarray | float) -> np.ndarray:
    return special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)


def fisher_exact_p(pass_with: int, n_with: int, pass_without: int, n_without: int) -> float:
    """The two-sided Fisher exact p of one 2×2 table: the probability, given both margins, of
    every table as likely as the observed one or less."""
    total, passes = n_with + n_without, pass_with + pass_without
    low, high = max(0, n_with + passes - total), min(n_with, passes)
    if high <= low:
        return 1.0
    pmf = hypergeom_pmf(np.arange(low, high + 1), total, passes, n_with)
    return two_sided_p(pmf, pass_with - low)


def two_sided_p(pmf: np.ndarray, observed: int) -> float:
    """The two-sided exact p of the outcome at index ``observed`` of a distribution: the
    probability of every outcome as likely as it or less."""
    return float(min(1.0, pmf[pmf <= pmf[observed] * _RELATIVE_TIE].sum()))


def bh_adjust(p_values: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values, in the input's order."""
    p = np.asarray(p_values, dtype=float)
    if p.size == 0:
        return p
    order = np.argsort(p, kind="stable")
    ranked = p[order] * p.size / np.arange(1, p.size + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty_like(adjusted)
    out[order] = np.clip(adjusted, 0.0, 1.0)
    return out
