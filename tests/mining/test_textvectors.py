"""The TF-IDF vectors mining builds are scikit-learn's."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from engram.mining.clusters import _TOKEN
from engram.mining.stopwords import ENGLISH_STOP_WORDS
from engram.mining.textvectors import Tfidf, tfidf

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


def test_the_stop_words_are_scikit_learns() -> None:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS as THEIRS

    assert ENGLISH_STOP_WORDS == THEIRS


INSTRUCTIONS = [
    "Fix the bug that spans the ledger and the API modules",
    "Implement a feature: export the report as CSV",
    "The cache is not invalidated when the ledger changes; fix it",
    "the and of",  # stop words only
    "",
]
QUERIES = ["A cross module bug fix in the ledger", "zzz qqq", "", "export the ledger report as CSV"]


def test_a_new_text_is_compared_as_scikit_learns_transform_compares_it() -> None:
    theirs = TfidfVectorizer(stop_words="english", sublinear_tf=True, ngram_range=(1, 2))
    expected = theirs.fit_transform(INSTRUCTIONS)
    ours = Tfidf(stop_words=ENGLISH_STOP_WORDS, ngrams=2)
    assert np.allclose(_similarities(ours.fit_transform(INSTRUCTIONS)), _similarities(expected),
                       atol=1e-12)  # fmt: skip
    assert set(ours.vocabulary) == set(theirs.vocabulary_)
    wanted = (expected @ theirs.transform(QUERIES).T).toarray()
    got = np.column_stack([ours.similarities(INSTRUCTIONS, query) for query in QUERIES])
    assert np.allclose(got, wanted, atol=1e-12)
    assert got[:, 1:3].sum() == 0 and got[0, 0] > got[1, 0]  # unknown words, no words
