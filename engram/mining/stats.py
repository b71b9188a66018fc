"""The statistics behind every rule: exact tests, multiple-testing control, intervals."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any, Literal

import numpy as np

from engram.mining import distributions as dist


@lru_cache(maxsize=65_536)
def fisher_p(pass_with: int, n_with: int, pass_without: int, n_without: int) -> float:
    """Two-sided Fisher exact p-value of the 2×2 table passed/failed × with/without."""
    return dist.fisher_exact_p(pass_with, n_with, pass_without, n_without)


def bh_qvalues(p_values: Sequence[float]) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values), in the input's order."""
    return dist.bh_adjust(np.asarray(p_values, dtype=float))


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion."""
    if n == 0:
        return 0.0, 1.0
    z = dist.norm_ppf(0.5 + confidence / 2)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


def newcombe_interval(
    pass_with: int, n_with: int, pass_without: int, n_without: int, confidence: float = 0.95
) -> tuple[float, float]:
    """Newcombe's hybrid score interval (method 10) for the difference of two proportions."""
    p1, p2 = pass_with / n_with, pass_without / n_without
    l1, u1 = wilson_interval(pass_with, n_with, confidence)
    l2, u2 = wilson_interval(pass_without, n_without, confidence)
    difference = p1 - p2
    low = difference - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = difference + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return max(-1.0, low), min(1.0, high)


def stratified_effect(
    tables: Sequence[tuple[int, int, int, int]],
) -> tuple[float, float]:
    """Mantel–Haenszel risk difference and Cochran–Mantel–Haenszel p-value over strata.

    Each table is ``(pass_with, n_with, pass_without, n_without)``; strata where either side is
    empty carry no information and are skipped. Returns ``(0.0, 1.0)`` when none is left.
    """
    numerator = weight = 0.0
    deviation = variance = 0.0
    for pass_with, n_with, pass_without, n_without in tables:
        total = n_with + n_without
        if n_with == 0 or n_without == 0 or total < 2:
            continue
        numerator += (pass_with * n_without - pass_without * n_with) / total
        weight += n_with * n_without / total
        passes = pass_with + pass_without
        fails = total - passes
        deviation += pass_with - n_with * passes / total
        variance += n_with * n_without * passes * fails / (total * total * (total - 1))
    if weight == 0:
        return 0.0, 1.0
    risk_difference = numerator / weight
    if variance <= 0:
        return risk_difference, 1.0
    chi2 = max(abs(deviation) - 0.5, 0.0) ** 2 / variance
    return risk_difference, dist.chi2_sf(chi2, 1)


def heterogeneity_p(tables: Sequence[tuple[int, int, int, int]]) -> float:
    """Cochran's Q test that the risk difference is the same in every stratum.

    Uses inverse-variance weights with a 0.5 continuity correction so that strata at 0% or
    100% still count; 1.0 when fewer than two strata carry information.
    """
    differences, weights = [], []
    for pass_with, n_with, pass_without, n_without in tables:
        if n_with == 0 or n_without == 0:
            continue
        p1 = (pass_with + 0.5) / (n_with + 1)
        p2 = (pass_without + 0.5) / (n_without + 1)
        variance = p1 * (1 - p1) / (n_with + 1) + p2 * (1 - p2) / (n_without + 1)
        differences.append(pass_with / n_with - pass_without / n_without)
        weights.append(1 / variance)
    if len(differences) < 2:
        return 1.0
    d, w = np.asarray(differences), np.asarray(weights)
    pooled = float((w * d).sum() / w.sum())
    q = float((w * (d - pooled) ** 2).sum())
    return dist.chi2_sf(q, len(differences) - 1)


def mcnemar_exact(only_baseline: int, only_treatment: int) -> float:
    """Two-sided exact McNemar p-value from the two discordant pair counts.

    The sign test of ``b`` against ``b + c`` at one half (statsmodels' ``mcnemar(exact=True)``);
    1.0 when no pair is discordant.
    """
    if only_baseline < 0 or only_treatment < 0:
        raise ValueError("discordant pair counts must be non-negative")
    discordant = only_baseline + only_treatment
    if discordant == 0:
        return 1.0
    tail = dist.binom_cdf(min(only_baseline, only_treatment), discordant, 0.5)
    return min(1.0, 2 * tail)


