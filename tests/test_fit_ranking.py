"""`licensebot fit-ranking`: sets and halves, the pairwise fit, and a run over a real index of
LicenseDB texts (hashing embedder)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from licensebot.devtools.evaluate import Item
from licensebot.devtools.fit_ranking import Case, QuestionSet, fit, run
from licensebot.errors import UsageError
from licensebot.index.search import Retriever
from licensebot.index.search.rerank import FEATURES, WEIGHTS


def _write(path: Path, n_answerable: int) -> Path:
    rows = [{"id": f"q{i}", "question": f"Apache 2.0: question {i}?", "answerable": True,
             "expect": [{"doc": "apache-2.0", "quote": "patent"}]} for i in range(n_answerable)]
    rows.append({"id": "u1", "question": "What about the weather?", "answerable": False, "expect": []})
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", "utf-8")
    return path


def test_halves_split_the_answerable_questions_in_file_order(tmp_path: Path) -> None:
    path = _write(tmp_path / "set.jsonl", 5)
    assert [i.id for i in QuestionSet.parse(str(path)).items] == ["q0", "q1", "q2", "q3", "q4"]
    assert [i.id for i in QuestionSet.parse(f"{path}:first").items] == ["q0", "q1", "q2"]
    assert [i.id for i in QuestionSet.parse(f"{path}:second").items] == ["q3", "q4"]
    with pytest.raises(UsageError):
        QuestionSet.parse(str(_write(tmp_path / "empty.jsonl", 0)))


def test_the_fit_weights_the_feature_that_separates_right_from_wrong() -> None:
    rng = np.random.default_rng(0)
    cases = []
    for _ in range(40):
        matrix = rng.normal(size=(6, len(FEATURES)))
        right = np.zeros(6, dtype=bool)
        right[int(np.argmax(matrix[:, FEATURES.index("coverage")]))] = True
        cases.append(Case(found=None, item=Item("q", "q", True, ()), matrix=matrix, right=right))  # type: ignore[arg-type]
    weights = fit(cases)
    assert set(weights) == set(FEATURES)
    assert max(weights, key=lambda f: abs(weights[f])) == "coverage" and weights["coverage"] > 0


def test_a_fit_with_nothing_to_separate_is_a_usage_error() -> None:
    case = Case(found=None, item=Item("q", "q", True, ()), matrix=np.ones((3, len(FEATURES))),  # type: ignore[arg-type]
                right=np.ones(3, dtype=bool))
    with pytest.raises(UsageError):
        fit([case])


def test_a_run_reports_both_weightings_on_every_set(fake_retriever: Retriever, tmp_path: Path) -> None:
    questions = [
        ("What does Apache 2.0 say about patent litigation?", "apache-2.0", "patent infringement"),
        ("Under Apache 2.0, what must we do with the NOTICE file?", "apache-2.0", "NOTICE"),
        ("Does Llama 2 need a license above 700 million monthly active users?", "llama-2-license-2023",
         "700 million monthly active users"),
        ("Does the MIT license come with any warranty?", "mit", "WITHOUT WARRANTY"),
    ]
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(json.dumps({"id": f"q{i}", "question": q, "answerable": True,
                                          "expect": [{"doc": d, "quote": p}]})
                              for i, (q, d, p) in enumerate(questions)), "utf-8")
    result = run(fake_retriever, [QuestionSet.parse(f"{path}:first")],
                 [QuestionSet.parse(f"{path}:second"), QuestionSet.parse(str(path))])
    assert result["shipped"] == dict(WEIGHTS) and set(result["fitted"]) == set(FEATURES)
    by_set = result["hit_at_1"]
    assert isinstance(by_set, dict)
    assert by_set[f"{path}:first"]["fit_on"] and not by_set[f"{path}:second"]["fit_on"]
    for name in (f"{path}:first", f"{path}:second"):
        assert by_set[name]["n"] == 2 and 0.0 <= by_set[name]["fitted"] <= 1.0
    # With the shipped weights, the harness scores exactly what the search serves first.
    served = [fake_retriever.search(q).hits[0] for q, _, _ in questions]
    expected = sum(h.chunk.doc == d and p.lower() in h.chunk.text.lower()
                   for h, (_, d, p) in zip(served, questions, strict=True)) / len(questions)
    assert 0 < expected and by_set[str(path)]["shipped"] == round(expected, 3)


def test_ranking_the_candidates_is_the_search(fake_retriever: Retriever) -> None:
    """What the fit judges is what `search` serves: the same hits, in the same order."""
    for question in ("What does Apache 2.0 say about patent litigation?", "Can we use Gemma outputs to train a model?",
                     "Under the Gemma terms, what about Santa Clara?"):
        ranked = fake_retriever.rank(fake_retriever.candidates(question), fake_retriever.config.top_k, WEIGHTS)
        assert [h.chunk.id for h in ranked.hits] == [h.chunk.id for h in fake_retriever.search(question).hits]
