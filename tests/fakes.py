"""Fakes for unit tests: same protocols as the real Embedder, VectorStore and Generator."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterator, Sequence
from typing import Any

import numpy as np

from licensebot.answering.answer import Lead, Quote
from licensebot.answering.lead import choose_lead
from licensebot.errors import ModelError, StoreUnavailable
from licensebot.index.documents import Chunk
from licensebot.index.embed import Vectors
from licensebot.index.search import Aliases, BM25Index, Derived, NameIndex, NameMatch, Query, Snapshot, Terms, tokenize


class HashEmbedder:
    """Bag of stemmed words hashed into a fixed-size vector: similar words, similar vectors."""

    name = "hash-embedder"
    dim = 256

    def __init__(self) -> None:
        self.calls = 0
        self.texts_embedded = 0

    def embed(self, texts: Sequence[str], *, progress: Callable[[int], None] | None = None) -> Vectors:
        self.calls += 1
        self.texts_embedded += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in tokenize(text):
                h = int(hashlib.md5(word.encode()).hexdigest(), 16)
                out[row, h % self.dim] += 1.0
            norm = np.linalg.norm(out[row])
            if norm:
                out[row] /= norm
        if progress:
            progress(len(texts))
        return out


class MemoryControl:
    """Control records in a dict, with the same first-writer-wins claim as Chroma's."""

    def __init__(self) -> None:
        self.records: dict[str, dict[str, Any]] = {}
        self.down = False

    def _check(self) -> None:
        if self.down:
            raise StoreUnavailable("memory control store is down")

    def claim(self, key: str, owner: str, meta: dict[str, Any]) -> dict[str, Any]:
        self._check()
        return dict(self.records.setdefault(key, {**meta, "owner": owner}))

    def read(self, key: str) -> dict[str, Any] | None:
        self._check()
        found = self.records.get(key)
        return dict(found) if found is not None else None

    def write(self, key: str, meta: dict[str, Any]) -> None:
        self._check()
        self.records[key] = dict(meta)

    def release(self, key: str, owner: str) -> None:
        self._check()
        if self.records.get(key, {}).get("owner") == owner:
            del self.records[key]

    def expire(self, kind: str, before: float) -> None:
        self._check()
        for key in [k for k, m in self.records.items() if m.get("kind") == kind and m.get("at", 0) < before]:
            del self.records[key]


class MemoryCollection:
    """One collection: chunks, vectors and state."""

    def __init__(self, name: str, owner: MemoryStore) -> None:
        self.name = name
        self.owner = owner
        self.chunks: dict[str, Chunk] = {}
        self.vectors: dict[str, np.ndarray] = {}
        self.state: dict[str, Any] = {}
        self.held: dict[str, Chunk] = {}
        """Chunks published without vectors (``hold``), until ``fill``."""

    def upsert(self, chunks: Sequence[Chunk], vectors: Vectors) -> None:
        self.owner._check()
        for c, v in zip(chunks, vectors, strict=True):
            self.chunks[c.id] = c
            self.vectors[c.id] = np.asarray(v, dtype=np.float32)
        self.owner.on_upsert(self)

    def hold(self, chunks: Sequence[Chunk]) -> None:
        self.owner._check()
        self.held.update((c.id, c) for c in chunks)

    def fill(self, chunks: Sequence[Chunk], vectors: Vectors) -> None:
        # One chunk per write, as a real store writes a large fill in several requests: a test
        # can stop it halfway through a document (``on_upsert``).
        for i in range(len(chunks)):
            self.upsert(chunks[i : i + 1], vectors[i : i + 1])
        docs = {c.doc for c in chunks}
        self.held = {cid: c for cid, c in self.held.items() if c.doc not in docs}

    def set_state(self, state: dict[str, Any]) -> None:
        self.owner._check()
        self.state = dict(state)


class MemoryServing:
    """The serving collection as one question reads it (``VectorStore.serving``)."""

    def __init__(self, collection: MemoryCollection) -> None:
        self._col = collection
        self.name = collection.name

    def query(self, vector: Vectors, k: int, docs: Collection[str] | None = None) -> list[tuple[Chunk, float]]:
        self._col.owner._check()
        scored = [
            (c, float(np.dot(self._col.vectors[cid], vector)))
            for cid, c in self._col.chunks.items()
            if docs is None or c.doc in docs
        ]
        scored.sort(key=lambda item: (-item[1], item[0].id))
        return scored[:k]

    def chunks(self) -> list[Chunk]:
        self._col.owner._check()
        return [*self._col.chunks.values(), *(c for cid, c in self._col.held.items() if cid not in self._col.chunks)]

    def pending(self) -> frozenset[str]:
        self._col.owner._check()
        return frozenset(c.doc for c in self._col.held.values())

    def count(self) -> int:
        self._col.owner._check()
        return len(self._col.chunks)

    def state(self) -> dict[str, Any]:
        self._col.owner._check()
        return dict(self._col.state)