def wilcoxon_p(differences: Sequence[float]) -> float | None:
    """Two-sided Wilcoxon signed-rank p-value of paired differences.

    Zero differences are dropped before ranking (Wilcoxon's own ``zero_method="wilcox"``), so
    what is left decides whether scipy can be exact: no ties and at most 50 differences give
    the exact null distribution; ties give scipy's sign-flip enumeration when few, else its
    normal approximation. None when no difference is non-zero: there is nothing to test.
    """
    d = np.asarray(differences, dtype=float)
    d = d[d != 0]
    if d.size == 0:
        return None
    from scipy import stats

    return float(stats.wilcoxon(d, zero_method="wilcox", alternative="two-sided").pvalue)


_STATISTICS: dict[str, Callable[..., Any]] = {"median": np.median, "mean": np.mean}


def bootstrap_interval(
    values_a: Sequence[float] | np.ndarray,
    values_b: Sequence[float] | np.ndarray | None = None,
    *,
    statistic: Literal["median", "mean"] = "median",
    paired: bool = False,
    confidence: float = 0.95,
    resamples: int = 2000,
    seed: int = 0,
) -> tuple[float, float] | None:
    """Percentile bootstrap interval, deterministic for a given seed.

    One sample (``values_b`` None): the interval of ``statistic(a)``. Two independent samples:
    of ``statistic(b) - statistic(a)``, each side resampled on its own. Paired: of
    ``statistic(b - a)``. None when a side has fewer than two values; ``(x, x)`` when every
    resample would give the same ``x``. Percentile rather than BCa: BCa fails (with a warning
    and NaN) on the tied and near-constant samples that pass rates and turn counts produce.
    """
    if statistic not in _STATISTICS:
        raise ValueError(f"statistic must be 'median' or 'mean', not {statistic!r}")
    if not 0 < confidence < 1:
        raise ValueError("confidence must lie strictly between 0 and 1")
    if resamples < 1:
        raise ValueError("resamples must be positive")
    function = _STATISTICS[statistic]
    a = np.asarray(values_a, dtype=float)
    b = None if values_b is None else np.asarray(values_b, dtype=float)
    if paired:
        if b is None:
            raise ValueError("a paired interval needs values_b")
        if a.size != b.size:
            raise ValueError("paired samples must have the same length")
        a, b = b - a, None
    if a.size < 2 or (b is not None and b.size < 2):
        return None
    if b is None:
        if np.all(a == a[0]):
            return float(a[0]), float(a[0])
        samples: tuple[np.ndarray, ...] = (a,)

        def estimate(*xs: np.ndarray, axis: int = -1) -> np.ndarray:
            return np.asarray(function(xs[0], axis=axis))
    else:
        if np.all(a == a[0]) and np.all(b == b[0]):
            return float(b[0] - a[0]), float(b[0] - a[0])
        samples = (a, b)

        def estimate(*xs: np.ndarray, axis: int = -1) -> np.ndarray:
            return np.asarray(function(xs[1], axis=axis) - function(xs[0], axis=axis))

    batch = max(1, min(resamples, 2**22 // max(x.size for x in samples)))
    options = {
        "n_resamples": resamples,
        "batch": batch,
        "vectorized": True,
        "confidence_level": confidence,
        "method": "percentile",
    }
    from scipy import stats

    rng = np.random.default_rng(seed)
    try:
        result = stats.bootstrap(samples, estimate, rng=rng, **options)
    except TypeError:  # scipy < 1.15 names the generator random_state
        result = stats.bootstrap(samples, estimate, random_state=rng, **options)
    low, high = result.confidence_interval
    return float(low), float(high)


def median_difference_interval(
    values_a: Sequence[float] | np.ndarray,
    values_b: Sequence[float] | np.ndarray,
    confidence: float = 0.95,
) -> tuple[float, float] | None:
    """Price and Bonett's (2002) distribution-free interval for ``median(b) - median(a)``.

    Each median's standard error comes from two order statistics (McKean and Schrader), so the
    interval costs a sort where a bootstrap costs thousands of medians; for large samples,
    where the two agree, it is the one to use. None when a side has fewer than two values.
    """
    a, b = np.sort(np.asarray(values_a, float)), np.sort(np.asarray(values_b, float))
    if a.size < 2 or b.size < 2:
        return None
    z = dist.norm_ppf(0.5 + confidence / 2)
    variance = sum(_median_standard_error(x) ** 2 for x in (a, b))
    centre = float(np.median(b) - np.median(a))
    half = z * math.sqrt(variance)
    return centre - half, centre + half


def _median_standard_error(ordered: np.ndarray) -> float:
    """McKean and Schrader's standard error of a sorted sample's median."""
    n = ordered.size
    c = min(max(1, round((n + 1) / 2 - math.sqrt(n))), (n + 1) // 2)
    return float(ordered[n - c] - ordered[c - 1]) / (2 * 1.959964)


def _check_probability(name: str, value: float, *, open_interval: bool = False) -> None:
    if not (0 < value < 1 if open_interval else 0 <= value <= 1):
        raise ValueError(f"{name} must lie in {'(0, 1)' if open_interval else '[0, 1]'}")


def paired_tasks_needed(
    p_baseline: float,
    p_treatment: float,
    alpha: float = 0.05,
    power: float = 0.8,
    discordance: float | None = None,
) -> int | None:
    """Paired tasks a two-sided McNemar test needs to detect the difference (Connor 1987).

    ``n = (z_{1-α/2}·√ψ + z_{power}·√(ψ − δ²))² / δ²`` with ``δ = p_treatment − p_baseline``
    and ``ψ`` the discordant proportion: ``discordance`` when given, otherwise the value under
    independence within a pair, ``(1−p_b)·p_t + p_b·(1−p_t)``. ``ψ`` is raised to ``|δ|``, the
    least it can be. None when the rates are equal, or so close that no float holds the count.
    """
    _check_probability("p_baseline", p_baseline)
    _check_probability("p_treatment", p_treatment)
    _check_probability("alpha", alpha, open_interval=True)
    _check_probability("power", power, open_interval=True)
    delta = p_treatment - p_baseline
    if delta == 0:
        return None
    if discordance is None:
        discordance = (1 - p_baseline) * p_treatment + p_baseline * (1 - p_treatment)
    else:
        _check_probability("discordance", discordance)
    psi = max(discordance, abs(delta))
    z_alpha = dist.norm_ppf(1 - alpha / 2)
    z_power = dist.norm_ppf(power)
    root = z_alpha * math.sqrt(psi) + z_power * math.sqrt(max(psi - delta * delta, 0.0))
    ratio = root / delta
    n = ratio * ratio  # not ** 2, which raises rather than overflow to inf
    return max(1, math.ceil(n)) if math.isfinite(n) else None


def unpaired_runs_needed(
    p_baseline: float, p_treatment: float, alpha: float = 0.05, power: float = 0.8
) -> int | None:
    """Runs per side for a two-sided two-proportion z-test on Cohen's h (equal sides).

    Solves ``Φ(|h|·√(n/2) − z) + Φ(−|h|·√(n/2) − z) = power`` with ``z = z_{1-α/2}`` and
    ``h = 2·asin√p_t − 2·asin√p_b``, as statsmodels' ``NormalIndPower`` does, and rounds up.
    None when the rates are equal, or so close that no float holds the count.
    """
    _check_probability("p_baseline", p_baseline)
    _check_probability("p_treatment", p_treatment)
    _check_probability("alpha", alpha, open_interval=True)
    _check_probability("power", power, open_interval=True)
    if power <= alpha:
        raise ValueError("power must exceed alpha")
    h = abs(2 * math.asin(math.sqrt(p_treatment)) - 2 * math.asin(math.sqrt(p_baseline)))
    if h == 0:
        return None
    z_alpha = dist.norm_ppf(1 - alpha / 2)

    def shortfall(n: float) -> float:
        shift = h * math.sqrt(n / 2)
        return dist.norm_sf(z_alpha - shift) + dist.norm_cdf(-z_alpha - shift) - power

    # The one-tailed closed form is an upper bound: the far tail only adds power.
    ratio = (z_alpha + dist.norm_ppf(power)) / h
    upper = 2 * ratio * ratio  # not ** 2, which raises rather than overflow to inf
    if not math.isfinite(upper):
        return None
    if shortfall(upper) <= 0:
        return math.ceil(upper)
    from scipy import optimize

    n = optimize.brentq(shortfall, 1e-12, upper, xtol=1e-12, rtol=1e-15)
    return max(1, math.ceil(n))
