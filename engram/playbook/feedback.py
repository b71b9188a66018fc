"""Did the guidance help? Each injected rule's efficacy, from the runs that carried it.

A run's instructions name the rules it was given (the inject marker). For each rule, the runs
given it are compared with comparable runs not given it: the same category and agent, so a
rule injected mostly into easy categories does not look helpful for that reason. Counts are
pooled over the (category, agent) strata where the rule was given; the difference of pass
rates gets Newcombe's interval. An interval entirely below zero retires the rule.

That comparison is observational: whatever decided which runs got a rule can bias it. Runs
that took part in a holdout (``--holdout P``: each rule withheld at random) give a randomized
one: the runs given the rule against the runs it was withheld from, in the same strata, pooled;
it is labelled ``randomized``, retires a rule whose interval is entirely below zero, and proves
one whose interval is entirely above.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engram.mining.stats import newcombe_interval

if TYPE_CHECKING:
    from engram.rules import Rule
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
        arm = _comparison(n_given, p_given, n_others, p_others, min_runs)
        found[rule_id] = {
            "given_runs": n_given, "given_passed": p_given,
            "others_runs": n_others, "others_passed": p_others,
            "efficacy": arm["difference"], "efficacy_low": arm["ci_low"],
            "efficacy_high": arm["ci_high"],
        }  # fmt: skip
    for rule_id, randomized in randomized_efficacy(store, min_runs).items():
        found.setdefault(rule_id, {})["randomized"] = randomized
    return found


def randomized_efficacy(store: Store, min_runs: int = MIN_RUNS) -> dict[str, dict[str, Any]]:
    """Per rule under a holdout: the runs given it against the runs it was withheld from
    (strata of category and agent where both happened, pooled), with Newcombe's interval."""
    arms: dict[str, dict[tuple[str | None, str | None], list[int]]] = defaultdict(dict)
    for category, agent, passed, given, withheld in store.holdout_runs():
        for rule_id, arm in [*((r, 0) for r in set(given)), *((r, 2) for r in set(withheld))]:
            counts = arms[rule_id].setdefault((category, agent), [0, 0, 0, 0])
            counts[arm] += 1
            counts[arm + 1] += passed
    found: dict[str, dict[str, Any]] = {}
    for rule_id, strata in arms.items():
        both = [c for c in strata.values() if c[0] and c[2]]  # comparable: both arms there
        n_given, p_given = sum(c[0] for c in both), sum(c[1] for c in both)
        n_other, p_other = sum(c[2] for c in both), sum(c[3] for c in both)
        found[rule_id] = _comparison(n_given, p_given, n_other, p_other, min_runs)
    return found


def _comparison(
    n_given: int, p_given: int, n_other: int, p_other: int, min_runs: int
) -> dict[str, Any]:
    """Two arms' counts, the difference of their pass rates and its Newcombe interval (None
    until each arm has ``min_runs`` runs)."""
    row: dict[str, Any] = {
        "given_runs": n_given, "given_passed": p_given,
        "other_runs": n_other, "other_passed": p_other,
        "difference": None, "ci_low": None, "ci_high": None,
    }  # fmt: skip
    if n_given >= min_runs and n_other >= min_runs:
        low, high = newcombe_interval(p_given, n_given, p_other, n_other)
        row.update(difference=p_given / n_given - p_other / n_other, ci_low=low, ci_high=high)
    return row


def update_efficacy(store: Store, learn_id: int | None, min_runs: int = MIN_RUNS) -> int:
    """Write every injected rule's efficacy; returns how many rules were retired for harm."""
    rules = store.rules(statuses=("active", "pinned", "retired"))
    if not any(r.feedback.helpful or r.feedback.harmful or r.feedback.neutral for r in rules) and \
            not store.holdout_runs():
        return 0  # no rule was ever given to (or withheld from) a measured run: nothing to read
    values = efficacy(store, min_runs)
    known = {rule.id for rule in rules}
    return store.save_efficacy({k: v for k, v in values.items() if k in known}, learn_id)


@dataclass(frozen=True, slots=True)
class Experiment:
    """A rule under a randomized holdout: its two arms, the lift, and what it needs."""

    rule: Rule
    given_runs: int
    given_passed: int
    other_runs: int
    other_passed: int
    difference: float | None
    ci_low: float | None
    ci_high: float | None
    verdict: str  # "proven", "hurting", or "undecided"
    runs_needed: int | None  # more runs in each arm for 80% power at the lift seen so far

    def as_dict(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in self.__dataclass_fields__ if name != "rule"}
        return {"rule_id": self.rule.id, "text": self.rule.text, "status": self.rule.status, **data}


def experiments(store: Store) -> list[Experiment]:
    """Every rule under a randomized holdout, undecided first, then by runs tested."""
    from engram.mining.stats import unpaired_runs_needed

    found = []
    for rule in store.rules(statuses=("active", "pinned", "retired")):
        r = rule.feedback.randomized
        if not r:
            continue
        n_given, n_other = int(r.get("given_runs") or 0), int(r.get("other_runs") or 0)
        p_given, p_other = int(r.get("given_passed") or 0), int(r.get("other_passed") or 0)
        low, high = r.get("ci_low"), r.get("ci_high")
        verdict = "proven" if rule.feedback.proven else (
            "hurting" if isinstance(high, (int, float)) and high < 0 else "undecided")  # fmt: skip
        needed = None
        if verdict == "undecided" and n_given and n_other:
            per_arm = unpaired_runs_needed(p_other / n_other, p_given / n_given)
            needed = None if per_arm is None else max(0, per_arm - min(n_given, n_other))
        found.append(Experiment(rule, n_given, p_given, n_other, p_other, r.get("difference"),
                                low, high, verdict, needed))  # fmt: skip
    found.sort(key=lambda e: (e.verdict != "undecided", -(e.given_runs + e.other_runs), e.rule.id))
    return found
