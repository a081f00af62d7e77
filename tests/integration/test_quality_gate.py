"""A quality gate in CI: retrieval and abstention on a built-in question set over a small real
corpus. The questions are not the project's dev set; a regression in chunking, retrieval or
abstention fails the build."""

from __future__ import annotations

from pathlib import Path

import pytest

from licensebot.answering.service import AnswerService
from licensebot.devtools.evaluate import evaluate, load_items
from licensebot.index.embed.torch_backend import SentenceTransformerEmbedder
from licensebot.index.reindex import Indexer
from licensebot.index.search import Retriever
from licensebot.index.sources import load_scancode
from licensebot.index.store.chroma import ChromaStore
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


BROAD = Path(__file__).resolve().parents[1] / "data" / "broad.jsonl"
BLIND = Path(__file__).resolve().parents[1] / "data" / "blind.jsonl"


@pytest.fixture(scope="module")
def default_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[AnswerService, dict[str, str]]:
    """The default corpus, built and searched as `licensebot` does (one build for both sets)."""
    from licensebot.runtime import Runtime
    from licensebot.settings import Settings

    tmp_path = tmp_path_factory.mktemp("gate")
    rt = Runtime(Settings.from_env({"LICENSEBOT_DATA_DIR": str(tmp_path), "HOME": str(tmp_path)}))
    embedder, store = rt.embedder(), rt.store()
    reindexer = rt.reindexer(embedder, store)
    reindexer.run(forget_folders=True)
    bodies = {d.key: d.body for d in reindexer.documents(reindexer.config()).documents}
    return rt.service(embedder, store, None), bodies


def test_broad_question_set_on_the_default_corpus_meets_the_bar(
    default_index: tuple[AnswerService, dict[str, str]],
) -> None:
    """The project's own broad set (109 questions over 55 licenses, 18 of them about licenses
    the index does not hold). The bars sit just under what docs/quality.md reports, so a
    regression fails the build."""
    service, bodies = default_index
    metrics = evaluate(service, load_items(BROAD), bodies)
    items = [r for r in metrics["items"] if not r["answerable"] or r["rank"] != 1]
    assert metrics["quote_exactness"] == 1.0
    assert metrics["abstention"] == 1.0 and metrics["named"] == 1.0, items
    assert metrics["false_abstention"] == 0.0 and metrics["contradictions"] == 0, items
    assert metrics["hit_at_5"] >= 0.95, items
    assert metrics["hit_at_1"] >= 0.83, items
    assert metrics["grounded"] >= 0.93, items
    assert metrics["lead_grounded"] >= 0.76, items


def test_blind_question_set_on_the_default_corpus_does_not_fall_back(
    default_index: tuple[AnswerService, dict[str, str]],
) -> None:
    """The blind set (186 questions written without sight of the ranking code; its discussion
    questions need ../shared's folders, absent here). Bars just under this stop's default-corpus
    figures (docs/quality.md): hit@1 0.683, hit@5 0.866, grounded 0.854, lead 0.585."""
    service, bodies = default_index
    metrics = evaluate(service, load_items(BLIND), bodies)
    items = [r for r in metrics["items"] if r["answerable"] and r["rank"] != 1]
    assert metrics["quote_exactness"] == 1.0 and metrics["contradictions"] == 0
    assert metrics["false_abstention"] <= 0.02, items
    assert metrics["hit_at_1"] >= 0.66, items
    assert metrics["hit_at_5"] >= 0.85, items
    assert metrics["grounded"] >= 0.83, items
    assert metrics["lead_grounded"] >= 0.56, items
