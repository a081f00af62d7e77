"""One contract for every vector store: the in-memory fake the unit tests use and the embedded
Chroma store run the same tests, so the fake cannot drift from the real thing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from licensebot.index.documents import Chunk
from licensebot.index.store import VectorStore
from licensebot.index.store.chroma import ChromaStore
from tests.fakes import MemoryStore

Factory = Callable[[Path], VectorStore]
STORES: dict[str, Factory] = {
    "memory": lambda tmp: MemoryStore(),
    "chroma": lambda tmp: ChromaStore(path=tmp / "chroma", collection="contract"),
}


@pytest.fixture(params=sorted(STORES))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[VectorStore]:
    yield STORES[request.param](tmp_path)


def _chunks(doc: str, n: int, *, dim: int = 8, offset: int = 0) -> tuple[list[Chunk], np.ndarray]:
    chunks = [Chunk(id=f"{doc}-{i}", doc=doc, title=doc.upper(), kind="license", category="Permissive", url="",
                    section=f"§{i}", section_id=str(i), heading="", start=i * 10, end=i * 10 + 5,
                    text=f"clause {i} of {doc}", doc_sha256=f"sha-{doc}", ordinal=i) for i in range(n)]
    vectors = np.eye(dim, dtype=np.float32)[[(offset + i) % dim for i in range(n)]]
    return chunks, vectors


def _publish(store: VectorStore, docs: dict[str, int], state: dict[str, object]) -> None:
    build = store.begin_build()
    offset = 0
    for doc, n in docs.items():
        chunks, vectors = _chunks(doc, n, offset=offset)
        build.upsert(chunks, vectors)
        offset += n
    build.set_state(dict(state))
    store.publish(build)


def test_an_empty_store_serves_nothing(store: VectorStore) -> None:
    assert store.serving() is None and store.count() == 0 and store.chunks() == [] and store.state() == {}


def test_a_published_build_serves_its_chunks_state_and_nearest_neighbours(store: VectorStore) -> None:
    _publish(store, {"mit": 3, "gpl": 2}, {"generation": "g1", "documents": 2})
    serving = store.serving()
    assert serving is not None and serving.count() == 5 and store.count() == 5
    assert serving.state()["generation"] == "g1"
    assert {c.id for c in serving.chunks()} == {"mit-0", "mit-1", "mit-2", "gpl-0", "gpl-1"}
    best, similarity = serving.query(np.eye(8, dtype=np.float32)[1], 1)[0]
    assert best.id == "mit-1" and similarity == pytest.approx(1.0, abs=1e-5)
    only_gpl = serving.query(np.eye(8, dtype=np.float32)[0], 5, {"gpl"})
    assert {c.doc for c, _ in only_gpl} == {"gpl"}
    assert store.doc_hashes() == {"mit": "sha-mit", "gpl": "sha-gpl"}
    chunk = next(c for c in serving.chunks() if c.id == "mit-2")
    assert (chunk.section, chunk.section_id, chunk.start, chunk.end, chunk.ordinal) == ("§2", "2", 20, 25, 2)


def test_a_serving_handle_keeps_reading_its_generation_across_a_publish(store: VectorStore) -> None:
    _publish(store, {"mit": 2}, {"generation": "g1"})
    before = store.serving()
    _publish(store, {"apache": 3}, {"generation": "g2"})
    assert before is not None and before.state()["generation"] == "g1"
    assert {c.doc for c in before.chunks()} == {"mit"}, "a question's snapshot is one index generation"
    after = store.serving()
    assert after is not None and after.state()["generation"] == "g2" and after.count() == 3


def test_an_unpublished_build_is_invisible_and_discard_leaves_no_leftover(store: VectorStore) -> None:
    _publish(store, {"mit": 2}, {"generation": "g1"})
    build = store.begin_build()
    chunks, vectors = _chunks("apache", 2)
    build.upsert(chunks, vectors)
    assert {c.doc for c in store.chunks()} == {"mit"}
    assert build.name in store.leftovers()
    store.discard(build)
    assert store.leftovers() == []


def test_export_gives_the_vectors_back_and_skips_documents(store: VectorStore) -> None:
    _publish(store, {"mit": 2, "gpl": 1}, {"generation": "g1"})
    exported = [(c, v) for chunks, vectors in store.export(skip_docs={"gpl"}) for c, v in zip(chunks, vectors,
                                                                                            strict=True)]
    assert {c.id for c, _ in exported} == {"mit-0", "mit-1"}
    assert all(np.allclose(v, np.eye(8)[c.ordinal], atol=1e-5) for c, v in exported)


def test_set_state_updates_the_serving_index_in_place(store: VectorStore) -> None:
    _publish(store, {"mit": 1}, {"generation": "g1", "indexed_at": "then"})
    store.set_state({"generation": "g1", "indexed_at": "now"})
    assert store.state()["indexed_at"] == "now"
    serving = store.serving()
    assert serving is not None and serving.state()["indexed_at"] == "now"


def test_held_chunks_are_served_without_vectors_until_filled(store: VectorStore) -> None:
    build = store.begin_build()
    mit, mit_vectors = _chunks("mit", 2)
    build.upsert(mit, mit_vectors)
    gpl, gpl_vectors = _chunks("gpl", 3, offset=2)
    build.hold(gpl)
    build.set_state({"generation": "g1"})
    store.publish(build)
    assert store.leftovers() == [], "the held chunks' place is part of the published build"
    serving = store.serving()
    assert serving is not None and serving.pending() == {"gpl"}
    assert {c.id for c in serving.chunks()} == {"mit-0", "mit-1", "gpl-0", "gpl-1", "gpl-2"}
    held = next(c for c in serving.chunks() if c.id == "gpl-2")
    assert (held.section, held.start, held.end, held.text) == ("§2", 20, 25, "clause 2 of gpl")
    assert held.doc_sha256 == "sha-gpl"
    assert {c.doc for c, _ in serving.query(np.eye(8, dtype=np.float32)[3], 5)} == {"mit"}, "no vectors yet"
    assert store.doc_hashes() == {"mit": "sha-mit"}, "a held document is embedded again by the next run"
    # What a fill that died between two writes leaves: part of a held document has vectors.
    build.upsert(gpl[:2], gpl_vectors[:2])
    assert store.serving().pending() == {"gpl"}  # type: ignore[union-attr]
    assert store.doc_hashes() == {"mit": "sha-mit"}, "a half-filled document is embedded again too"
    assert {c.doc for page, _ in store.export() for c in page} == {"mit"}, "and none of it carried over"

    build.fill(gpl, gpl_vectors)
    serving = store.serving()
    assert serving is not None and serving.pending() == frozenset()
    assert sorted(c.id for c in serving.chunks()) == ["gpl-0", "gpl-1", "gpl-2", "mit-0", "mit-1"]
    best, similarity = serving.query(np.eye(8, dtype=np.float32)[3], 1)[0]
    assert best.id == "gpl-1" and similarity == pytest.approx(1.0, abs=1e-5)
    assert store.doc_hashes() == {"mit": "sha-mit", "gpl": "sha-gpl"} and store.leftovers() == []


def test_a_discarded_build_takes_its_held_chunks_with_it(store: VectorStore) -> None:
    _publish(store, {"mit": 1}, {"generation": "g1"})
    build = store.begin_build()
    chunks, _ = _chunks("gpl", 2)
    build.hold(chunks)
    store.discard(build)
    assert store.leftovers() == []
    serving = store.serving()
    assert serving is not None and serving.pending() == frozenset() and {c.doc for c in serving.chunks()} == {"mit"}


def test_a_document_filled_while_chunks_are_read_is_read_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chroma reads the serving collection and the held one separately; a fill between the two
    reads must not hide the document it moves (questions keep one read for a whole generation)."""
    import licensebot.index.store.chroma as chroma

    store = ChromaStore(path=tmp_path / "chroma", collection="contract")
    build = store.begin_build()
    mit, mit_vectors = _chunks("mit", 2)
    gpl, gpl_vectors = _chunks("gpl", 3, offset=2)
    build.upsert(mit, mit_vectors)
    build.hold(gpl)
    build.set_state({"generation": "g1"})
    store.publish(build)
    reads = chroma._pages

    def fill_after_the_first_read(*args: object, **kwargs: object) -> Iterator[dict[str, object]]:
        yield from reads(*args, **kwargs)  # type: ignore[arg-type]
        if store.serving().pending():  # type: ignore[union-attr]
            build.fill(gpl, gpl_vectors)

    monkeypatch.setattr(chroma, "_pages", fill_after_the_first_read)
    assert sorted(c.id for c in store.chunks()) == ["gpl-0", "gpl-1", "gpl-2", "mit-0", "mit-1"]
