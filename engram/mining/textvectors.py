"""TF-IDF vectors of short texts, built as scikit-learn's ``TfidfVectorizer`` builds them.

Mining compares failure templates and rule texts on every learn; importing scikit-learn (and
the pandas it imports) for that would cost more than the comparison. The vectors are the same
(``tests/mining/test_textvectors.py`` checks them against scikit-learn's): smoothed IDF,
optionally sublinear term frequency, rows scaled to unit length.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

#: scikit-learn's default token: two or more word characters.
WORDS = r"(?u)\b\w\w+\b"


def tfidf(
    texts: Sequence[str],
    *,
    token_pattern: str = WORDS,
    lowercase: bool = True,
    ngrams: int = 1,
    sublinear_tf: bool = True,
) -> csr_matrix:
    """One unit-length row per text over the word n-grams (1 to ``ngrams`` words) the texts
    use; a text with no token is a row of zeros."""
    from scipy.sparse import csr_matrix

    token = re.compile(token_pattern)
    vocabulary: dict[str, int] = {}
    rows: list[int] = []
    columns: list[int] = []
    counts: list[int] = []
    for row, text in enumerate(texts):
        words = token.findall(text.lower() if lowercase else text)
        grams = list(words)
        for n in range(2, ngrams + 1):
            grams += [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]
        for gram, count in Counter(grams).items():
            rows.append(row)
            columns.append(vocabulary.setdefault(gram, len(vocabulary)))
            counts.append(count)
    tf = np.asarray(counts, dtype=float)
    if sublinear_tf:
        tf = 1.0 + np.log(tf)
    column_index = np.asarray(columns, dtype=np.int64)
    document_frequency = np.bincount(column_index, minlength=len(vocabulary))
    idf = np.log((1 + len(texts)) / (1 + document_frequency)) + 1.0
    values = tf * idf[column_index]
    row_index = np.asarray(rows, dtype=np.int64)
    norms = np.sqrt(np.bincount(row_index, weights=values * values, minlength=len(texts)))
    values = values / norms[row_index]
    shape = (len(texts), len(vocabulary))
    return csr_matrix((values, (row_index, column_index)), shape=shape)
