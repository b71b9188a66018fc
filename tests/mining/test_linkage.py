"""Agglomerative clusters from scipy's hierarchy are scikit-learn's."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cluster import AgglomerativeClustering

from engram.mining.linkage import agglomerate


def _partition(labels: object) -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for index, label in enumerate(labels):  # type: ignore[call-overload]
        groups.setdefault(int(label), set()).add(index)
    return {frozenset(g) for g in groups.values()}


def _distances(rng: np.random.Generator, n: int, *, round_to: int | None = None) -> np.ndarray:
    points = rng.uniform(size=(n, 3))
    distance = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=2)) / 1.8
    return np.round(distance, round_to) if round_to else distance


@pytest.mark.parametrize("method", ["average", "complete"])
@pytest.mark.parametrize("seed", range(8))
def test_clusters_match_scikit_learn(method: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    distance = _distances(rng, int(rng.integers(3, 60)), round_to=2 if seed % 2 else None)
    for threshold in (0.05, 0.2, 0.35, 0.5):
        expected = AgglomerativeClustering(
            n_clusters=None, metric="precomputed", linkage=method, distance_threshold=threshold
        ).fit(distance).labels_
        labels = agglomerate(distance, threshold, method)  # type: ignore[arg-type]
        assert _partition(labels) == _partition(expected)


def test_a_distance_at_the_threshold_does_not_merge_and_labels_follow_first_rows() -> None:
    distance = np.array([[0.0, 0.5, 0.9], [0.5, 0.0, 0.9], [0.9, 0.9, 0.0]])
    assert agglomerate(distance, 0.5, "complete") == [0, 1, 2]
    assert agglomerate(distance, 0.5001, "complete") == [0, 0, 1]
    assert agglomerate(distance[[2, 0, 1]][:, [2, 0, 1]], 0.6, "average") == [0, 1, 1]
    assert agglomerate(np.zeros((1, 1)), 0.5, "average") == [0]
