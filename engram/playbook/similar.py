"""Guidance for a task never seen before: the past tasks its instruction resembles.

Stored instructions (one per task) and the new one are compared by TF-IDF cosine similarity
(``engram.mining.textvectors``: scikit-learn's vectors, without importing it), with the header
lines that name a category, repository or difficulty left out so that only what the task asks
counts. The categories of the most similar past tasks, weighted by similarity, say whose rules
apply.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from engram.mining.stopwords import ENGLISH_STOP_WORDS
from engram.mining.textvectors import Tfidf
from engram.parse.marker import BLOCK

TOP_TASKS = 10  # past tasks whose categories vote
MIN_SIMILARITY = 0.1  # below this, a past task says nothing about the new one
_HEADER = re.compile(r"^\s*(category|repository|repo|difficulty)\s*:.*$", re.I | re.M)


def similar_categories(
    tasks: Sequence[tuple[str, str, str]], instruction: str
) -> list[tuple[str, float]]:
    """Categories of the past ``tasks`` (task id, category, instruction: what
    ``Store.task_instructions`` reads) most like ``instruction``, with weights summing to 1,
    most similar first; empty when none is similar enough."""
    query = _content(instruction)
    if not tasks or not query.strip():
        return []
    vectors = Tfidf(stop_words=ENGLISH_STOP_WORDS, ngrams=2)
    similarity = vectors.similarities([_content(text) for _, _, text in tasks], query)
    ranked = sorted(range(len(tasks)), key=lambda i: -similarity[i])[:TOP_TASKS]
    votes: dict[str, float] = {}
    for index in ranked:
        if similarity[index] >= MIN_SIMILARITY:
            category = tasks[index][1]
            votes[category] = votes.get(category, 0.0) + float(similarity[index])
    total = sum(votes.values())
    return sorted(((c, w / total) for c, w in votes.items()), key=lambda cw: (-cw[1], cw[0]))


def _content(instruction: str) -> str:
    return _HEADER.sub(" ", BLOCK.sub(" ", instruction))
