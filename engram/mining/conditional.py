"""A feature's effect given others: a linear probability model with one intercept per stratum.

``passed ~ feature + given features + stratum`` fitted by least squares after taking every
stratum's mean out of each column (the within estimator: the same slopes as a regression with a
dummy per stratum, by Frisch–Waugh–Lovell), with heteroskedasticity-robust (HC1) standard
errors. Its slope is a risk difference, as the Mantel–Haenszel estimate is, but adjusted for any
number of other features at once without cutting the strata into ever smaller pieces; strata
of one run carry no information and drop out by themselves.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engram.mining import distributions as dist


@dataclass(frozen=True, slots=True)
class Adjusted:
    """The first feature's slope given the others: a risk difference, its error and p."""

    difference: float
    standard_error: float
    p_value: float


class Within:
    """Columns with their stratum means taken out, kept for repeated fits over one scope."""

    def __init__(self, outcome: np.ndarray, strata: np.ndarray) -> None:
        _, self.index = np.unique(np.asarray(strata), return_inverse=True)
        self.sizes = np.bincount(self.index).astype(float)
        self.strata = int(self.sizes.size)
        self.outcome = self.demean(np.asarray(outcome, dtype=float))
        self._columns: dict[int, np.ndarray] = {}

    def demean(self, values: np.ndarray) -> np.ndarray:
        means = np.bincount(self.index, weights=values, minlength=self.strata) / self.sizes
        return values - means[self.index]

    def column(self, key: int, values: np.ndarray) -> np.ndarray:
        """The demeaned column of feature ``key`` (computed once)."""
        found = self._columns.get(key)
        if found is None:
            found = self.demean(np.asarray(values, dtype=float))
            self._columns[key] = found
        return found

    def fit(self, columns: list[np.ndarray]) -> Adjusted:
        """The slope of ``columns[0]`` in the regression on all of ``columns``."""
        design = np.column_stack(columns)
        n, k = design.shape
        gram = design.T @ design
        if n - k - self.strata <= 0 or gram[0, 0] <= 1e-12:
            return Adjusted(0.0, math.inf, 1.0)
        if k > 1:  # what of the feature the others do not already say, within strata
            others = gram[1:, 1:]
            unique = gram[0, 0] - gram[0, 1:] @ np.linalg.pinv(others) @ gram[1:, 0]
            if unique <= 1e-9 * gram[0, 0]:
                return Adjusted(0.0, math.inf, 1.0)
        inverse = np.linalg.pinv(gram)
        beta = inverse @ (design.T @ self.outcome)
        residual = self.outcome - design @ beta
        meat = (design * (residual * residual)[:, None]).T @ design
        covariance = inverse @ meat @ inverse * (n / (n - k - self.strata))
        variance = float(covariance[0, 0])
        if not variance > 0:
            return Adjusted(float(beta[0]), math.inf, 1.0)
        error = math.sqrt(variance)
        z = float(beta[0]) / error
        return Adjusted(float(beta[0]), error, 2 * dist.norm_sf(abs(z)))
