"""Hybrid retrieval: vector search and BM25 fused by reciprocal rank, steered by the
license and model names found in the question.

- A question that names documents ("Llama 3.1", "MNPL", "Codestral") searches only
  those; with several versions and none named, the newest is preferred.
- A question about what people said ("forum thread", "article") searches discussions.
- ``confident`` tells the answering layer whether anything relevant was found at all,
  so it can say "not found" instead of guessing.
"""

from __future__ import annotations

import threading
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from licensebot.index.embeddings import Embedder
from licensebot.index.keyword import BM25Index, tokenize
from licensebot.index.models import Chunk, Hit
from licensebot.index.names import NameIndex, NameMatch, asks_about_discussions, load_aliases
from licensebot.index.store import VectorStore

RRF_K = 60
CANDIDATES = 40


@dataclass(frozen=True)
class RetrievalConfig:
    top_k: int = 10
    min_similarity: float = 0.40
    """Below this cosine similarity, with no document named, nothing counts as relevant."""
    min_similarity_named: float = 0.20
    """The bar when the question names a document we hold."""
    aliases_path: Path | None = None


@dataclass(frozen=True)
class Retrieval:
    question: str
    hits: tuple[Hit, ...]
    confident: bool
    named: NameMatch
    searched_docs: tuple[str, ...] = ()
    """The documents the search was limited to (empty: everything indexed)."""
    preferred: frozenset[str] = field(default_factory=frozenset)
    """Newest versions chosen for a name that matched several versions."""


class Retriever:
    """Answers searches against one store; rebuilds its keyword index when the store changes."""

    def __init__(self, embedder: Embedder, store: VectorStore, config: RetrievalConfig | None = None):
        self.embedder = embedder
        self.store = store
        self.config = config or RetrievalConfig()
        self._aliases = load_aliases(self.config.aliases_path)
        self._lock = threading.Lock()
        self._generation: object = None
        self._bm25 = BM25Index([])
        self._names = NameIndex({}, {})
        self._kinds: dict[str, str] = {}

    def refresh(self, *, force: bool = False) -> None:
        """Reload keyword and name indexes if the store was reindexed since last time."""
        generation = self.store.state().get("generation")
        with self._lock:
            if not force and generation == self._generation and len(self._bm25):
                return
            chunks = self.store.chunks()
            self._bm25 = BM25Index(chunks)
            self._names = NameIndex.from_chunks(chunks, self._aliases)
            self._kinds = {c.doc: c.kind for c in chunks}
            self._generation = generation

    @property
    def documents(self) -> dict[str, str]:
        return dict(self._kinds)

    def chunks_of(self, docs: Collection[str]) -> list[Chunk]:
        """Chunks of the given documents, in document order (for clause lookups)."""
        wanted = set(docs)
        chunks = [c for c in self._bm25.chunks if c.doc in wanted]
        return sorted(chunks, key=lambda c: (c.doc, c.start))

    def categories(self) -> dict[str, tuple[str, str]]:
        """doc -> (kind, category)."""
        return {c.doc: (c.kind, c.category) for c in self._bm25.chunks}

    def names(self, question: str) -> NameMatch:
        self.refresh()
        return self._names.find(question)

    def search(self, question: str, k: int | None = None) -> Retrieval:
        self.refresh()
        k = k or self.config.top_k
        named = self._names.find(question)
        discussions = {d for d, kind in self._kinds.items() if kind == "discussion"}
        scope: set[str] | None = None
        if asks_about_discussions(question) and discussions:
            scope = discussions
            boost_docs = set(named.docs) & discussions
        else:
            boost_docs = set()
            if named.docs:
                scope = set(named.docs)
        preferred = frozenset(named.newest_unversioned()) if scope is not None else frozenset()
        vector = self.embedder.embed([question])[0]
        by_vector = self.store.query(vector, CANDIDATES, scope)
        by_keyword = self._bm25.search(question, CANDIDATES, scope)
        hits = self._fuse(by_vector, by_keyword, boost=boost_docs | set(preferred))[:k]
        best = max((h.similarity for h in hits), default=0.0)
        bar = self.config.min_similarity_named if named.docs else self.config.min_similarity
        confident = bool(hits) and best >= bar and bool(tokenize(question))
        return Retrieval(
            question=question,
            hits=tuple(hits),
            confident=confident,
            named=named,
            searched_docs=tuple(sorted(scope)) if scope else (),
            preferred=preferred,
        )

    @staticmethod
    def _fuse(
        by_vector: list[tuple[Chunk, float]],
        by_keyword: list[tuple[Chunk, float]],
        boost: Collection[str] = (),
    ) -> list[Hit]:
        scores: dict[str, float] = {}
        chunks: dict[str, Chunk] = {}
        sims: dict[str, float] = {}
        kw: dict[str, float] = {}
        for rank, (chunk, sim) in enumerate(by_vector):
            scores[chunk.id] = scores.get(chunk.id, 0.0) + 1.0 / (RRF_K + rank + 1)
            chunks[chunk.id] = chunk
            sims[chunk.id] = sim
        for rank, (chunk, score) in enumerate(by_keyword):
            scores[chunk.id] = scores.get(chunk.id, 0.0) + 1.0 / (RRF_K + rank + 1)
            chunks.setdefault(chunk.id, chunk)
            kw[chunk.id] = score
        for cid, chunk in chunks.items():
            if chunk.doc in boost:
                scores[cid] += 0.5 / RRF_K
        ranked = sorted(scores, key=lambda cid: (-scores[cid], cid))
        return [
            Hit(chunk=chunks[c], score=scores[c], similarity=sims.get(c, 0.0), keyword=kw.get(c, 0.0))
            for c in ranked
        ]