class MemoryStore:
    """An in-memory VectorStore with exact cosine search and atomic builds."""

    def __init__(self) -> None:
        self.collections: dict[str, MemoryCollection] = {}
        self.active: str | None = None
        self.previous: str | None = None
        self.control = MemoryControl()
        self.down = False
        self._builds = 0
        self.pointer_reads = 0
        """How often the serving collection was looked up (``serving``)."""
        self.on_upsert: Callable[[MemoryCollection], None] = lambda col: None

    def _check(self) -> None:
        if self.down:
            raise StoreUnavailable("memory store is down")

    def _serving(self) -> MemoryCollection | None:
        self._check()
        return self.collections.get(self.active) if self.active else None

    def load(self, chunks: Sequence[Chunk], vectors: Vectors, state: dict[str, Any] | None = None) -> None:
        """Test set-up: publish a collection holding exactly these chunks."""
        build = self.begin_build()
        build.upsert(chunks, vectors)
        build.set_state(state or {"generation": "loaded"})
        self.publish(build)

    def serving(self) -> MemoryServing | None:
        self.pointer_reads += 1
        col = self._serving()
        return MemoryServing(col) if col is not None else None

    def query(self, vector: Vectors, k: int, docs: Collection[str] | None = None) -> list[tuple[Chunk, float]]:
        serving = self.serving()
        return serving.query(vector, k, docs) if serving is not None else []

    def chunks(self) -> list[Chunk]:
        col = self._serving()
        return MemoryServing(col).chunks() if col else []

    def doc_hashes(self) -> dict[str, str]:
        col = self._serving()
        if col is None:
            return {}
        pending = MemoryServing(col).pending()
        return {c.doc: c.doc_sha256 for c in col.chunks.values() if c.doc not in pending}

    def count(self) -> int:
        col = self._serving()
        return len(col.chunks) if col else 0

    def state(self) -> dict[str, Any]:
        col = self._serving()
        return dict(col.state) if col else {}

    def set_state(self, state: dict[str, Any]) -> None:
        col = self._serving()
        assert col is not None, "set_state needs a serving collection"
        col.state = dict(state)

    def export(self, skip_docs: Collection[str] = ()) -> Iterator[tuple[list[Chunk], Vectors]]:
        col = self._serving()
        if col is None:
            return
        skip = set(skip_docs) | MemoryServing(col).pending()
        kept = [c for c in col.chunks.values() if c.doc not in skip]
        if kept:
            yield kept, np.asarray([col.vectors[c.id] for c in kept], dtype=np.float32)

    def begin_build(self) -> MemoryCollection:
        self._check()
        self._builds += 1
        col = MemoryCollection(f"build-{self._builds}", self)
        self.collections[col.name] = col
        return col

    def publish(self, build: Any) -> None:
        self._check()
        self.previous, self.active = self.active, build.name
        for name in self.leftovers():
            del self.collections[name]

    def discard(self, build: Any) -> None:
        self.collections.pop(build.name, None)

    def leftovers(self) -> list[str]:
        return sorted(n for n in self.collections if n not in (self.active, self.previous))

    def drop(self, name: str) -> None:
        self.collections.pop(name, None)

    def describe(self) -> str:
        return "memory store"


class FakeGenerator:
    """Returns a fixed reply (or raises), recording the prompts it was given."""

    name = "fake-model"

    def __init__(self, reply: str = "", *, fail: bool = False) -> None:
        self.reply = reply
        self.fail = fail
        self.prompts: list[tuple[str, str]] = []

    def generate(self, system: str, user: str, *, max_tokens: int = 96) -> str:
        self.prompts.append((system, user))
        if self.fail:
            raise ModelError("fake model failure")
        return self.reply


def query_of(question: str) -> Query:
    """A question as the search reads it, naming no license (for ranking and lead tests)."""
    return Query(text=question, question=question, tokens=tuple(tokenize(question)), named=NameMatch(mentions=()))


def snapshot_of(chunks: Sequence[Chunk]) -> Snapshot:
    """A snapshot of an index holding exactly ``chunks`` (no vector search behind it)."""
    by_doc: dict[str, list[Chunk]] = {}
    for c in sorted(chunks, key=lambda c: (c.doc, c.start, c.end)):
        by_doc.setdefault(c.doc, []).append(c)
    derived = Derived(
        generation="test", keyword=BM25Index(list(chunks)), names=NameIndex.from_chunks(chunks, Aliases()),
        by_doc={d: tuple(cs) for d, cs in by_doc.items()}, kinds={c.doc: c.kind for c in chunks},
    )
    return Snapshot(derived, None)


def terms_of(question: str) -> Terms:
    """The question's terms, each weighing the same (for lead tests without an index)."""
    return Terms({t: 1.0 for t in tokenize(question)})


def clause(cid: str, section: str, text: str, doc: str = "x") -> Chunk:
    """A chunk of an example license that starts its document (for ranking and lead tests)."""
    return Chunk(id=cid, doc=doc, title="Example License", kind="license", category="", url="", section=section,
                 section_id="", heading="", start=0, end=len(text), text=text)


def quote_of(text: str, section: str = "§3", *, start: int = 0, title: str = "Example License",
             role: str = "clause") -> Quote:
    """A quote of an example license: ``text`` at ``start`` of its document (for lead tests)."""
    return Quote(doc="x", title=title, section=section, text=text, start=start, end=start + len(text), url="",
                 role=role)


def lead_for(quotes: Sequence[Quote], question: str, *, query: Query | None = None,
             picked: Collection[tuple[str, int, int]] = ()) -> Lead:
    """The lead ``choose_lead`` gives ``question`` from ``quotes`` by word overlap alone (no
    embedder), every question word weighing the same; ``query``: the question as the search
    read it, when it carries more than its words (regions)."""
    return choose_lead(quotes, query or query_of(question), question_vector=None, embedder=None,
                       terms=terms_of(question), picked=picked)
