"""`licensebot fit-ranking`: refit the learned reorder (``index/search/rerank.py``) on question
sets and check it on others.

Each answerable question is searched once; its fused top ``rerank.TOP`` candidates and their
features are kept, and a candidate is *right* when it holds an expected phrase (as ``licensebot
eval`` counts it). The weights are fitted by pairwise logistic regression (every right candidate
against every wrong one of the same question, L2-regularised, Newton steps) on the ``--fit`` sets,
and hit@1 of the whole ranking (reorder, then ``promote`` and ``lists_first``) is reported on
every set, with the shipped weights and with the fitted ones.

A set is a file, or the first or second half of its answerable questions in file order
(``tests/data/blind.jsonl:first``): fit on one half, judge on the other, which the fit never saw.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from licensebot.devtools.evaluate import Item, chunk_matches, load_items
from licensebot.errors import UsageError
from licensebot.index.search import Retriever
from licensebot.index.search.rerank import FEATURES, TOP, WEIGHTS, feature_matrix
from licensebot.index.search.retrieval import Candidates

L2 = 1e-4
"""Penalty on the squared weights (per pair), so that separable pairs do not run to infinity."""
STEPS = 50


@dataclass(frozen=True)
class QuestionSet:
    name: str
    items: tuple[Item, ...]

    @classmethod
    def parse(cls, spec: str) -> QuestionSet:
        """``FILE``, ``FILE:first`` or ``FILE:second`` (halves of the answerable questions)."""
        path, _, half = spec.rpartition(":") if spec.endswith((":first", ":second")) else (spec, "", "")
        items = [i for i in load_items(Path(path)) if i.answerable and i.expect]
        if half:
            cut = (len(items) + 1) // 2
            items = items[:cut] if half == "first" else items[cut:]
        if not items:
            raise UsageError(f"{spec}: no answerable questions")
        return cls(spec, tuple(items))


@dataclass(frozen=True)
class Case:
    """One question's candidates: their features and which of them are right."""

    found: Candidates
    item: Item
    matrix: npt.NDArray[np.float64]
    right: npt.NDArray[np.bool_]


def collect(retriever: Retriever, items: Sequence[Item]) -> list[Case]:
    snapshot = retriever.snapshot()
    cases = []
    for item in items:
        found = retriever.candidates(item.question, snapshot)
        top = found.hits[:TOP]
        if not top:
            continue
        matrix = feature_matrix(top, found.vector_ranks, found.keyword_ranks, found.terms, found.query.text)
        right = np.array([chunk_matches(h.chunk, item.expect) for h in top])
        cases.append(Case(found, item, matrix, right))
    return cases


def fit(cases: Sequence[Case], l2: float = L2, steps: int = STEPS) -> dict[str, float]:
    """Weights that rank each case's right candidates above its wrong ones."""
    pairs = [c.matrix[i] - c.matrix[j] for c in cases for i in np.flatnonzero(c.right)
             for j in np.flatnonzero(~c.right)]
    if not pairs:
        raise UsageError("no question of the fit sets has both a right and a wrong candidate")
    x = np.vstack(pairs)
    w = np.zeros(x.shape[1])
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        grad = x.T @ (p - 1.0) / len(x) + l2 * w
        hess = (x * (p * (1 - p))[:, None]).T @ x / len(x) + l2 * np.eye(len(w))
        w -= np.linalg.solve(hess, grad)
    return {f: round(float(v), 2) for f, v in zip(FEATURES, w, strict=True)}


def hit_at_1(retriever: Retriever, cases: Sequence[Case], weights: Mapping[str, float]) -> float:
    """Share of cases whose first answer, ranked with ``weights``, holds an expected phrase."""
    hits = 0
    for case in cases:
        first = retriever.rank(case.found, 1, weights).hits[:1]
        hits += bool(first) and chunk_matches(first[0].chunk, case.item.expect)
    return round(hits / len(cases), 3) if cases else 0.0


def run(retriever: Retriever, fit_sets: Sequence[QuestionSet], check_sets: Sequence[QuestionSet]) -> dict[str, Any]:
    by_set = {s.name: collect(retriever, s.items) for s in [*fit_sets, *check_sets]}
    fitted = fit([c for s in fit_sets for c in by_set[s.name]])
    return {
        "features": list(FEATURES),
        "shipped": dict(WEIGHTS),
        "fitted": fitted,
        "hit_at_1": {name: {"shipped": hit_at_1(retriever, cases, WEIGHTS),
                            "fitted": hit_at_1(retriever, cases, fitted),
                            "n": len(cases), "fit_on": name in {s.name for s in fit_sets}}
                     for name, cases in by_set.items()},
    }
