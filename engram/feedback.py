"""Did the guidance help? Each injected rule's efficacy, from the runs that carried it.

A run's instructions name the rules it was given (the inject marker). For each rule, the runs
given it are compared with comparable runs not given it: the same category and agent, so a
rule injected mostly into easy categories does not look helpful for that reason. Counts are
pooled over the (category, agent) strata where the rule was given; the difference of pass
rates gets Newcombe's interval. An interval entirely below zero retires the rule.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from engram.mining.stats import newcombe_interval

if TYPE_CHECKING:
    from engram.store import Store

MIN_RUNS = 5  # runs given the rule, and comparable runs not given it, before efficacy is told


def efficacy(store: Store, min_runs: int = MIN_RUNS) -> dict[str, dict[str, Any]]:
    """Per injected rule: runs given it and comparable runs not, and the pass-rate gap."""
    totals = store.stratum_totals()
    given: dict[str, dict[tuple[str | None, str | None], list[int]]] = defaultdict(dict)
    for category, agent, passed, rule_ids in store.injected_runs():
        for rule_id in set(rule_ids):
            counts = given[rule_id].setdefault((category, agent), [0, 0])
            counts[0] += 1
            counts[1] += passed
    found: dict[str, dict[str, Any]] = {}
    for rule_id, strata in given.items():
        n_given = sum(n for n, _ in strata.values())
        p_given = sum(p for _, p in strata.values())
        n_others = sum(totals[s][0] - n for s, (n, _) in strata.items())
        p_others = sum(totals[s][1] - p for s, (_, p) in strata.items())
        row: dict[str, Any] = {
            "given_runs": n_given, "given_passed": p_given,
            "others_runs": n_others, "others_passed": p_others,
            "efficacy": None, "efficacy_low": None, "efficacy_high": None,
        }  # fmt: skip
        if n_given >= min_runs and n_others >= min_runs:
            low, high = newcombe_interval(p_given, n_given, p_others, n_others)
            row.update(
                efficacy=p_given / n_given - p_others / n_others,
                efficacy_low=low,
                efficacy_high=high,
            )
        found[rule_id] = row
    return found


def update_efficacy(store: Store, learn_id: int | None, min_runs: int = MIN_RUNS) -> int:
    """Write every injected rule's efficacy; returns how many rules were retired for harm."""
    rules = store.rules(statuses=("active", "pinned", "retired"))
    if not any(r.feedback.helpful or r.feedback.harmful or r.feedback.neutral for r in rules):
        return 0  # no rule was ever given to a measured run: nothing to read
    values = efficacy(store, min_runs)
    known = {rule.id for rule in rules}
    return store.save_efficacy({k: v for k, v in values.items() if k in known}, learn_id)
