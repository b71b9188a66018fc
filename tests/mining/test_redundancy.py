"""reduce_scope: one rule per signal, on synthetic runs where the answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from engram.mining import miner
from engram.mining.redundancy import Dropped, Group, reduce_scope
from engram.mining.stats import fisher_p, newcombe_interval
from engram.mining.stratified import stratified

SETTINGS = {"jaccard": 0.8, "alpha": 0.05, "min_difference": 0.10}


def table(feature: str, column: np.ndarray, passed: np.ndarray) -> miner.Test:
    """The feature's 2×2 table over the runs, with its interval filled in so ``score`` works."""
    pass_with, n_with = int((passed & column).sum()), int(column.sum())
    pass_without, n_without = int((passed & ~column).sum()), int((~column).sum())
    test = miner.Test(
        scope_kind="all",
        scope_value="",
        feature=feature,
        n_with=n_with,
        pass_with=pass_with,
        n_without=n_without,
        pass_without=pass_without,
        reward_with=pass_with / n_with,
        reward_without=pass_without / n_without,
        sums=stratified([(pass_with, n_with, pass_without, n_without)]),  # one stratum
        p_value=fisher_p(pass_with, n_with, pass_without, n_without),
    )
    test.ci_low, test.ci_high = newcombe_interval(pass_with, n_with, pass_without, n_without)
    return test


def reduce(
    columns: dict[str, np.ndarray], passed: np.ndarray, **settings: float
) -> tuple[list[Group], list[Dropped]]:
    tests = [table(feature, column, passed) for feature, column in columns.items()]
    return reduce_scope(tests, list(passed), list(columns.values()), **{**SETTINGS, **settings})


def blocks(*sizes_and_passes: tuple[int, int]) -> tuple[list[slice], np.ndarray]:
    """Consecutive blocks of runs, each ``(runs, passed)``; the first ``passed`` of each pass."""
    total = sum(size for size, _ in sizes_and_passes)
    passed = np.zeros(total, dtype=bool)
    slices, start = [], 0
    for size, passes in sizes_and_passes:
        passed[start : start + passes] = True
        slices.append(slice(start, start + size))
        start += size
    return slices, passed


def column(total: int, *parts: slice) -> np.ndarray:
    present = np.zeros(total, dtype=bool)
    for part in parts:
        present[part] = True
    return present


def kept(groups: list[Group]) -> list[str]:
    return sorted(group.test.feature for group in groups)


def test_features_that_always_occur_together_make_one_group() -> None:
    (together, _rest), passed = blocks((200, 150), (200, 50))
    grep = column(400, together)
    groups, dropped = reduce({"seq:Grep>Edit": grep, "tool:Grep": grep.copy()}, passed)
    assert len(groups) == 1
    assert groups[0].test.feature == "tool:Grep"
    assert groups[0].merged == ["seq:Grep>Edit"]
    assert dropped == []


def test_the_representative_comes_from_the_higher_priority_family() -> None:
    # The bigram is in 180 of the tool's 200 runs and shows the larger effect; the tool still
    # stands for the pair because tool: outranks seq:.
    (bigram, tool_only, _rest), passed = blocks((180, 170), (20, 0), (200, 60))
    tool = column(400, bigram, tool_only)
    sequence = column(400, bigram)
    groups, _ = reduce({"seq:Grep>Edit": sequence, "tool:Grep": tool}, passed)
    difference = {g.test.feature: g.test.difference for g in groups}
    assert len(groups) == 1
    assert groups[0].test.feature == "tool:Grep"
    assert groups[0].merged == ["seq:Grep>Edit"]
    assert table("seq:Grep>Edit", sequence, passed).difference > difference["tool:Grep"]


def test_features_overlapping_less_than_the_threshold_stay_apart() -> None:
    (both, first_only, second_only, _neither), passed = blocks(
        (250, 200), (250, 200), (250, 200), (250, 50)
    )
    first = column(1000, both, first_only)
    second = column(1000, both, second_only)
    groups, _ = reduce({"tool:Grep": first, "tool:Read": second}, passed)
    assert kept(groups) == ["tool:Grep", "tool:Read"]
    assert all(group.merged == [] for group in groups)


def specific_and_general() -> tuple[dict[str, np.ndarray], np.ndarray]:
    """cmd:pytest carries the whole effect; tool:Bash (90% of runs) only contains it."""
    (pytest_runs, bash_only, _neither), passed = blocks((400, 320), (500, 150), (100, 30))
    columns = {
        "tool:Bash": column(1000, pytest_runs, bash_only),
        "cmd:pytest": column(1000, pytest_runs),
    }
    return columns, passed


def test_a_general_feature_explained_by_a_specific_one_is_absorbed() -> None:
    columns, passed = specific_and_general()
    bash = table("tool:Bash", columns["tool:Bash"], passed)
    assert bash.difference > 0.2 and bash.p_value < 1e-3  # a real effect on its own
    groups, dropped = reduce(columns, passed)
    assert kept(groups) == ["cmd:pytest"]
    assert groups[0].merged == ["tool:Bash"]
    assert groups[0].absorbed == [("tool:Bash", "explained by cmd:pytest")]
    assert dropped == []


