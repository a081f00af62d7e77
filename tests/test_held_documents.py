"""`index --all` publishes once the documents it embeds first have vectors, holds the rest
(keyword-searchable, embedded on the spot when a question names them) and fills their vectors
in after; complete, the index is the one a run that embedded everything first would build."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from licensebot.errors import ReindexAborted
from licensebot.index.documents import Chunk
from licensebot.index.reindex import Indexer
from licensebot.index.search import RetrievalConfig, Retriever
from licensebot.index.search.pending import OnTheSpot, merge
from licensebot.render import inventory_text
from tests.conftest import licensedb_docs
from tests.fakes import HashEmbedder, MemoryStore

FIRST = {"mit", "apache-2.0"}
DOCS = ["mit", "apache-2.0", "llama-2-license-2023", "gemma-tou-2025-03-24", "gpl-2.0"]


def _vectors(store: MemoryStore) -> dict[str, np.ndarray]:
    serving = store.serving()
    assert serving is not None
    col = store.collections[serving.name]
    return {cid: col.vectors[cid] for cid in col.chunks}


def test_held_documents_end_with_the_same_chunks_and_vectors_as_a_complete_build() -> None:
    docs = licensedb_docs(DOCS)
    whole, staged = MemoryStore(), MemoryStore()
    Indexer(HashEmbedder(), whole).run(docs)
    stages: list[tuple[str, int, int]] = []
    report = Indexer(HashEmbedder(), staged).run(docs, first=FIRST, progress=lambda *a: stages.append(a))
    assert report.held == 3 and report.searchable_after is not None and report.complete_after is not None
    assert ("searchable", 3, 3) in stages and stages[-1][0] == "filling" and stages[-1][1] == stages[-1][2]
    assert staged.serving() is not None and staged.serving().pending() == frozenset()  # type: ignore[union-attr]
    a, b = _vectors(whole), _vectors(staged)
    assert a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)
    assert report.chunks_embedded == Indexer(HashEmbedder(), MemoryStore()).run(docs).chunks_embedded


def test_while_vectors_are_filled_in_a_question_naming_a_held_license_is_answered_from_it() -> None:
    store, embedder = MemoryStore(), HashEmbedder()
    seen: dict[str, Any] = {}

    def progress(stage: str, done: int, total: int) -> None:
        # Published, and no vector of a held document written yet: ask then.
        if stage == "searchable":
            retriever = Retriever(embedder, store, RetrievalConfig(min_similarity=0.45, min_similarity_named=0.1))
            snapshot = retriever.snapshot()
            seen["pending"] = snapshot.pending
            seen["inventory"] = snapshot.inventory()
            seen["stored"] = {c.doc for c, _ in store.query(embedder.embed(["license"])[0], 1000)}
            seen["hits"] = retriever.search("What does the Llama 2 license say about 700 million monthly active users?",
                                            snapshot)
            seen["unscoped"] = retriever.search("What does the GNU General Public License say?", snapshot)

    Indexer(embedder, store).run(licensedb_docs(DOCS), first=FIRST, progress=progress)
    assert seen["stored"] == FIRST
    assert seen["inventory"].keys == set(DOCS) and len(seen["inventory"].pending) == 3
    assert "still adding vectors for 3 documents" in inventory_text(seen["inventory"])
    assert seen["pending"] == {"llama-2-license-2023", "gemma-tou-2025-03-24", "gpl-2.0"}
    hits = seen["hits"].hits
    assert hits and hits[0].chunk.doc == "llama-2-license-2023"
    assert any(h.similarity > 0 for h in hits), "the held clauses were embedded on the spot"
    assert any("700 million" in h.chunk.text for h in hits[:3])
    assert any(h.chunk.doc == "gpl-2.0" for h in seen["unscoped"].hits), "keyword search holds every chunk"


def test_a_fill_that_dies_halfway_through_a_document_is_redone_whole_by_the_next_run() -> None:
    store, docs = MemoryStore(), licensedb_docs(DOCS)
    writes = {"n": 0}

    def die_in_the_fill(col: Any) -> None:
        if store.active == col.name and store.serving().pending():  # type: ignore[union-attr]
            writes["n"] += 1
            if writes["n"] == 3:
                raise RuntimeError("killed")

    store.on_upsert = die_in_the_fill
    with pytest.raises(RuntimeError):
        Indexer(HashEmbedder(), store).run(docs, first=FIRST)
    serving = store.serving()
    assert serving is not None
    col = store.collections[serving.name]
    cut = {c.doc for c in col.chunks.values()} & serving.pending()
    assert cut, "one held document has some of its vectors and is still held"
    assert not cut & store.doc_hashes().keys()
    store.on_upsert = lambda col: None
    report = Indexer(HashEmbedder(), store).run(docs, first=FIRST)
    assert cut <= set(report.added)
    whole = MemoryStore()
    Indexer(HashEmbedder(), whole).run(docs)
    a, b = _vectors(whole), _vectors(store)
    assert a.keys() == b.keys() and store.serving().pending() == frozenset()  # type: ignore[union-attr]


def test_a_fill_that_loses_the_lock_leaves_the_index_serving_and_the_next_run_embeds_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store, docs = MemoryStore(), licensedb_docs(DOCS)
    indexer = Indexer(HashEmbedder(), store)
    monkeypatch.setattr(type(indexer.lock), "still_held", lambda self: store.active is None)
    with pytest.raises(ReindexAborted):
        indexer.run(docs, first=FIRST)
    serving = store.serving()
    assert serving is not None and serving.pending() == {"llama-2-license-2023", "gemma-tou-2025-03-24", "gpl-2.0"}
    assert {c.doc for c in serving.chunks()} == set(DOCS)
    monkeypatch.undo()
    report = Indexer(HashEmbedder(), store).run(docs, first=FIRST)
    assert set(report.added) == {"llama-2-license-2023", "gemma-tou-2025-03-24", "gpl-2.0"} and not report.changed
    assert store.serving().pending() == frozenset()  # type: ignore[union-attr]
    assert {c.doc for c in store.chunks()} == set(DOCS)


def test_a_run_with_everything_first_holds_nothing() -> None:
    store = MemoryStore()
    report = Indexer(HashEmbedder(), store).run(licensedb_docs(["mit"]), first={"mit"})
    assert report.held == 0 and report.searchable_after is None


def _chunk(i: int) -> Chunk:
    return Chunk(id=f"c{i}", doc="d", title="D", kind="license", category="", url="", section=f"§{i}",
                 section_id=str(i), heading="", start=i, end=i + 1, text=f"clause number {i} about topic {i % 3}",
                 doc_sha256="s", ordinal=i)


def test_on_the_spot_search_is_exact_cosine_and_embeds_each_chunk_once() -> None:
    calls: list[int] = []

    class Counting(HashEmbedder):
        def embed(self, texts: Any, *, progress: Any = None) -> Any:
            calls.append(len(texts))
            return super().embed(texts, progress=progress)

    embedder = Counting()
    chunks = [_chunk(i) for i in range(12)]
    spot = OnTheSpot(embedder)
    query = embedder.embed(["clause number 4 about topic 1"])[0]
    calls.clear()
    got = spot.search(query, chunks, 3, "g1")
    vectors = HashEmbedder().embed([c.search_text() for c in chunks])
    sims = vectors @ query / (np.linalg.norm(vectors, axis=1) * np.linalg.norm(query))
    assert [c.id for c, _ in got] == [chunks[i].id for i in np.argsort(-sims, kind="stable")[:3]]
    assert [s for _, s in got] == pytest.approx(sorted(sims, reverse=True)[:3], abs=1e-6)
    spot.search(query, chunks, 3, "g1")
    assert calls == [12], "a second question reuses the vectors"
    spot.search(query, chunks[:2], 3, "g2")
    assert calls == [12, 2], "a new index generation starts over"


def test_merge_keeps_each_chunk_once_with_its_best_similarity() -> None:
    a, b, c = _chunk(1), _chunk(2), _chunk(3)
    merged = merge([(a, 0.5), (b, 0.4)], [(b, 0.6), (c, 0.1)], 2)
    assert [(ch.id, s) for ch, s in merged] == [("c2", 0.6), ("c1", 0.5)]


def test_the_whole_licensedb_is_published_once_the_default_corpus_has_vectors() -> None:
    from licensebot.index.documents import LoadResult
    from licensebot.index.reindex import ReindexService
    from licensebot.index.reindex.service import SourceConfig

    every = licensedb_docs(DOCS)

    def load(config: SourceConfig) -> LoadResult:
        return LoadResult(tuple(d for d in every if config.all_licenses or d.key in FIRST), ())

    store = MemoryStore()
    service = ReindexService(HashEmbedder(), store, load=load)
    default = service.run(all_licenses=False)
    assert default.held == 0 and set(default.added) == FIRST
    everything = service.run(all_licenses=True)
    assert everything.held == 3 and set(everything.added) == set(DOCS) - FIRST
    assert store.serving().pending() == frozenset() and store.doc_hashes().keys() == set(DOCS)  # type: ignore[union-attr]


def test_the_index_is_read_for_questions_as_soon_as_it_is_searchable_and_again_when_complete() -> None:
    from licensebot.index.documents import LoadResult
    from licensebot.index.reindex import ReindexService
    from licensebot.index.reindex.service import SourceConfig

    every = licensedb_docs(DOCS)
    store = MemoryStore()
    pending_at_warm: list[frozenset[str]] = []

    def warm() -> None:
        serving = store.serving()
        assert serving is not None
        pending_at_warm.append(serving.pending())

    def load(config: SourceConfig) -> LoadResult:
        return LoadResult(tuple(d for d in every if config.all_licenses or d.key in FIRST), ())

    stages: list[str] = []
    service = ReindexService(HashEmbedder(), store, load=load, warm=warm)
    service.run(all_licenses=True, progress=lambda stage, *_: stages.append(stage))
    assert pending_at_warm == [frozenset(DOCS) - FIRST, frozenset()]
    assert "searchable" in stages and "filling" in stages
