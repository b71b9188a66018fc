"""``engram export --format parquet DIR``: the store as Parquet tables (runs with their metrics
and outcome, the features each run showed, and the rules with their evidence and feedback), so
a store can be queried with DuckDB, pandas or Polars. Needs pyarrow (``engram[parquet]``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from engram.errors import EngramError, os_errors
from engram.rules import STATUSES, Rule

if TYPE_CHECKING:
    from engram.store import Store


def export_parquet(store: Store, folder: Path) -> dict[str, int]:
    """Write ``runs.parquet``, ``features.parquet`` and ``rules.parquet`` into ``folder``;
    the rows written to each."""
    import pandas as pd

    try:
        import pyarrow  # noqa: F401 - pandas writes Parquet through it
    except ImportError:
        raise EngramError("Parquet export needs pyarrow",
                          hint="pip install 'engram[parquet]'") from None  # fmt: skip
    rules = [_rule_row(rule) for rule in store.rules(STATUSES)]
    tables = {
        "runs": store.run_frame(),
        "features": store.feature_frame(),
        "rules": pd.DataFrame(rules, columns=list(_rule_row(None))),
    }
    with os_errors("write", folder):
        folder.mkdir(parents=True, exist_ok=True)
        for name, frame in tables.items():
            frame.to_parquet(folder / f"{name}.parquet", index=False)
    return {name: len(frame) for name, frame in tables.items()}


def _rule_row(rule: Rule | None) -> dict[str, Any]:
    """A rule as one flat row (all None for ``rule`` None: the columns)."""
    e = rule.evidence if rule else None
    f = rule.feedback if rule else None
    r = (f.randomized or {}) if f else {}
    return {
        "rule_id": rule.id if rule else None, "kind": rule.kind if rule else None,
        "scope_kind": rule.scope_kind if rule else None,
        "scope_value": rule.scope_value if rule else None,
        "feature": rule.feature if rule else None, "text": rule.text if rule else None,
        "status": rule.status if rule else None, "origin": rule.origin if rule else None,
        "score": rule.score if rule else None,
        "n_with": e.n_with if e else None, "pass_with": e.pass_with if e else None,
        "n_without": e.n_without if e else None, "pass_without": e.pass_without if e else None,
        "difference": e.difference if e else None, "ci_low": e.ci_low if e else None,
        "ci_high": e.ci_high if e else None, "q_value": e.q_value if e else None,
        "helpful": f.helpful if f else None, "harmful": f.harmful if f else None,
        "observational_efficacy": f.efficacy if f else None,
        "randomized_efficacy": r.get("difference"),
        "randomized_ci_low": r.get("ci_low"), "randomized_ci_high": r.get("ci_high"),
    }  # fmt: skip
