"""Agglomerative clustering of a precomputed distance matrix, with scipy's hierarchy.

The clusters scikit-learn's ``AgglomerativeClustering(metric="precomputed",
distance_threshold=t)`` forms (it builds the same tree with scipy), without importing
scikit-learn: merges at distances below ``threshold`` happen, others do not.
"""

from __future__ import annotations

from typing import Literal

import numpy as np


def agglomerate(
    distance: np.ndarray, threshold: float, method: Literal["average", "complete"]
) -> list[int]:
    """A cluster label per row of the symmetric ``distance`` matrix, numbered 0, 1, … in the
    order of each cluster's first row."""
    count = len(distance)
    if count < 2:
        return [0] * count
    from scipy.cluster.hierarchy import fcluster, linkage

    upper = np.triu_indices(count, k=1)
    tree = linkage(np.asarray(distance, dtype=float)[upper], method=method)
    # fcluster keeps merges at or below its bound; below the threshold is what is meant
    labels = fcluster(tree, t=np.nextafter(threshold, -np.inf), criterion="distance")
    seen: dict[int, int] = {}
    return [seen.setdefault(int(label), len(seen)) for label in labels]
