"""Admin folders as they really look (../shared/corpus): indexed beside LicenseDB texts and
answered from. Skipped, with the reason, where ../shared is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from licensebot.answering.service import AnswerService
from licensebot.index.embed.torch_backend import SentenceTransformerEmbedder
from licensebot.index.reindex import Indexer
from licensebot.index.search import Retriever
from licensebot.index.sources import load_all
from licensebot.index.store.chroma import ChromaStore
from tests.integration.conftest import SMALL_SELECTION

pytestmark = pytest.mark.integration


def test_shared_folders_index_and_answer(
    tmp_path: Path, shared_dir: Path, embedder: SentenceTransformerEmbedder
) -> None:
    folders = [shared_dir / "corpus" / "licenses", shared_dir / "corpus" / "discussions"]
    loaded = load_all(scancode_patterns=SMALL_SELECTION, folders=folders)
    assert not loaded.failures, loaded.failures
    kinds = {d.key: d.kind for d in loaded.documents}
    assert kinds["mistral-ai-non-production-license"] == "license"
    assert kinds["discussion-mistral-code-model-license"] == "discussion"

    store = ChromaStore(path=tmp_path / "chroma")
    Indexer(embedder, store).run(loaded.documents)
    service = AnswerService(Retriever(embedder, store), None)
    bodies = {d.key: d.body for d in loaded.documents}

    answer = service.ask("Under the Mistral Non-Production License, may we offer the model as a SaaS product?")
    assert answer.quotes[0].doc == "mistral-ai-non-production-license"
    assert any("hosted or managed service" in q.text for q in answer.quotes)
    assert answer.quotes[0].section.startswith("§3.2")

    courts = service.ask("Which courts handle disputes under the MNPL?")
    assert any("courts of Paris" in q.text for q in courts.quotes)

    thread = service.ask("What did people in the forum thread argue about GPL code used to train models?")
    assert thread.quotes and all(q.kind == "discussion" for q in thread.quotes)
    assert any("not license terms" in n for n in thread.notes)
    for a in (answer, courts, thread):
        for q in a.quotes:
            assert bodies[q.doc][q.start : q.end] == q.text
