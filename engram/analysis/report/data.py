"""The numbers the report shows, computed from ``Store.run_frame`` rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from engram.mining.stats import wilson_interval

if TYPE_CHECKING:
    import pandas as pd

UNKNOWN = "(unknown)"
#: The metrics whose distributions the report draws: column, title, axis label.
METRICS = (
    ("input_tokens", "Input tokens", "input tokens per run"),
    ("output_tokens", "Output tokens", "output tokens per run"),
    ("cost_usd", "Cost", "cost per run (USD)"),
    ("duration_s", "Duration", "duration per run (seconds)"),
)


@dataclass(frozen=True, slots=True)
class Rate:
    """Runs of one group, how many were measured (valid) and passed, with a Wilson interval."""

    label: str
    runs: int
    valid: int
    passed: int

    @property
    def rate(self) -> float | None:
        return self.passed / self.valid if self.valid else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson_interval(self.passed, self.valid) if self.valid else None


def valid_mask(runs: pd.DataFrame) -> pd.Series:
    return runs["valid"].astype(bool)


def overall(runs: pd.DataFrame, label: str = "all runs") -> Rate:
    valid = runs[valid_mask(runs)]
    return Rate(label, len(runs), len(valid), int(valid["passed"].astype(bool).sum()))


def configurations(runs: pd.DataFrame) -> pd.Series:
    """Each run's configuration: its agent, with the model when the runs hold several."""
    agents = runs["agent"].fillna(UNKNOWN).astype(str)
    models = runs["model"].fillna(UNKNOWN).astype(str)
    if runs["model"].nunique(dropna=False) > 1:
        return agents + " · " + models
    return agents


def categories(runs: pd.DataFrame) -> pd.Series:
    return runs["category"].fillna(UNKNOWN).astype(str)


def rates_by(runs: pd.DataFrame, groups: pd.Series) -> list[Rate]:
    """One ``Rate`` per group, in the groups' name order."""
    return [overall(part, str(label)) for label, part in runs.groupby(groups, sort=True)]


def metric_groups(runs: pd.DataFrame, groups: pd.Series, column: str) -> dict[str, list[float]]:
    """A metric's known values per group (groups without any are left out)."""
    import pandas as pd

    values = pd.to_numeric(runs[column], errors="coerce")
    found: dict[str, list[float]] = {}
    for label, part in values.groupby(groups, sort=True):
        known = [float(v) for v in part.dropna()]
        if known:
            found[str(label)] = known
    return found


def auto_sides(
    runs: pd.DataFrame, selectors: dict[str, str]
) -> tuple[dict[str, str], dict[str, str]] | None:
    """The default comparison: the two agents with the most runs, baseline first by name."""
    counts = runs["agent"].dropna().astype(str).value_counts()
    if len(counts) < 2:
        return None
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    first, second = sorted(name for name, _ in ranked[:2])
    return {**selectors, "agent": first}, {**selectors, "agent": second}
