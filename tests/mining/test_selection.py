"""Conditional selection: one signal, one rule, at any scale.

The within-strata fit is checked against statsmodels (OLS with a dummy per stratum, exactly;
logistic regression, in its decisions); the selection on planted corpora of 3,000 and 100,000
runs whose shadows (the first tool, the calls before and after a cause, a flag true whenever a
cause is absent) must never become rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from engram.datasets.synthetic import DEEP_SEARCH, default_scenario, iter_traces
from engram.mining.conditional import Within
from engram.mining.miner import mine
from tests.mining.arraystore import ArrayStore
from tests.mining.test_redundancy import kept, reduce

PLANTED = {
    ("all", "tool_error_loop:Edit", "avoid"),
    ("category=cross_module_bug_fix", f"tool:{DEEP_SEARCH}", "do"),
    ("category=feature_implementation", "cmd:pytest", "do"),
}
NOISE = ("TodoWrite", "WebSearch", "Task", "NotebookEdit", "WebFetch")


def cause_and_shadow(n: int = 3000, seed: int = 1) -> dict[str, np.ndarray]:
    """A cause, a shadow that is the cause 85% of the time, an independent second cause,
    strata of repeated tasks of different difficulty, and the outcome."""
    rng = np.random.default_rng(seed)
    strata = rng.integers(0, n // 4, n)
    difficulty = rng.uniform(-0.2, 0.2, n // 4)[strata]
    cause = rng.random(n) < 0.5
    shadow = np.where(rng.random(n) < 0.85, cause, ~cause)
    second = rng.random(n) < 0.4
    chance = 0.35 + difficulty + 0.25 * cause + 0.2 * second
    passed = rng.random(n) < chance
    return {"strata": strata, "cause": cause, "shadow": shadow, "second": second, "passed": passed}


def test_the_within_fit_is_ols_with_a_dummy_per_stratum() -> None:
    data = cause_and_shadow(600)
    within = Within(data["passed"], data["strata"])
    fit = within.fit([within.column(i, data[name]) for i, name in
                      enumerate(("shadow", "cause", "second"))])  # fmt: skip
    frame = pd.get_dummies(pd.Series(data["strata"]).astype("category"), dtype=float)
    design = pd.concat(
        [pd.DataFrame({k: data[k].astype(float) for k in ("shadow", "cause", "second")}), frame],
        axis=1,
    )
    reference = sm.OLS(data["passed"].astype(float), design).fit(cov_type="HC1")
    assert fit.difference == pytest.approx(reference.params["shadow"], rel=1e-8)
    assert fit.standard_error == pytest.approx(reference.bse["shadow"], rel=1e-8)
    assert fit.p_value == pytest.approx(reference.pvalues["shadow"], rel=1e-6)


def test_a_feature_the_others_already_say_has_no_effect_of_its_own() -> None:
    data = cause_and_shadow(400)
    within = Within(data["passed"], data["strata"])
    complement = ~data["cause"]
    fit = within.fit([within.column(0, complement), within.column(1, data["cause"])])
    assert fit.p_value == 1.0


def test_the_selection_decides_as_logistic_regression_does() -> None:
    """Given the cause, the shadow adds nothing; given each other, both causes matter."""
    data = cause_and_shadow()
    design = sm.add_constant(pd.DataFrame({k: data[k].astype(float)
                                           for k in ("cause", "shadow", "second")}))  # fmt: skip
    logit = sm.Logit(data["passed"].astype(float), design).fit(disp=False)
    assert logit.pvalues["shadow"] > 0.05
    assert logit.pvalues["cause"] < 1e-6 and logit.pvalues["second"] < 1e-6
    columns = {"tool:Grep": data["shadow"], "cmd:pytest": data["cause"],
               "tool:Read": data["second"]}  # fmt: skip
    groups, _ = reduce(columns, data["passed"], strata=data["strata"])
    assert kept(groups) == ["cmd:pytest", "tool:Read"]
    absorbed = {f: why for g in groups for f, why in g.absorbed}
    assert absorbed == {"tool:Grep": "explained by cmd:pytest"}


def test_a_shadow_of_two_causes_together_is_explained_by_both() -> None:
    rng = np.random.default_rng(3)
    n = 4000
    first, second = rng.random(n) < 0.5, rng.random(n) < 0.5
    both = first & second  # a run that shows both causes: the shadow is only that
    passed = rng.random(n) < 0.2 + 0.3 * first + 0.3 * second
    groups, _ = reduce({"cmd:pytest": first, "cmd:make": second, "seq:Read>Edit": both}, passed)
    assert kept(groups) == ["cmd:make", "cmd:pytest"]
    (why,) = [w for g in groups for f, w in g.absorbed if f == "seq:Read>Edit"]
    assert why.startswith("explained by cmd:") and why.endswith(" together")


def planted_rules(runs: int) -> tuple[set[tuple[str, str, str]], list[str], int]:
    result = mine(ArrayStore(iter_traces(default_scenario(runs, 3))))
    found = {(r.scope_label.replace("all runs", "all"), r.feature, r.kind) for r in result.rules}
    return found, [a["feature"] for r in result.rules for a in r.absorbed], result.absorbed


def test_the_planted_rules_and_no_shadow_at_3000_runs() -> None:
    found, absorbed, count = planted_rules(3000)
    assert found == PLANTED
    assert count == len(absorbed)


@pytest.mark.slow
def test_the_same_planted_rules_and_no_shadow_at_100000_runs(sqlite_only: None) -> None:
    """Every feature structurally tied to a cause is significant at this size; none may be a
    rule (the mining is the database's business only through its reads, tested elsewhere)."""
    found, absorbed, _ = planted_rules(100_000)
    assert found == PLANTED
    shadows = {f"first_tool:{DEEP_SEARCH}", f"seq:{DEEP_SEARCH}>Grep", "seq:Edit>Bash", "tool:Bash"}
    assert shadows <= set(absorbed)
    assert not any(tool in feature for feature in absorbed for tool in NOISE if "seq:" not in feature)
