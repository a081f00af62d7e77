"""The top of a fused list reordered by a small learned model.

Reciprocal-rank fusion treats a clause first by keyword and tenth by embedding like one fourth in
both; most wrong first answers were such near-misses inside the right license. The best fused
candidates are scored again on features that tell them apart:

- how high each list ranks the clause (vector, keyword), and its cosine similarity to the question
  against the best candidate's;
- coverage: the share of the question's (rarity-weighted) terms, everyday words expanded to license
  words, that the clause holds; and the same for its section title and headings;
- its role: a definition (unless the question asks what something means), a preamble, an appendix;
  how long it is (log of its distinct terms), and whether it is a later part of a clause split
  for length.

``WEIGHTS`` were fitted by pairwise logistic regression (``licensebot fit-ranking``,
``devtools/fit_ranking.py``) on the first half of the blind set and on the broad set, and checked
on the blind set's second half, which the fit never saw (docs/quality.md has the numbers and the
command; a refit with today's index lands within noise of them).
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from licensebot.index.documents import Chunk, Hit
from licensebot.index.search.keyword import tokenize

TOP = 15
"""How many of the fused candidates are scored again."""
RANK_K = 10
BLEND_K = 10
FEATURES = ("vector_rank", "keyword_rank", "similarity", "coverage", "definition", "preamble", "appendix",
            "heading_coverage", "length", "later_part")
WEIGHTS: Mapping[str, float] = {
    "vector_rank": 4.64, "keyword_rank": 3.71, "similarity": 10.07, "coverage": 9.90, "definition": -2.54,
    "preamble": -1.57, "appendix": -2.21, "heading_coverage": 3.38, "length": 0.68, "later_part": -0.69,
}
_LATER_PART = re.compile(r"\(part \d+ of \d+\)")
ASKS_MEANING = re.compile(
    r"\b(?:mean|means|meaning|defin\w*|count(?:s|ed)? as|considered|covered|qualif(?:y|ies) as"
    r"|treated as|(?:licen[cs]e|agreement|terms|policy|it) treats?\b(?:\s+[\w'-]+){0,4}?\s+as)\b",
    re.IGNORECASE,
)
"""A question what a term means or what counts as one ("does the license treat our classifier as
a model derivative?"): its definition answers it."""


@dataclass(frozen=True)
class Terms:
    """The question's terms with their weights (IDF, expansions at a fraction), names left out."""

    weights: Mapping[str, float]

    @classmethod
    def of(cls, tokens: Sequence[str], expansion: Mapping[str, float], idf: Mapping[str, float],
           ignore: Collection[str]) -> Terms:
        wanted = {t: idf.get(t, 0.0) for t in set(tokens) - set(ignore)}
        wanted |= {t: w * idf.get(t, 0.0) for t, w in expansion.items() if t not in wanted and t not in ignore}
        return cls(wanted)

    def coverage(self, have: Collection[str]) -> float:
        """Share of the question's term weight among the terms ``have``, 0..1."""
        total = sum(self.weights.values())
        return sum(w for t, w in self.weights.items() if t in have) / total if total else 0.0


def features(
    chunk: Chunk, vector_rank: int | None, keyword_rank: int | None, similarity: float, best_similarity: float,
    terms: Terms, asks_meaning: bool,
) -> npt.NDArray[np.float64]:
    have = set(tokenize(f"{chunk.heading}\n{chunk.context}\n{chunk.text}"))
    return np.array([
        1.0 / (RANK_K + vector_rank) if vector_rank is not None else 0.0,
        1.0 / (RANK_K + keyword_rank) if keyword_rank is not None else 0.0,
        similarity - best_similarity,
        terms.coverage(have),
        float(chunk.role == "definition" and not asks_meaning),
        float(chunk.role == "preamble"),
        float(chunk.role == "appendix"),
        terms.coverage(set(tokenize(f"{chunk.section} {chunk.heading}"))),
        math.log1p(len(have)),
        float(_LATER_PART.search(chunk.section) is not None),
    ])


def feature_matrix(
    top: Sequence[Hit], vector_ranks: Mapping[str, int], keyword_ranks: Mapping[str, int], terms: Terms, question: str,
) -> npt.NDArray[np.float64]:
    """One row of ``FEATURES`` per hit (what ``rerank`` scores and ``licensebot fit-ranking`` fits)."""
    best = max(h.similarity for h in top)
    asks = bool(ASKS_MEANING.search(question))
    return np.vstack([
        features(h.chunk, vector_ranks.get(h.chunk.id), keyword_ranks.get(h.chunk.id), h.similarity, best, terms, asks)
        for h in top
    ])


def rerank(
    hits: list[Hit],
    vector_ranks: Mapping[str, int],
    keyword_ranks: Mapping[str, int],
    terms: Terms,
    question: str,
    weights: Mapping[str, float] = WEIGHTS,
    boost: Collection[str] = (),
) -> list[Hit]:
    """``hits`` with the first TOP reordered by the learned score; the rest as they were."""
    top = hits[:TOP]
    if len(top) < 2:
        return hits
    matrix = feature_matrix(top, vector_ranks, keyword_ranks, terms, question)
    scores = matrix @ np.array([weights[f] for f in FEATURES])
    learned = {i: r for r, i in enumerate(sorted(range(len(top)), key=lambda i: -scores[i]))}
    # The learned order and the fused one count equally: the model moves a clause up only when the
    # fusion did not rank it far below (alone, it gained on the blind set and lost on the broad).
    # The license a question is asked under (or a preferred version) keeps the edge fusion gave it.
    blended = {i: 1.0 / (BLEND_K + i + 1) + 1.0 / (BLEND_K + learned[i] + 1)
               + (0.5 / BLEND_K if top[i].chunk.doc in boost else 0.0) for i in range(len(top))}
    order = sorted(range(len(top)), key=lambda i: (-blended[i], i))
    return [top[i] for i in order] + hits[TOP:]
