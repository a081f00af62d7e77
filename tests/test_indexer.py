from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from licensebot.index.documents import SourceFailure
from licensebot.index.reindex import Indexer
from tests.conftest import licensedb_docs
from tests.fakes import HashEmbedder, MemoryStore


def test_only_changed_documents_are_embedded_again() -> None:
    embedder, store = HashEmbedder(), MemoryStore()
    docs = licensedb_docs(["mit", "apache-2.0"])
    first = Indexer(embedder, store).run(docs)
    assert first.added == ("apache-2.0", "mit") and first.chunks_embedded > 0
    embedded = embedder.texts_embedded

    noop = Indexer(embedder, store).run(docs)
    assert not noop.changed_anything and noop.chunks_embedded == 0
    assert embedder.texts_embedded == embedded

    mit = next(d for d in docs if d.key == "mit")
    edited = replace(mit, body=mit.body + "\nExtra sentence.", sha256="changed")
    report = Indexer(embedder, store).run([edited, *[d for d in docs if d.key != "mit"]])
    assert report.changed == ("mit",) and report.chunks_embedded == 1
    assert any("Extra sentence." in c.text for c in store.chunks())
    assert store.state()["documents"] == 2 and store.state()["indexed_at"]


def test_removed_document_goes_but_a_broken_file_keeps_its_old_version() -> None:
    store = MemoryStore()
    docs = licensedb_docs(["mit", "apache-2.0", "isc"])
    Indexer(HashEmbedder(), store).run(docs)
    broken = [SourceFailure(str(Path("/licenses/isc.LICENSE")), "not UTF-8 text")]
    report = Indexer(HashEmbedder(), store).run([d for d in docs if d.key == "apache-2.0"], broken)
    assert report.removed == ("mit",)
    assert set(store.doc_hashes()) == {"apache-2.0", "isc"}
    assert report.failures == tuple(broken)


def test_identical_texts_are_embedded_once() -> None:
    embedder, store = HashEmbedder(), MemoryStore()
    mit = licensedb_docs(["mit"])[0]
    twin = replace(mit, key="mit-copy", source="copy")
    report = Indexer(embedder, store).run([mit, twin])
    assert store.count() == 2 and report.chunks_embedded == 1


def test_a_new_chunker_or_model_rebuilds_everything() -> None:
    store = MemoryStore()
    docs = licensedb_docs(["mit"])
    Indexer(HashEmbedder(), store).run(docs)
    store.set_state(store.state() | {"chunker": "old"})
    report = Indexer(HashEmbedder(), store).run(docs)
    assert report.changed == ("mit",) and report.chunks_embedded == 1
