"""Rules and their evidence, as the miner makes them and the renderers print them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

STATUSES = ("active", "retired", "pinned")
KINDS = ("do", "avoid", "note")


@dataclass(slots=True)
class Evidence:
    """The 2×2 table behind a rule and what was computed from it."""

    n_with: int
    pass_with: int
    n_without: int
    pass_without: int
    difference: float
    ci_low: float
    ci_high: float
    p_value: float
    q_value: float
    reward_with: float | None = None
    reward_without: float | None = None
    #: The estimate among comparable runs the rule is tested and scored on (``Stratified``).
    stratified: Stratified | None = None

    @property
    def pass_rate_with(self) -> float:
        return self.pass_with / self.n_with if self.n_with else 0.0

    @property
    def pass_rate_without(self) -> float:
        return self.pass_without / self.n_without if self.n_without else 0.0

    @property
    def runs(self) -> int:
        return self.n_with + self.n_without

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "n_with": self.n_with,
            "pass_with": self.pass_with,
            "n_without": self.n_without,
            "pass_without": self.pass_without,
            "pass_rate_with": round(self.pass_rate_with, 4),
            "pass_rate_without": round(self.pass_rate_without, 4),
            "difference": round(self.difference, 4),
            "ci_low": round(self.ci_low, 4),
            "ci_high": round(self.ci_high, 4),
            "p_value": float(f"{self.p_value:.3g}"),
            "q_value": float(f"{self.q_value:.3g}"),
        }
        if self.reward_with is not None and self.reward_without is not None:
            data["mean_reward_with"] = round(self.reward_with, 4)
            data["mean_reward_without"] = round(self.reward_without, 4)
        if self.stratified is not None:
            data["stratified"] = self.stratified.as_dict()
        return data

    @property
    def tested_p(self) -> float:
        """The p-value the rule was tested on: the stratified one where there is one."""
        return self.stratified.p_value if self.stratified is not None else self.p_value


@dataclass(slots=True)
class Stratified:
    """A behaviour's effect among comparable runs (engram.mining.stratified): what was held
    fixed, how many strata informed it, the pooled difference, its interval, p and q."""

    by: list[str]  # what runs were compared within: "agent", "model", "task" or "category"
    strata: int
    difference: float
    ci_low: float
    ci_high: float
    p_value: float
    q_value: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "by": list(self.by),
            "strata": self.strata,
            "difference": round(self.difference, 4),
            "ci_low": round(self.ci_low, 4),
            "ci_high": round(self.ci_high, 4),
            "p_value": float(f"{self.p_value:.3g}"),
            "q_value": float(f"{self.q_value:.3g}"),
        }

    @classmethod
    def from_dict(cls, data: Any) -> Stratified | None:
        """The stratified estimate as ``as_dict`` wrote it; None for anything else."""
        if not isinstance(data, dict):
            return None
        try:
            by = [str(b) for b in data.get("by", []) if isinstance(b, str)]
            numbers = [float(data[k]) for k in ("difference", "ci_low", "ci_high", "p_value",
                                                 "q_value")]  # fmt: skip
            return cls(by, int(data.get("strata", 0)), *numbers)
        except (KeyError, TypeError, ValueError):
            return None


@dataclass(slots=True)
class Feedback:
    """What happened to runs whose instructions carried the rule (infrastructure errors do
    not count), and its efficacy: comparable runs (same category and agent) given the rule
    against those not given it."""

    helpful: int = 0  # given it, and passed
    harmful: int = 0  # given it, and failed
    neutral: int = 0  # given it, and earned partial credit
    given_runs: int | None = None
    given_passed: int | None = None
    others_runs: int | None = None
    others_passed: int | None = None
    efficacy: float | None = None  # pass-rate difference, given minus not given
    efficacy_low: float | None = None
    efficacy_high: float | None = None
    #: Runs given the rule against runs it was withheld from at random (``RANDOMIZED_KEYS``).
    randomized: dict[str, Any] | None = None

    @property
    def measured(self) -> bool:
        return self.efficacy is not None

    @property
    def proven(self) -> bool:
        """Whether the randomized comparison shows the rule helps (its interval above zero)."""
        low = (self.randomized or {}).get("ci_low")
        return isinstance(low, (int, float)) and low > 0

    def as_dict(self) -> dict[str, Any]:
        """Counts, and ``efficacy``: ``observational`` (comparable runs not given the rule) and
        ``randomized`` (runs it was withheld from at random), each null until measurable."""
        data: dict[str, Any] = {
            "helpful": self.helpful, "harmful": self.harmful, "neutral": self.neutral,
        }  # fmt: skip
        observational = None
        if self.given_runs is not None:
            observational = {
                "given_runs": self.given_runs, "given_passed": self.given_passed,
                "other_runs": self.others_runs, "other_passed": self.others_passed,
                "difference": _round(self.efficacy), "ci_low": _round(self.efficacy_low),
                "ci_high": _round(self.efficacy_high),
            }  # fmt: skip
        randomized = None
        if self.randomized:
            randomized = {key: self.randomized.get(key) for key in RANDOMIZED_KEYS}
            randomized["proven"] = self.proven
        data["efficacy"] = {"randomized": randomized, "observational": observational}
        return data


RANDOMIZED_KEYS = ("given_runs", "given_passed", "other_runs", "other_passed", "difference",
                   "ci_low", "ci_high")  # fmt: skip


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


@dataclass(slots=True)
class Rule:
    id: str
    kind: str
    scope_kind: str
    scope_value: str
    feature: str
    text: str
    evidence: Evidence
    score: float
    merged_features: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)  # categories where a global rule fails
    status: str = "active"
    status_reason: str | None = None
    status_by: str = "engram"
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    origin: str = "learned"  # or "human": written by a person (engram patterns add)
    text_by: str = "engram"  # "human" once a person edited the text
    feedback: Feedback = field(default_factory=Feedback)
    agents: list[str] = field(default_factory=list)  # whose runs informed it (empty: unknown)
    #: Candidates the rule's feature explained, and why ("explained by cmd:pytest").
    absorbed: list[dict[str, str]] = field(default_factory=list)

    @property
    def scope(self) -> dict[str, str]:
        return {} if self.scope_kind == "all" else {self.scope_kind: self.scope_value}

    @property
    def scope_label(self) -> str:
        return "all runs" if self.scope_kind == "all" else f"{self.scope_kind}={self.scope_value}"

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "scope": self.scope,
            "features": [self.feature],
            "text": self.text,
            "evidence": None if self.by_person else self.evidence.as_dict(),
            "score": round(self.score, 4),
            "status": self.status,
            "origin": self.origin,
        }
        if self.text_by != "engram":
            data["text_by"] = self.text_by
        if self.feedback.helpful or self.feedback.harmful or self.feedback.neutral:
            data["feedback"] = self.feedback.as_dict()
        if self.is_failure:
            data["templates"] = [f.removeprefix("template:") for f in self.merged_features]
        elif self.merged_features:
            data["merged_features"] = list(self.merged_features)
        if self.agents:
            data["agents"] = list(self.agents)
        if self.absorbed:
            data["absorbed"] = [dict(entry) for entry in self.absorbed]
        return data

    @property
    def effect(self) -> tuple[float, float, float]:
        """The difference it is scored on, with its interval: stratified where measured."""
        e = self.evidence
        if e.stratified is not None:
            return e.stratified.difference, e.stratified.ci_low, e.stratified.ci_high
        return e.difference, e.ci_low, e.ci_high

    @property
    def by_person(self) -> bool:
        """Written by a person: it has feedback, but no mined evidence."""
        return self.origin == "human"

    @property
    def is_failure(self) -> bool:
        """A rule about a recurring failure (its evidence is a share of runs, not a 2×2 test)."""
        return self.feature.startswith("failure:")


def rule_id(scope_kind: str, scope_value: str, kind: str, feature: str) -> str:
    """A stable id, so re-learning updates a rule instead of duplicating it."""
    digest = hashlib.sha256(f"{scope_kind}\0{scope_value}\0{kind}\0{feature}".encode()).hexdigest()
    return "r_" + digest[:10]
