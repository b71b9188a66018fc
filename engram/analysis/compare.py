"""``engram compare``: two configurations on the same tasks, with tests that never overstate.

Runs that ended in an error not of the agent's making are shown and left out; a task whose
runs on one side all ended so is left out of the paired comparison. When each shared task has
one measured run per side the pass/fail pairs get an exact McNemar test; with repeated runs the
per-task pass rates get a Wilcoxon signed-rank test; with no shared tasks, Fisher's exact test.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engram.errors import EngramError
from engram.mining import stats
from engram.parse.tasks import TaskKey, suggest_task_key, unmatched
from engram.store.selectors import describe

if TYPE_CHECKING:
    import pandas as pd

    from engram.store import Store

ALPHA = 0.05
LARGE_SAMPLE = 1_000  # runs a side from which medians get an order-statistic interval
POWER = 0.8
_METRICS = ("input_tokens", "output_tokens", "cost_usd", "duration_s")
_TEST_NAMES = {
    "mcnemar_exact": "exact McNemar",
    "wilcoxon": "Wilcoxon signed-rank on per-task pass rates",
    "fisher_exact": "Fisher's exact test",
}


@dataclass(slots=True)
class Comparison:
    baseline: dict[str, Any]
    treatment: dict[str, Any]
    paired: dict[str, Any]
    unpaired: dict[str, Any]
    rewards: dict[str, Any]
    metrics: dict[str, Any]
    tasks: list[dict[str, Any]]
    excluded: list[dict[str, Any]]
    significant: bool
    verdict: str
    by: dict[str, dict[str, Any]] = field(default_factory=dict)
    keyed: dict[str, Any] = field(default_factory=dict)  # how runs were said to be one task

    def as_dict(self) -> dict[str, Any]:
        data = {
            name: getattr(self, name)
            for name in ("baseline", "treatment", "paired", "unpaired", "rewards", "metrics")
        }
        data.update(excluded=self.excluded, significant=self.significant, verdict=self.verdict)
        data["tasks"] = self.tasks
        if self.keyed:
            data["task_key"] = self.keyed
        if self.by:
            data["by"] = self.by
        return data


def compare(
    store: Store,
    baseline: dict[str, str],
    treatment: dict[str, str],
    *,
    by: str | None = None,
    task_key: TaskKey | None = None,
) -> Comparison:
    """Compare the runs ``baseline`` selects with those ``treatment`` selects, pairing runs
    of the same task by ``task_key`` (the store's, unless given)."""
    if baseline == treatment:
        raise EngramError("baseline and treatment select the same runs")
    key = task_key or store.task_key
    base_runs, treat_runs = (keyed(store.run_frame(s), key) for s in (baseline, treatment))
    result = compare_frames(base_runs, treat_runs, describe(baseline), describe(treatment))
    result.keyed = _keying(key, base_runs, treat_runs, result)
    if by is not None:
        for value in sorted(set(base_runs[by].dropna()) & set(treat_runs[by].dropna())):
            part = compare_frames(
                base_runs[base_runs[by] == value],
                treat_runs[treat_runs[by] == value],
                describe(baseline),
                describe(treatment),
            )
            result.by[str(value)] = part.as_dict()
    return result


def keyed(runs: pd.DataFrame, key: TaskKey) -> pd.DataFrame:
    """Runs with the column ``task``: which task each run was, by ``key``."""
    return runs.assign(task=[key.key(t) if isinstance(t, str) else None for t in runs["task_id"]])


def _keying(
    key: TaskKey, base: pd.DataFrame, treat: pd.DataFrame, result: Comparison
) -> dict[str, Any]:
    """How tasks were keyed, how many ids the key did not match, and a better key when few
    tasks paired although the two sides' ids look alike."""
    ids = [sorted({str(t) for t in side["task_id"].dropna()}) for side in (base, treat)]
    found: dict[str, Any] = {
        "by": key.describe(),
        "pattern": key.pattern,
        "unmatched_runs": unmatched(key, [*base["task_id"], *treat["task_id"]]),
    }
    fewest = min(result.baseline["tasks"], result.treatment["tasks"])
    if fewest and result.paired["tasks"] < fewest / 2:
        suggestion = suggest_task_key(*ids)
        if suggestion and suggestion != key.pattern:
            found["suggested_task_key"] = suggestion
            result.verdict += (
                f" Only {result.paired['tasks']} of {fewest} tasks paired, but the two sides'"
                f" task ids look alike: try --task-key '{suggestion}'."
            )
    return found


def compare_frames(
    base: pd.DataFrame, treat: pd.DataFrame, base_name: str, treat_name: str
) -> Comparison:
    """The comparison of two sets of runs (rows of ``Store.run_frame``, ``keyed``)."""
    overlap = set(base["trace_id"]) & set(treat["trace_id"])
    if overlap:
        base = base[~base["trace_id"].isin(overlap)]
        treat = treat[~treat["trace_id"].isin(overlap)]
    tasks, excluded = _tasks(base, treat)
    paired_rows = [t for t in tasks if t["paired"]]
    base_side, treat_side = _side(base, base_name), _side(treat, treat_name)
    paired = _paired(paired_rows)
    unpaired = _unpaired(base_side, treat_side)
    significant = (paired if paired["tasks"] else unpaired)["p_value"] is not None and (
        (paired if paired["tasks"] else unpaired)["p_value"] < ALPHA
    )
    comparison = Comparison(
        baseline=base_side,
        treatment=treat_side,
        paired=paired,
        unpaired=unpaired,
        rewards=_rewards(base, treat, paired_rows),
        metrics=_metrics(base, treat, base_side, treat_side),
        tasks=tasks,
        excluded=excluded,
        significant=bool(significant),
        verdict="",
    )
    comparison.verdict = verdict(comparison)
    if overlap:
        comparison.verdict += f" {len(overlap)} run(s) matched both selectors and were left out."
    return comparison


# ------------------------------------------------------------------------------ sides and tasks


def _valid(runs: pd.DataFrame) -> pd.DataFrame:
    return runs[runs["valid"].astype(bool)]


def _errors(runs: pd.DataFrame) -> pd.DataFrame:
    """Runs that broke before they were measured (not those nothing judged)."""
    return runs[~runs["valid"].astype(bool) & (runs["status"] != "unmeasured")]


def _side(runs: pd.DataFrame, name: str) -> dict[str, Any]:
    valid = _valid(runs)
    passed = int(valid["passed"].astype(bool).sum())
    low, high = stats.wilson_interval(passed, len(valid))
    return {
        "selector": name,
        "runs": len(runs),
        "valid": len(valid),
        "passed": passed,
        "pass_rate": _round(passed / len(valid)) if len(valid) else None,
        "ci": [_round(low), _round(high)] if len(valid) else None,
        "mean_reward": _round(float(_rewards_of(valid).mean())) if len(valid) else None,
        "errors": _counts(_errors(runs)["failure_class"].fillna("unknown")),
        "unmeasured": int((runs["status"] == "unmeasured").sum()),
        "tasks": int(runs["task"].nunique()),
    }


def _tasks(
    base: pd.DataFrame, treat: pd.DataFrame
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Per task: each side's runs, whether it is paired, and how its pair turned out."""
    rows, excluded = [], []
    task_ids = sorted(set(base["task"].dropna()) | set(treat["task"].dropna()))
    base_by, treat_by = _by_task(base), _by_task(treat)
    for task_id in task_ids:
        sides = {"baseline": base_by.get(task_id), "treatment": treat_by.get(task_id)}
        row: dict[str, Any] = {"task_id": task_id}
        measured = {}
        for side, runs in sides.items():
            if runs is None:
                row[side] = None
                continue
            valid = _valid(runs)
            row[side] = {
                "statuses": list(runs["status"]),
                "valid": len(valid),
                "passed": int(valid["passed"].astype(bool).sum()),
                "mean_reward": _round(float(_rewards_of(valid).mean())) if len(valid) else None,
            }
            for _, run in runs[~runs["valid"].astype(bool)].iterrows():
                unmeasured = run["status"] == "unmeasured"
                excluded.append({
                    "task_id": task_id, "side": side, "trace_id": run["trace_id"],
                    "reason": "unmeasured" if unmeasured else run["failure_class"] or "unknown",
                    "task_left_out": valid.empty,
                })  # fmt: skip
            if len(valid):
                measured[side] = row[side]
        row["paired"] = len(measured) == 2
        row["outcome"] = _pair_outcome(row) if row["paired"] else _unpaired_reason(sides, measured)
        rows.append(row)
    return rows, excluded


def _by_task(runs: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {str(task): group for task, group in runs.dropna(subset=["task"]).groupby("task")}


def _pair_outcome(row: dict[str, Any]) -> str:
    words = []
    for side in ("baseline", "treatment"):
        info = row[side]
        rate = info["passed"] / info["valid"]
        words.append("pass" if rate == 1 else "fail" if rate == 0 else f"{100 * rate:.0f}% pass")
    return " → ".join(words)


def _unpaired_reason(sides: dict[str, Any], measured: dict[str, Any]) -> str:
    missing = [side for side, runs in sides.items() if runs is None]
    if missing:
        return f"only on {'treatment' if missing[0] == 'baseline' else 'baseline'}"
    errored = [side for side in sides if side not in measured]
    return f"error on {' and '.join(errored)}: left out"


# ------------------------------------------------------------------------------ tests


def _paired(rows: list[dict[str, Any]]) -> dict[str, Any]:
    single = all(r["baseline"]["valid"] == 1 and r["treatment"]["valid"] == 1 for r in rows)
    base_rates = [r["baseline"]["passed"] / r["baseline"]["valid"] for r in rows]
    treat_rates = [r["treatment"]["passed"] / r["treatment"]["valid"] for r in rows]
    # Every paired task in exactly one: with repeated runs "only" means "better on", and
    # "tied" holds equal partial rates (both sides passing 2 of 4, say).
    counts = {"both_pass": 0, "only_treatment": 0, "only_baseline": 0, "both_fail": 0,
              "tied": 0}  # fmt: skip
    for b, t in zip(base_rates, treat_rates, strict=True):
        if t > b:
            counts["only_treatment"] += 1
        elif b > t:
            counts["only_baseline"] += 1
        elif b == 1:
            counts["both_pass"] += 1
        elif b == 0:
            counts["both_fail"] += 1
        else:
            counts["tied"] += 1
    result: dict[str, Any] = {"tasks": len(rows), **counts}
    if not rows:
        return {**result, "test": None, "p_value": None}
    differences = [t - b for b, t in zip(base_rates, treat_rates, strict=True)]
    p_value: float | None
    if single:
        p_value = stats.mcnemar_exact(counts["only_baseline"], counts["only_treatment"])
        test = "mcnemar_exact"
    else:  # no non-zero difference leaves nothing to test: p = 1
        p_value = stats.wilcoxon_p(differences)
        test = "wilcoxon"
    interval = stats.bootstrap_interval(differences, statistic="mean")
    return {
        **result,
        "baseline_pass_rate": _round(sum(base_rates) / len(rows)),
        "treatment_pass_rate": _round(sum(treat_rates) / len(rows)),
        "difference": _round((sum(treat_rates) - sum(base_rates)) / len(rows)),
        "difference_ci": _interval(interval),
        "test": test,
        "p_value": _round(p_value, 6) if p_value is not None else 1.0,
    }


def _unpaired(base: dict[str, Any], treat: dict[str, Any]) -> dict[str, Any]:
    if not (base["valid"] and treat["valid"]):
        return {"test": "fisher_exact", "p_value": None, "difference": None, "difference_ci": None}
    p_value = stats.fisher_p(treat["passed"], treat["valid"], base["passed"], base["valid"])
    low, high = stats.newcombe_interval(
        treat["passed"], treat["valid"], base["passed"], base["valid"]
    )
    return {
        "test": "fisher_exact",
        "p_value": _round(p_value, 6),
        "difference": _round(treat["passed"] / treat["valid"] - base["passed"] / base["valid"]),
        "difference_ci": [_round(low), _round(high)],
    }


def _rewards(base: pd.DataFrame, treat: pd.DataFrame, rows: list[dict[str, Any]]) -> dict[str, Any]:
    base_mean = _rewards_of(_valid(base)).mean() if len(_valid(base)) else None
    treat_mean = _rewards_of(_valid(treat)).mean() if len(_valid(treat)) else None
    differences = [r["treatment"]["mean_reward"] - r["baseline"]["mean_reward"] for r in rows]
    return {
        "baseline_mean": _round(base_mean),
        "treatment_mean": _round(treat_mean),
        "paired_tasks": len(rows),
        "paired_difference": _round(sum(differences) / len(rows)) if rows else None,
        "paired_ci": _interval(stats.bootstrap_interval(differences, statistic="mean")),
        "test": "wilcoxon" if rows else None,
        "p_value": _round(stats.wilcoxon_p(differences), 6) if rows else None,
    }


def _metrics(
    base: pd.DataFrame, treat: pd.DataFrame, base_side: dict[str, Any], treat_side: dict[str, Any]
) -> dict[str, Any]:
    """Medians of tokens, cost and time per side, with a bootstrap interval of their gap."""
    found: dict[str, Any] = {}
    for name in _METRICS:
        a = base[name].dropna().astype(float).tolist()
        b = treat[name].dropna().astype(float).tolist()
        if not (a or b):
            continue
        found[name] = {
            "baseline_median": _round(_median(a)),
            "treatment_median": _round(_median(b)),
            "difference_ci": _interval(_median_gap(a, b)),
        }
    for key, runs, side in (("baseline", base, base_side), ("treatment", treat, treat_side)):
        cost = runs["cost_usd"].dropna()
        found.setdefault("cost_per_pass", {})[key] = (
            _round(float(cost.sum()) / side["passed"], 4) if len(cost) and side["passed"] else None
        )
    return found


# ------------------------------------------------------------------------------ words


def verdict(c: Comparison) -> str:
    """The comparison in plain words: the numbers, whether they are significant, and the
    number of paired tasks a real effect of the observed size would need."""
    paired, base, treat = c.paired, c.baseline, c.treatment
    left_out = [e for e in c.excluded if e["task_left_out"] and e["reason"] != "unmeasured"]
    unjudged = {e["task_id"] for e in c.excluded if e["task_left_out"]} - {
        e["task_id"] for e in left_out
    }
    if paired["tasks"]:
        rows = [t for t in c.tasks if t["paired"]]
        b_pass = sum(r["baseline"]["passed"] for r in rows)
        b_n = sum(r["baseline"]["valid"] for r in rows)
        t_pass = sum(r["treatment"]["passed"] for r in rows)
        t_n = sum(r["treatment"]["valid"] for r in rows)
        gain, p_value, test = paired["difference"], paired["p_value"], paired["test"]
        scope = f"on the same {paired['tasks']} task{'s' if paired['tasks'] != 1 else ''}"
    elif base["valid"] and treat["valid"]:
        b_pass, b_n, t_pass, t_n = base["passed"], base["valid"], treat["passed"], treat["valid"]
        gain, p_value, test = c.unpaired["difference"], c.unpaired["p_value"], "fisher_exact"
        scope = "on different tasks"
    else:
        return "Nothing to compare: one side has no measured runs."
    points = round(100 * gain)
    if paired["tasks"] and paired["test"] != "mcnemar_exact":  # repeated runs: task means
        means = f"{paired['baseline_pass_rate']:.0%} → {paired['treatment_pass_rate']:.0%}"
        words = f"mean per-task pass rate {means} {scope} ({b_pass}/{b_n} → {t_pass}/{t_n} runs)"
    else:
        words = f"{b_pass}/{b_n} → {t_pass}/{t_n} {scope}"
    words += f": {points:+d} points, "
    if c.significant:
        words += f"significant ({_TEST_NAMES[test]} p = {p_value:.2g})"
        ci = paired.get("difference_ci") if paired["tasks"] else c.unpaired["difference_ci"]
        if ci:
            words += f"; 95% interval {100 * ci[0]:+.0f} to {100 * ci[1]:+.0f} points"
        words += "."
    else:
        words += f"not significant ({_TEST_NAMES[test]} p = {p_value:.2g})"
        if paired["tasks"]:  # the per-task rates the paired test compared
            p_base, p_treat = paired["baseline_pass_rate"], paired["treatment_pass_rate"]
        else:
            p_base, p_treat = b_pass / b_n, t_pass / t_n
        words += _needed(c, paired["tasks"] > 0, p_base, p_treat, points) + "."
    if left_out:
        shown = ", ".join(f"{e['task_id']} ({e['side']}: {e['reason']})" for e in left_out[:5])
        more = f" and {len(left_out) - 5} more" if len(left_out) > 5 else ""
        words += f" Left out, not the agent's doing: {shown}{more}."
    if unjudged:
        words += f" Left out, nothing judged them: {len(unjudged)} task(s) of unmeasured runs."
    return words


def _needed(c: Comparison, paired: bool, p_base: float, p_treat: float, points: int) -> str:
    if points == 0:
        return "; no difference to detect"
    if paired:
        discordant = c.paired["only_baseline"] + c.paired["only_treatment"]
        single = c.paired["test"] == "mcnemar_exact"  # one run a side: pairs are binary
        observed = discordant / c.paired["tasks"] if discordant and single else None
        n = stats.paired_tasks_needed(p_base, p_treat, ALPHA, POWER, observed)
        unit = "paired tasks"
    else:
        n = stats.unpaired_runs_needed(p_base, p_treat, ALPHA, POWER)
        unit = "runs per side"
    if n is None:
        return ""
    direction = "gain" if points > 0 else "drop"
    size = abs(points)
    article = "an" if size in (11, 18) or str(size).startswith("8") else "a"
    return (
        f"; about {n:,} {unit} would be needed to detect {article} {size}-point {direction}"
        f" with {POWER:.0%} power"
    )


# ------------------------------------------------------------------------------ helpers


def _rewards_of(valid: pd.DataFrame) -> pd.Series:
    return valid["reward"].astype(float).fillna(valid["passed"].astype(float))


def _median_gap(a: list[float], b: list[float]) -> tuple[float, float] | None:
    """An interval for median(b) - median(a): bootstrapped, or for large samples (where the
    bootstrap costs seconds and agrees with it) Price and Bonett's order-statistic interval."""
    if min(len(a), len(b)) >= LARGE_SAMPLE:
        return stats.median_difference_interval(a, b)
    return stats.bootstrap_interval(a, b, statistic="median")


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _counts(column: pd.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in column.value_counts().items()}


def _interval(interval: tuple[float, float] | None) -> list[float] | None:
    return None if interval is None else [_round(interval[0]), _round(interval[1])]


def _round(value: float | None, digits: int = 4) -> Any:
    return None if value is None else round(float(value), digits)
