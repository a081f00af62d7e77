"""A quality gate in CI: retrieval and abstention on a built-in question set over a small real
corpus. The questions are not the project's dev set; a regression in chunking, retrieval or
abstention fails the build."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.embeddings import SentenceTransformerEmbedder
from index.indexer import Indexer
from index.retrieval import Retriever
from index.sources import load_scancode
from index.store import ChromaStore
from plugin.answer import AnswerService
from plugin.evaluate import evaluate, load_items
from tests.integration.conftest import SMALL_SELECTION

pytestmark = pytest.mark.integration
QUESTIONS = Path(__file__).resolve().parents[1] / "data" / "questions.jsonl"


def test_builtin_question_set_meets_the_bar(tmp_path: Path, embedder: SentenceTransformerEmbedder) -> None:
    docs = load_scancode(SMALL_SELECTION).documents
    store = ChromaStore(path=tmp_path / "chroma")
    Indexer(embedder, store).run(docs)
    service = AnswerService(Retriever(embedder, store), None)
    metrics = evaluate(service, load_items(QUESTIONS), {d.key: d.body for d in docs})
    misses = [r for r in metrics["items"] if r["answerable"] and not 0 < r["rank"] <= 5]
    assert metrics["hit_at_5"] >= 0.9, misses
    assert metrics["hit_at_1"] >= 0.7, metrics["items"]
    assert metrics["grounded"] >= 0.8, metrics["items"]
    assert metrics["quote_exactness"] == 1.0
    assert metrics["abstention"] == 1.0, metrics["items"]
    assert metrics["false_abstention"] == 0.0, metrics["items"]
