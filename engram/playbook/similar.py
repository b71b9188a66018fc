"""Guidance for a task never seen before: the past tasks its instruction resembles.

Stored instructions (one per task) and the new one are compared by TF-IDF cosine similarity
(scikit-learn), with the header lines that name a category, repository or difficulty left
out so that only what the task asks counts. The categories of the most similar past tasks,
weighted by similarity, say whose rules apply.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from engram.parse.marker import BLOCK

if TYPE_CHECKING:
    from engram.store import Store

TOP_TASKS = 10  # past tasks whose categories vote
MIN_SIMILARITY = 0.1  # below this, a past task says nothing about the new one
_HEADER = re.compile(r"^\s*(category|repository|repo|difficulty)\s*:.*$", re.I | re.M)


def similar_categories(store: Store, instruction: str) -> list[tuple[str, float]]:
    """Categories of the past tasks most like ``instruction``, with weights summing to 1,
    most similar first; empty when nothing stored is similar enough."""
    tasks = store.task_instructions()
    query = _content(instruction)
    if not tasks or not query.strip():
        return []
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, ngram_range=(1, 2))
    try:
        matrix = vectorizer.fit_transform([_content(text) for _, _, text in tasks])
    except ValueError:  # no words at all
        return []
    similarity = (matrix @ vectorizer.transform([query]).T).toarray().ravel()
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
