"""What mining may call a rule: support, significance, effect size, scopes. Kept apart from the
miner so that a learn that has nothing new to mine imports no statistics library."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class MiningSettings:
    min_support: int = 5  # runs with the feature, and without it, in the scope
    alpha: float = 0.05  # the largest q-value a rule may have
    min_difference: float = 0.10  # the smallest |pass-rate difference| a rule may have
    confidence: float = 0.95  # of the interval whose bound is the score
    jaccard: float = 0.8  # features whose runs overlap this much make one rule
    scope_kinds: tuple[str, ...] = ("category",)  # mined besides all runs

    def __post_init__(self) -> None:
        # Scopes asked for add to the default ones (all runs, each category), never replace them.
        kinds = dict.fromkeys(("category", *self.scope_kinds))
        kinds.pop("all", None)
        object.__setattr__(self, "scope_kinds", tuple(kinds))

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["scope_kinds"] = list(self.scope_kinds)
        return data
