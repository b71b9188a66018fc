"""The TF-IDF vectors mining builds are scikit-learn's."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from engram.mining.clusters import _TOKEN
from engram.mining.textvectors import tfidf

TEMPLATES = [
    "ModuleNotFoundError: No module named <STR>",
    "ModuleNotFoundError: No module named <STR> No module",
    "AssertionError: assert <NUM> == <NUM>",
    "undefined: OrderIndex",
    "undefined: CacheToken",
    "Timeout after <NUM>s waiting for <PATH>",
    "",
    "<NUM>",
    "Ünïcode wörds répétés wörds",
]


def _similarities(matrix: object) -> np.ndarray:
    return np.asarray((matrix @ matrix.T).toarray())  # type: ignore[operator]


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        ({}, {"sublinear_tf": True}),
        ({"sublinear_tf": False}, {}),
        (
            {"token_pattern": _TOKEN, "lowercase": False, "ngrams": 2},
            {"token_pattern": _TOKEN, "lowercase": False, "ngram_range": (1, 2), "sublinear_tf": True},
        ),
    ],
)
def test_vectors_give_scikit_learns_similarities(ours: dict, theirs: dict) -> None:
    expected = TfidfVectorizer(**theirs).fit_transform(TEMPLATES)
    got = tfidf(TEMPLATES, **ours)
    assert got.shape == expected.shape
    assert np.allclose(_similarities(got), _similarities(expected), atol=1e-12)
    assert np.allclose(np.sort(got.data), np.sort(expected.data), atol=1e-12)


def test_texts_without_a_word_are_zero_rows() -> None:
    matrix = tfidf(["", "!!", "x"])
    assert matrix.shape == (3, 0)
    assert not _similarities(matrix).any()
