"""TF-IDF vectors of short texts, built as scikit-learn's ``TfidfVectorizer`` builds them.

Mining compares failure templates and rule texts on every learn, and ``suggest`` compares a new
task's instruction with past ones; importing scikit-learn (and the pandas it imports) for that
would cost more than the comparison. The vectors are the same (``tests/mining/test_textvectors.py``
checks them against scikit-learn's): stop words dropped before n-grams are formed, smoothed IDF,
optionally sublinear term frequency, rows scaled to unit length.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

#: scikit-learn's default token: two or more word characters.
WORDS = r"(?u)\b\w\w+\b"

Triplets = tuple[np.ndarray, np.ndarray, np.ndarray]  # rows, columns, values of a sparse matrix


class Tfidf:
    """A vocabulary and its IDF, fitted on texts: their vectors (``fit_transform``), or their
    similarities to another text, vectored over them as scikit-learn's ``transform`` would
    (``similarities``: n-grams the fitted texts never used are left out)."""

    def __init__(
        self,
        *,
        token_pattern: str = WORDS,
        lowercase: bool = True,
        ngrams: int = 1,
        sublinear_tf: bool = True,
        stop_words: Collection[str] = (),
    ) -> None:
        self._token = re.compile(token_pattern)
        self._lowercase = lowercase
        self._ngrams = ngrams
        self._sublinear = sublinear_tf
        self._stop = frozenset(stop_words)
        self.vocabulary: dict[str, int] = {}
        self._idf = np.zeros(0)

    def fit_transform(self, texts: Sequence[str]) -> csr_matrix:
        """One unit-length row per text over the n-grams they use (1 to ``ngrams`` words); a
        text with no token is a row of zeros."""
        return self._matrix(self._fit(texts), len(texts))

    def similarities(self, texts: Sequence[str], query: str) -> np.ndarray:
        """The cosine similarity of each of ``texts`` (fitted on) to ``query`` (transformed), in
        numpy alone: the hooks ask it on a session's first prompt."""
        rows, columns, values = self._fit(texts)
        asked = np.zeros(len(self.vocabulary))
        _, query_columns, query_values = self._weigh(*self._count([query], grow=False), 1)
        asked[query_columns] = query_values
        return np.bincount(rows, weights=values * asked[columns], minlength=len(texts))

    def _fit(self, texts: Sequence[str]) -> Triplets:
        self.vocabulary = {}
        rows, columns, counts = self._count(texts, grow=True)
        frequency = np.bincount(columns, minlength=len(self.vocabulary))
        self._idf = np.log((1 + len(texts)) / (1 + frequency)) + 1.0
        return self._weigh(rows, columns, counts, len(texts))

    def _grams(self, text: str) -> list[str]:
        words = self._token.findall(text.lower() if self._lowercase else text)
        if self._stop:
            words = [w for w in words if w not in self._stop]
        grams = list(words)
        for n in range(2, self._ngrams + 1):
            grams += [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]
        return grams

    def _count(self, texts: Sequence[str], grow: bool) -> Triplets:
        vocabulary = self.vocabulary
        rows: list[int] = []
        columns: list[int] = []
        counts: list[int] = []
        for row, text in enumerate(texts):
            for gram, count in Counter(self._grams(text)).items():
                column = (vocabulary.setdefault(gram, len(vocabulary)) if grow
                          else vocabulary.get(gram))  # fmt: skip
                if column is not None:
                    rows.append(row)
                    columns.append(column)
                    counts.append(count)
        return _index(rows), _index(columns), np.asarray(counts, dtype=float)

    def _weigh(self, rows: np.ndarray, columns: np.ndarray, counts: np.ndarray,
               texts: int) -> Triplets:  # fmt: skip
        tf = 1.0 + np.log(counts) if self._sublinear else counts
        values = tf * self._idf[columns]
        norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=texts))
        return rows, columns, values / norms[rows]

    def _matrix(self, triplets: Triplets, texts: int) -> csr_matrix:
        from scipy.sparse import csr_matrix

        rows, columns, values = triplets
        return csr_matrix((values, (rows, columns)), shape=(texts, len(self.vocabulary)))


def tfidf(
    texts: Sequence[str],
    *,
    token_pattern: str = WORDS,
    lowercase: bool = True,
    ngrams: int = 1,
    sublinear_tf: bool = True,
) -> csr_matrix:
    """The rows of ``texts`` fitted on themselves (``Tfidf.fit_transform``)."""
    model = Tfidf(token_pattern=token_pattern, lowercase=lowercase, ngrams=ngrams,
                  sublinear_tf=sublinear_tf)  # fmt: skip
    return model.fit_transform(texts)


def _index(values: list[int]) -> np.ndarray:
    return np.asarray(values, dtype=np.int64)
