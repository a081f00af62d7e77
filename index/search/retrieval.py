"""Hybrid retrieval: vector search and BM25 fused by reciprocal rank, steered by the license and
model names found in the question.

A question is answered from one ``Snapshot`` (one index generation, read once) and one ``Query``
(its names, terms and expansion, computed once): ``snapshot()``, ``query()``, then ``search()``.
``confident`` tells the answering layer whether anything relevant was found at all, so it can say
"not found" instead of guessing.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from licensebot.index.documents import Chunk, Hit
from licensebot.index.embed import Embedder, Vectors
from licensebot.index.search.aliases import load_aliases
from licensebot.index.search.housekeeping import housekeeping_last
from licensebot.index.search.keyword import BM25Index
from licensebot.index.search.match import NameMatch
from licensebot.index.search.names import NameIndex
from licensebot.index.search.pending import OnTheSpot, merge
from licensebot.index.search.places import territorial, territory_first
from licensebot.index.search.query import Query
from licensebot.index.search.ranking import (
    CANDIDATES,
    fuse,
    lists_first,
    promote,
    quoted_in,
    rare_holders,
    rare_terms,
    role_weights,
)
from licensebot.index.search.rerank import WEIGHTS, Terms, rerank
from licensebot.index.search.scope import Scope, scope_of
from licensebot.index.search.snapshot import Derived, Snapshot
from licensebot.index.search.vocabulary import Vocabulary
from licensebot.index.sources import installed_licensedb
from licensebot.index.sources.models import load_models
from licensebot.index.store import VectorStore

PICKED_SHARE = 0.5
"""Share of the question's (rarity-weighted) terms that rare words must make up for the clauses
holding them to count as what it is about."""


@dataclass(frozen=True)
class RetrievalConfig:
    top_k: int = 10
    min_similarity: float = 0.40
    """Below this cosine similarity, with no document named, nothing counts as relevant."""
    min_similarity_named: float = 0.20
    """The bar when the question names a document we hold."""
    aliases_path: Path | None = None
    models_path: Path | None = None
    vocabulary_path: Path | None = None
    licensedb: Path | None = None
    """The LicenseDB folder whose names the bot recognises (default: the installed one)."""


@dataclass(frozen=True)
class Retrieval:
    query: Query
    snapshot: Snapshot
    hits: tuple[Hit, ...]
    confident: bool
    searched_docs: tuple[str, ...] = ()
    """The documents the search was limited to (empty: everything indexed)."""
    preferred: frozenset[str] = field(default_factory=frozenset)
    """Newest versions chosen for a name that matched several versions."""
    vector: Vectors | None = None
    """The question's embedding (to compare sentences with, without embedding it again)."""
    name_words: frozenset[str] = frozenset()
    """Keyword terms of the license names the question used (they say nothing about which clause)."""
    about_discussions: bool = False
    """The question asked what people said, and only discussion excerpts were searched."""
    terms: Terms = field(default_factory=lambda: Terms({}))
    """The question's terms weighted by rarity among the clauses searched, names left out (to choose
    the sentence that answers): inside a named license, "model" and "license" are in every clause
    and weigh nothing, while "military" is in one. The reordering weighs terms over the whole index,
    as it was fitted (``Candidates.terms``)."""
    picked: tuple[tuple[str, int, int], ...] = ()
    """(doc, start, end) of the hits the question picks out by a rare word or a quoted phrase: what
    it is about, even when that is housekeeping (``housekeeping.py``)."""

    @property
    def question(self) -> str:
        return self.query.text

    @property
    def named(self) -> NameMatch:
        return self.query.named


@dataclass(frozen=True)
class Candidates:
    """One question's fused candidates and what reordering them needs."""

    query: Query
    snapshot: Snapshot
    scope: Scope
    hits: tuple[Hit, ...]
    """Fused by reciprocal rank and weighted by role, best first."""
    vector_ranks: Mapping[str, int]
    """Chunk id -> rank in the vector list (0 = first)."""
    keyword_ranks: Mapping[str, int]
    terms: Terms
    vector: Vectors
    name_words: frozenset[str]


