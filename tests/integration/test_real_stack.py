"""The real components together: MiniLM embeddings, Chroma (embedded and server) and the
local GGUF model, on a small real subset of the ScanCode LicenseDB."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from licensebot.answering.service import AnswerService
from licensebot.errors import StoreUnavailable
from licensebot.index.documents import Document
from licensebot.index.embed.torch_backend import SentenceTransformerEmbedder
from licensebot.index.reindex import Indexer
from licensebot.index.search import Retriever
from licensebot.index.sources import load_packaged, load_scancode
from licensebot.index.store.chroma import ChromaStore
from licensebot.runtime import Runtime
from licensebot.settings import Settings
from tests.integration.conftest import SMALL_SELECTION
from tests.integration.processes import free_port, licensebot, start_chroma

pytestmark = pytest.mark.integration


def _docs() -> tuple[Document, ...]:
    return load_scancode(SMALL_SELECTION).documents


def test_embeddings_are_normalised_and_semantic(embedder: SentenceTransformerEmbedder) -> None:
    vectors = embedder.embed(["monthly active users", "number of users per month", "warranty disclaimer"])
    assert vectors.shape == (3, 384)
    norms = (vectors**2).sum(axis=1)
    assert all(abs(n - 1.0) < 1e-3 for n in norms)
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2])


def test_index_search_and_noop_reindex_in_embedded_chroma(
    tmp_path: Path, embedder: SentenceTransformerEmbedder
) -> None:
    store = ChromaStore(path=tmp_path / "chroma")
    report = Indexer(embedder, store).run(_docs())
    assert len(report.added) == len(SMALL_SELECTION) and report.chunks_embedded > 50
    again = Indexer(embedder, store).run(_docs())
    assert again.chunks_embedded == 0 and not again.changed_anything and again.unchanged == len(SMALL_SELECTION)

    reopened = ChromaStore(path=tmp_path / "chroma")
    assert reopened.count() == store.count()
    result = Retriever(embedder, reopened).search(
        "Do we need a license from Meta to use Llama 2 if we have more than 700 million monthly active users?"
    )
    assert result.confident
    assert result.hits[0].chunk.doc == "llama-2-license-2023"
    assert "700 million" in result.hits[0].chunk.text


def test_removed_document_disappears(tmp_path: Path, embedder: SentenceTransformerEmbedder) -> None:
    store = ChromaStore(path=tmp_path / "chroma")
    Indexer(embedder, store).run(_docs())
    report = Indexer(embedder, store).run([d for d in _docs() if d.key != "mit"])
    assert report.removed == ("mit",)
    assert "mit" not in store.doc_hashes()


def test_real_model_answers_with_the_right_clause_verbatim(
    tmp_path: Path, embedder: SentenceTransformerEmbedder
) -> None:
    store = ChromaStore(path=tmp_path / "chroma")
    docs = {d.key: d for d in _docs()}
    Indexer(embedder, store).run(list(docs.values()))
    generator, info = Runtime(Settings.from_env({"HOME": str(tmp_path)})).generator()
    assert info.license == "apache-2.0"
    service = AnswerService(Retriever(embedder, store), generator)
    answer = service.ask("Does Google claim ownership of text we generate with Gemma?")
    assert not answer.abstained and answer.answer.strip()
    assert any("Google claims no rights in Outputs" in q.text for q in answer.quotes)
    for q in answer.quotes:
        assert docs[q.doc].body[q.start : q.end] == q.text
    not_found = service.ask("What's the weather like in Paris today?")
    assert not_found.abstained and not not_found.quotes


def test_cli_ask_builds_the_index_on_first_use_and_prints_json(env: dict[str, str]) -> None:
    proc = licensebot(["ask", "--json", "If we fine-tune Llama 3.1 and publish the model, how must we name it?"], env)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert set(out) >= {"question", "answer", "abstained", "quotes", "hits"}
    assert out["abstained"] is False
    assert len(out["hits"]) == 10
    bodies = {d.key: d.body for d in _docs()}
    for q in out["quotes"]:
        assert bodies[q["doc"]][q["start"] : q["end"]] == q["text"]
    assert any("at the beginning of any such AI model name" in q["text"] for q in out["quotes"])
    assert "Building the license index" in proc.stderr

    sources = licensebot(["sources", "--json"], env)
    listing = json.loads(sources.stdout)
    # The selection plus the AI licenses that ship with the package (MNPL, MRL, Meta Llama 3).
    assert listing["documents"] == len(SMALL_SELECTION) + len(load_packaged().documents) and listing["indexed_at"]

    text = licensebot(["ask", "--no-model", "What does the MIT license require in copies?"], env)
    assert text.returncode == 0 and "MIT License" in text.stdout and "not legal advice" in text.stdout


def test_cli_reports_a_chroma_server_that_is_down(env: dict[str, str]) -> None:
    proc = licensebot(["sources"], env | {"LICENSEBOT_CHROMA_URL": f"http://127.0.0.1:{free_port()}"})
    assert proc.returncode == 1, "an unreachable store is a runtime failure (exit 1), not a usage error (2)"
    assert "vector store" in proc.stderr and "Traceback" not in proc.stderr


def test_chroma_server_behaves_like_the_embedded_store(
    chroma_server: str, embedder: SentenceTransformerEmbedder
) -> None:
    store = ChromaStore(url=chroma_server)
    report = Indexer(embedder, store).run(_docs())
    assert report.chunks_embedded > 50
    assert Indexer(embedder, store).run(_docs()).chunks_embedded == 0
    result = Retriever(embedder, store).search("What happens to our Apache 2.0 patent license if we sue?")
    assert result.hits[0].chunk.doc == "apache-2.0"
    assert any("patent litigation" in h.chunk.text for h in result.hits[:3])


def test_store_unavailable_is_converted() -> None:
    store = ChromaStore(url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(StoreUnavailable):
        store.count()


def test_answers_recover_when_the_chroma_server_comes_back(
    tmp_path: Path, embedder: SentenceTransformerEmbedder
) -> None:
    port = free_port()
    proc = start_chroma(tmp_path / "server", port)
    try:
        store = ChromaStore(url=f"http://127.0.0.1:{port}")
        Indexer(embedder, store).run([d for d in _docs() if d.key in ("mit", "apache-2.0")])
        service = AnswerService(Retriever(embedder, store), None)
        assert not service.ask("What does the MIT license require in copies?").abstained
        proc.terminate()
        proc.wait(timeout=30)
        with pytest.raises(StoreUnavailable):
            service.ask("What does the MIT license require in copies?")
        proc = start_chroma(tmp_path / "server", port)
        answer = service.ask("What does the MIT license require in copies?")
        assert not answer.abstained and answer.quotes[0].doc == "mit"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_a_model_that_times_out_leaves_the_quotes_and_says_so(
    tmp_path: Path, embedder: SentenceTransformerEmbedder
) -> None:
    from licensebot.errors import ModelTimeout
    from licensebot.llm.generate import LlamaCppGenerator
    from licensebot.llm.guard import default_model_path

    store = ChromaStore(path=tmp_path / "chroma")
    Indexer(embedder, store).run([d for d in _docs() if d.key in ("mit", "apache-2.0")])
    slow = LlamaCppGenerator(default_model_path(), timeout=0.001)
    with pytest.raises(ModelTimeout):
        slow.generate("Answer briefly.", "What is a license?")
    answer = AnswerService(Retriever(embedder, store), slow).ask("What does the MIT license require in copies?")
    assert answer.quotes and answer.quotes[0].doc == "mit"
    # The clause's own sentence still leads; only the model's restatement is missing.
    assert answer.lead is not None and answer.lead.doc == "mit"
    # A lead of sentences of different kinds shows each with its own label, so each is checked.
    for sentence in answer.lead.sentences or (answer.lead,):
        assert " ".join(sentence.text.split()) in answer.answer
    assert not answer.summary_available and not answer.paraphrase


def test_serve_starts_and_answers_with_quotes_when_the_model_cannot_load(
    tmp_path: Path, env: dict[str, str]
) -> None:
    from licensebot.llm.guard import default_model_path
    from licensebot.slack.replies import answer_reply
    from licensebot.slack.server import build_deps

    # Its header (and license) is intact, so the guard passes; the weights are cut off.
    broken = tmp_path / "broken.gguf"
    with default_model_path().open("rb") as src:
        broken.write_bytes(src.read(4_000_000))
    settings = Settings.from_env(env | {"LICENSEBOT_MODEL_PATH": str(broken), "SLACK_BOT_TOKEN": "xoxb-t",
                                        "SLACK_SIGNING_SECRET": "s"})
    deps = build_deps(Runtime(settings))
    reply = answer_reply(deps, "What does the MIT license require in copies?")
    assert reply.answered and "MIT" in reply.text
    assert reply.answer is not None and reply.answer.lead is not None and not reply.answer.paraphrase


def test_texts_are_batched_by_token_count_and_come_back_in_order(
    embedder: SentenceTransformerEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every text of a call is sorted by its token count before batching (sentence-transformers
    would sort only within what one encode gets, by characters), and each vector is the one the
    text gets alone."""
    from licensebot.index.embed.tokens import token_counts

    long_text = "Licensor grants you a worldwide, royalty-free license to use the Work. " * 40  # past the cap
    texts = ["short", long_text, "a medium sentence about the patent license and its termination", "x " * 30,
             "WARRANTY", long_text.upper()] * 6
    batches: list[list[str]] = []
    encode = embedder._model.encode

    def spy(batch: list[str], **kwargs: Any) -> Any:
        batches.append(list(batch))
        return encode(batch, **kwargs)

    monkeypatch.setattr(embedder._model, "encode", spy)
    vectors = embedder.embed(texts)
    monkeypatch.undo()
    counts = [token_counts(embedder._tokenizer, b) for b in batches]
    flat = [n for b in counts for n in b]
    assert flat == sorted(flat, reverse=True), "batches run longest first, each holding neighbours in length"
    assert sum(len(b) for b in batches) == len(texts)
    alone = embedder.embed([texts[1]])[0], embedder.embed([texts[2]])[0]
    assert float(vectors[1] @ alone[0]) > 0.999 and float(vectors[2] @ alone[1]) > 0.999