def test_the_general_feature_is_absorbed_whichever_comes_first() -> None:
    columns, passed = specific_and_general()
    reordered = {"cmd:pytest": columns["cmd:pytest"], "tool:Bash": columns["tool:Bash"]}
    groups, _ = reduce(reordered, passed)
    assert kept(groups) == ["cmd:pytest"]
    assert [feature for feature, _ in groups[0].absorbed] == ["tool:Bash"]


def test_a_general_feature_with_an_effect_of_its_own_stays() -> None:
    # Bash now helps also in runs without pytest: 0.6 against 0.3.
    (pytest_runs, bash_only, _neither), passed = blocks((400, 320), (500, 300), (100, 30))
    columns = {
        "tool:Bash": column(1000, pytest_runs, bash_only),
        "cmd:pytest": column(1000, pytest_runs),
    }
    groups, dropped = reduce(columns, passed)
    assert kept(groups) == ["cmd:pytest", "tool:Bash"]
    assert dropped == []


def test_two_independent_effects_both_stay() -> None:
    rng = np.random.default_rng(5)
    first = rng.random(2000) < 0.5
    second = rng.random(2000) < 0.5
    chance = 0.2 + 0.3 * first + 0.3 * second
    passed = rng.random(2000) < chance
    groups, dropped = reduce({"tool:Grep": first, "cmd:pytest": second}, passed)
    assert kept(groups) == ["cmd:pytest", "tool:Grep"]
    assert dropped == []


def test_two_correlated_effects_that_each_hold_both_stay() -> None:
    # Correlated (phi = 0.4), so they are judged against each other, but each keeps its
    # effect with the other held fixed: 0.8 vs 0.5 and 0.5 vs 0.2 in both strata.
    (both, first_only, second_only, _neither), passed = blocks(
        (350, 280), (150, 75), (150, 75), (350, 70)
    )
    columns = {
        "tool:Grep": column(1000, both, first_only),
        "cmd:pytest": column(1000, both, second_only),
    }
    groups, dropped = reduce(columns, passed)
    assert kept(groups) == ["cmd:pytest", "tool:Grep"]
    assert dropped == []


def overlapping(shared_passes: int, second_only_passes: int) -> tuple[dict, np.ndarray]:
    """Two features sharing 450 runs (Jaccard 0.82): the first alone in 50 runs that all pass,
    the second alone in 50 runs; 450 runs with neither, a third of which pass."""
    (first_only, shared, second_only, _rest), passed = blocks(
        (50, 50), (450, shared_passes), (50, second_only_passes), (450, 150)
    )
    columns = {
        "tool:Grep": column(1000, first_only, shared),
        "tool:Read": column(1000, shared, second_only),
    }
    return columns, passed


def test_overlapping_features_with_the_same_sign_are_clustered() -> None:
    columns, passed = overlapping(shared_passes=400, second_only_passes=50)
    tests = [table(f, c, passed) for f, c in columns.items()]
    assert all(test.difference > 0.3 for test in tests)
    groups, dropped = reduce(columns, passed)
    assert len(groups) == 1
    assert groups[0].merged == ["tool:Read"]
    assert dropped == []


def test_opposite_sign_features_are_never_clustered_together() -> None:
    # The same overlap, but the runs with only the second feature all fail.
    columns, passed = overlapping(shared_passes=150, second_only_passes=0)
    tests = {f: table(f, c, passed) for f, c in columns.items()}
    assert tests["tool:Grep"].difference > 0 > tests["tool:Read"].difference
    groups, _ = reduce(columns, passed)
    assert len(groups) == 2
    assert all(group.merged == [] for group in groups)


def test_groups_come_best_score_first() -> None:
    (both, first_only, second_only, _neither), passed = blocks(
        (250, 240), (250, 200), (250, 150), (250, 50)
    )
    columns = {
        "cmd:pytest": column(1000, both, second_only),
        "tool:Grep": column(1000, both, first_only),
    }
    groups, _ = reduce(columns, passed)
    scores = [group.test.score for group in groups]
    assert scores == sorted(scores, reverse=True)
    assert groups[0].test.feature == "tool:Grep"


def test_nothing_to_reduce() -> None:
    assert reduce_scope([], [], [], **SETTINGS) == ([], [])


def test_a_single_feature_is_its_own_group() -> None:
    (with_it, _rest), passed = blocks((100, 80), (100, 20))
    groups, dropped = reduce({"tool:Grep": column(200, with_it)}, passed)
    assert kept(groups) == ["tool:Grep"]
    assert dropped == []


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_reduction_only_drops_or_merges_never_invents(seed: int) -> None:
    rng = np.random.default_rng(seed)
    runs = 600
    base = rng.random(runs) < 0.5
    columns = {
        "tool:Bash": base | (rng.random(runs) < 0.3),
        "cmd:pytest": base,
        "seq:Bash>Edit": base & (rng.random(runs) < 0.95),
        "tool:Grep": rng.random(runs) < 0.4,
    }
    passed = rng.random(runs) < (0.3 + 0.4 * base)
    groups, dropped = reduce(columns, passed)
    accounted = [g.test.feature for g in groups] + [f for g in groups for f in g.merged]
    accounted += [d.feature for d in dropped]
    assert sorted(accounted) == sorted(columns)
    assert "cmd:pytest" in accounted