class Retriever:
    """Searches one store; keeps what it derives from the serving index (keyword index, names,
    per-document chunks) until a reindex publishes a new generation."""

    def __init__(self, embedder: Embedder, store: VectorStore, config: RetrievalConfig | None = None):
        self.embedder = embedder
        self.store = store
        self.config = config or RetrievalConfig()
        self._aliases = load_aliases(self.config.aliases_path)
        self._models = load_models(self.config.models_path)
        self._licensedb = self.config.licensedb if self.config.licensedb else installed_licensedb()
        self.vocabulary = Vocabulary.load(self.config.vocabulary_path)
        self._lock = threading.Lock()
        self._derived: Derived | None = None
        self._on_the_spot = OnTheSpot(embedder)

    def snapshot(self) -> Snapshot:
        """The serving index as of now: one read of the active-index pointer; the keyword index
        and names are rebuilt only when the generation changed."""
        serving = self.store.serving()
        state = serving.state() if serving is not None else {}
        generation = state.get("generation")
        with self._lock:
            derived = self._derived
            if derived is None or derived.generation != generation or not len(derived.keyword):
                derived = self._derive(generation, serving.chunks() if serving is not None else [])
                self._derived = derived
        pending = serving.pending() if serving is not None else frozenset()
        return Snapshot(derived, serving, state, self.store.describe(), pending=pending)

    def _derive(self, generation: object, chunks: list[Chunk]) -> Derived:
        by_doc: dict[str, list[Chunk]] = {}
        for c in sorted(chunks, key=lambda c: (c.doc, c.start, c.end)):
            by_doc.setdefault(c.doc, []).append(c)
        return Derived(
            generation=generation,
            keyword=BM25Index(chunks),
            names=NameIndex.from_chunks(chunks, self._aliases, licensedb=self._licensedb, models=self._models),
            by_doc={doc: tuple(cs) for doc, cs in by_doc.items()},
            kinds={c.doc: c.kind for c in chunks},
        )

    def query(self, question: str, snapshot: Snapshot, *, context: Sequence[str] = ()) -> Query:
        return Query.of(question, snapshot, self.vocabulary, context=context)

    def candidates(self, question: str | Query, snapshot: Snapshot | None = None) -> Candidates:
        """The fused candidates of one question, before they are reordered (``search`` ranks
        them; ``licensebot fit-ranking`` refits the reordering on them)."""
        snapshot = snapshot or self.snapshot()
        query = question if isinstance(question, Query) else self.query(question, snapshot)
        scope = scope_of(query, snapshot)
        docs = set(scope.docs) if scope.docs is not None else None
        vector = self.embedder.embed([query.text])[0]
        by_vector = snapshot.query(vector, CANDIDATES, docs)
        if docs and snapshot.pending & docs:
            # Named documents whose vectors are still being filled in: embed their chunks now.
            held = snapshot.chunks_of(snapshot.pending & docs)
            by_vector = merge(by_vector, self._on_the_spot.search(vector, held, CANDIDATES, snapshot.generation),
                              CANDIDATES)
        name_words = query.name_words | scope.titled if docs is not None else frozenset()
        by_keyword = snapshot.keyword.search(query.tokens, CANDIDATES, docs, ignore=name_words,
                                             extra=query.expansion)
        keyword = snapshot.keyword
        return Candidates(
            query=query,
            snapshot=snapshot,
            scope=scope,
            hits=tuple(fuse(by_vector, by_keyword, boost=scope.boost, weights=role_weights(query.text))),
            vector_ranks={c.id: i for i, (c, _) in enumerate(by_vector)},
            keyword_ranks={c.id: i for i, (c, _) in enumerate(by_keyword)},
            terms=Terms.of(query.tokens, query.expansion,
                           keyword.idfs({*query.tokens, *query.expansion}), name_words),
            vector=vector,
            name_words=name_words,
        )

    def search(self, question: str | Query, snapshot: Snapshot | None = None, k: int | None = None) -> Retrieval:
        found = self.candidates(question, snapshot)
        return self.rank(found, k or self.config.top_k)

    def rank(self, found: Candidates, k: int, weights: Mapping[str, float] = WEIGHTS) -> Retrieval:
        """The top ``k`` of ``found``: reordered by the learned ``weights``, housekeeping the
        question does not ask about after the rest (``housekeeping.py``), then the moves that
        evidence justifies (``ranking.promote``, ``ranking.lists_first``), and first of all a
        clause that limits a named license by the place the asker gives (``places.py``)."""
        query, snapshot, scope = found.query, found.snapshot, found.scope
        docs = set(scope.docs) if scope.docs is not None else None
        hits = rerank(list(found.hits), found.vector_ranks, found.keyword_ranks, found.terms, query.text,
                      weights=weights, boost=scope.boost)
        # Housekeeping goes after the others it was fused with, unless the question picks it out:
        # by a quoted phrase, or by rare words that are most of what it asks ("what about Santa
        # Clara?"). A place said in passing ("our Paris office wants to ...") is not the topic.
        words = rare_terms(snapshot.keyword, query.tokens, docs, found.name_words)
        rare = rare_holders(snapshot.keyword, words)
        total = sum(found.terms.weights.values())
        share = sum(found.terms.weights.get(t, 0.0) for t in words) / total if total else 0.0
        picked = quoted_in(hits, query.quoted) | ({c for held in words.values() for c in held}
                                                  if share >= PICKED_SHARE else set())
        hits = housekeeping_last(hits[:k], query.text, keep=picked) + hits[k:]
        hits = lists_first(promote(snapshot.keyword, hits, query.tokens, docs, found.name_words, query.quoted,
                                   rare=rare), k)
        # Where the asker is settles the question when a named license excludes that region.
        limits = territorial(snapshot.chunks_of(docs), query.regions) if docs and query.regions else []
        hits = territory_first(hits, limits)[:k]
        picked |= {c.id for c in limits}
        best = max((h.similarity for h in hits), default=0.0)
        bar = self.config.min_similarity_named if query.named.docs else self.config.min_similarity
        confident = bool(hits) and best >= bar and bool(query.tokens)
        return Retrieval(
            query=query,
            snapshot=snapshot,
            hits=tuple(hits),
            confident=confident,
            searched_docs=tuple(sorted(docs)) if docs else (),
            preferred=scope.preferred,
            about_discussions=scope.about_discussions,
            vector=found.vector,
            name_words=found.name_words,
            terms=found.terms if docs is None else Terms.of(
                query.tokens, query.expansion, snapshot.keyword.idfs({*query.tokens, *query.expansion}, docs),
                query.written_name_words | found.name_words),
            picked=tuple(sorted((h.chunk.doc, h.chunk.start, h.chunk.end) for h in hits if h.chunk.id in picked)),
        )