def test_index_all_answers_before_the_rest_is_embedded_and_the_same_once_complete(
    tmp_path: Path, embedder: SentenceTransformerEmbedder
) -> None:
    """A held license, named in a question while its vectors are still being filled in, is
    answered from clauses embedded on the spot: the same clauses, in the same order, with the
    same similarities as once its vectors are in the store; in bfloat16 up to the rounding of
    different batches (near-ties may swap)."""
    store = ChromaStore(path=tmp_path / "chroma")
    question = "Do we need a license from Meta to use Llama 2 if we have more than 700 million monthly active users?"
    during: dict[str, Any] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "searchable":
            retriever = Retriever(embedder, ChromaStore(path=tmp_path / "chroma"))
            snapshot = retriever.snapshot()
            during["pending"] = snapshot.pending
            during["result"] = retriever.search(question, snapshot)

    report = Indexer(embedder, store).run(_docs(), first={"mit", "apache-2.0"}, progress=progress)
    assert report.held == len(SMALL_SELECTION) - 2
    assert "llama-2-license-2023" in during["pending"]
    after = Retriever(embedder, ChromaStore(path=tmp_path / "chroma"))
    assert after.snapshot().pending == frozenset()
    complete = after.search(question)
    before = during["result"]
    assert before.confident and before.hits[0].chunk.doc == "llama-2-license-2023"
    assert before.hits[0].chunk.id == complete.hits[0].chunk.id
    # bfloat16 vectors of one text differ in the last bits between batches (cosine >= 0.9999).
    tolerance = 1e-4 if embedder.precision == "float32" else 2e-3
    if embedder.precision == "float32":
        assert [h.chunk.id for h in before.hits] == [h.chunk.id for h in complete.hits]
    during_sims = {h.chunk.id: h.similarity for h in before.hits}
    after_sims = {h.chunk.id: h.similarity for h in complete.hits}
    for cid in during_sims.keys() & after_sims.keys():
        assert during_sims[cid] == pytest.approx(after_sims[cid], abs=tolerance)
    last = min(after_sims.values())
    for cid in during_sims.keys() ^ after_sims.keys():  # only a tie at the cut may differ
        assert {**during_sims, **after_sims}[cid] == pytest.approx(last, abs=2 * tolerance)


def test_a_question_is_embedded_between_the_batches_of_a_long_embedding(
    embedder: SentenceTransformerEmbedder,
) -> None:
    """A reindex filling in vectors inside a serving process must not hold questions for the
    whole fill: the model is shared batch by batch."""
    import threading

    question: dict[str, Any] = {}

    def ask() -> None:
        question["vector"] = embedder.embed(["Can we use it commercially?"])

    def on_first_batch(n: int) -> None:
        if "thread" not in question:
            question["thread"] = threading.Thread(target=ask)
            question["thread"].start()
            # The long call is paused here until the question has its vector.
            question["thread"].join(timeout=60)

    count = embedder.call_size + embedder.batch_size
    texts = [f"clause {i}: the licensee may redistribute the work" for i in range(count)]
    embedder.embed(texts, progress=on_first_batch)
    assert "vector" in question, "the question waited for the whole long call"
    assert question["vector"].shape == (1, embedder.dim)
