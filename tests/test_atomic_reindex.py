"""Reindexing swaps in a complete new index: readers never see a half-built one."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Sequence
from dataclasses import replace

import pytest

from licensebot.errors import EmbeddingError, ReindexAborted, ReindexInProgress
from licensebot.index.documents import Document
from licensebot.index.embed import Vectors
from licensebot.index.reindex import Indexer
from licensebot.index.store.control import LOCK_KEY, ReindexLock
from tests.conftest import licensedb_docs
from tests.fakes import HashEmbedder, MemoryCollection, MemoryStore


def _edited(key: str, extra: str) -> list[Document]:
    docs = licensedb_docs(["mit", "apache-2.0"])
    return [replace(d, body=d.body + extra, sha256=d.sha256 + "x") if d.key == key else d for d in docs]


def test_questions_during_a_reindex_are_answered_from_the_previous_index() -> None:
    store = MemoryStore()
    Indexer(HashEmbedder(), store).run(licensedb_docs(["mit", "apache-2.0"]))
    before = {c.id: c.text for c in store.chunks()}
    seen_during: list[dict[str, str]] = []

    def peek(col: MemoryCollection) -> None:
        seen_during.append({c.id: c.text for c in store.chunks()})

    store.on_upsert = peek
    report = Indexer(HashEmbedder(), store).run(_edited("mit", "\nA brand new sentence."))
    assert report.changed == ("mit",)
    assert seen_during and all(snapshot == before for snapshot in seen_during)
    assert any("A brand new sentence." in c.text for c in store.chunks())


def test_unchanged_documents_are_copied_not_embedded() -> None:
    embedder, store = HashEmbedder(), MemoryStore()
    Indexer(embedder, store).run(licensedb_docs(["mit", "apache-2.0"]))
    apache_before = {c.id for c in store.chunks() if c.doc == "apache-2.0"}
    embedder.texts_embedded = 0
    report = Indexer(embedder, store).run(_edited("mit", "\nOne more line."))
    assert embedder.texts_embedded == report.chunks_embedded == 1
    assert {c.id for c in store.chunks() if c.doc == "apache-2.0"} == apache_before


class _Failing(HashEmbedder):
    def embed(self, texts: Sequence[str], *, progress: Callable[[int], None] | None = None) -> Vectors:
        raise EmbeddingError("model crashed")


def test_a_failed_reindex_leaves_the_old_index_serving_and_no_build_behind() -> None:
    store = MemoryStore()
    Indexer(HashEmbedder(), store).run(licensedb_docs(["mit", "apache-2.0"]))
    before = sorted(c.id for c in store.chunks())
    with pytest.raises(EmbeddingError):
        Indexer(_Failing(), store).run(_edited("mit", "\nChanged."))
    assert sorted(c.id for c in store.chunks()) == before
    assert store.leftovers() == [] and store.control.read(LOCK_KEY) is None


def test_a_killed_reindex_is_reported_and_cleaned_up_by_the_next_one() -> None:
    store = MemoryStore()
    Indexer(HashEmbedder(), store).run(licensedb_docs(["mit"]))
    # What SIGKILL leaves: a half-filled build and the lock of a process that no longer exists.
    orphan = store.begin_build()
    dead_pid = 2**22 + 12345
    store.control.write(LOCK_KEY, {"kind": "lock", "owner": "ghost", "host": socket.gethostname(),
                                   "pid": dead_pid, "started": 0.0, "at": 9e18})
    report = Indexer(HashEmbedder(), store).run(licensedb_docs(["mit", "isc"]))
    assert report.added == ("isc",)
    assert any(f"process {dead_pid}" in note for note in report.recovered)
    assert any(orphan.name in note for note in report.recovered)
    assert orphan.name not in store.collections


def test_a_second_reindex_is_refused_while_one_runs() -> None:
    store = MemoryStore()
    Indexer(HashEmbedder(), store).run(licensedb_docs(["mit"]))
    with ReindexLock(store.control):
        with pytest.raises(ReindexInProgress, match=f"process {os.getpid()}"):
            Indexer(HashEmbedder(), store).run(licensedb_docs(["mit", "isc"]))
    assert set(store.doc_hashes()) == {"mit"}
    assert Indexer(HashEmbedder(), store).run(licensedb_docs(["mit", "isc"])).added == ("isc",)


def test_a_lock_with_a_stale_heartbeat_is_broken_but_a_fresh_one_is_not() -> None:
    store = MemoryStore()
    now = [1000.0]
    remote = {"kind": "lock", "owner": "other-pod", "host": "another-host", "pid": 7, "started": 900.0}
    store.control.write(LOCK_KEY, remote | {"at": 990.0})
    lock = ReindexLock(store.control, stale_after=60.0, clock=lambda: now[0])
    with pytest.raises(ReindexInProgress, match="another-host"):
        lock.acquire()
    now[0] = 1100.0
    lock.acquire()
    try:
        assert lock.broken is not None and lock.broken.owner == "other-pod"
        assert store.control.read(LOCK_KEY)["owner"] == lock.owner  # type: ignore[index]
    finally:
        lock.release()
    assert store.control.read(LOCK_KEY) is None


def test_a_reindex_that_lost_its_lock_does_not_publish() -> None:
    store = MemoryStore()
    Indexer(HashEmbedder(), store).run(licensedb_docs(["mit"]))
    before = store.active

    def steal(col: MemoryCollection) -> None:
        store.control.write(LOCK_KEY, {"kind": "lock", "owner": "thief", "at": 9e18})

    store.on_upsert = steal
    with pytest.raises(ReindexAborted):
        Indexer(HashEmbedder(), store).run(licensedb_docs(["mit", "isc"]))
    assert store.active == before and store.leftovers() == []
