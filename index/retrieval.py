"""Hybrid retrieval: vector search and BM25 fused by reciprocal rank, steered by the
license and model names found in the question.

- A question that names documents ("Llama 3.1", "MNPL", "Codestral") searches only
  those; with several versions and none named, the newest is preferred.
- A question about what people said ("forum thread", "article") searches discussions.
- ``confident`` tells the answering layer whether anything relevant was found at all,
  so it can say "not found" instead of guessing.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from licensebot.index.catalog import Catalog
from licensebot.index.embeddings import Embedder, Vectors
from licensebot.index.inventory import Inventory
from licensebot.index.keyword import BM25Index, normalize_quote, tokenize
from licensebot.index.models import Chunk, Hit
from licensebot.index.names import Aliases, NameIndex, NameMatch, asks_about_discussions, load_aliases
from licensebot.index.sources import installed_licensedb
from licensebot.index.store import VectorStore
from licensebot.index.vocabulary import Vocabulary

RRF_K = 60
CANDIDATES = 40
ROLE_WEIGHTS = {"clause": 1.0, "definition": 0.9, "preamble": 0.8, "appendix": 0.8}
"""Fused scores are scaled by the role of the chunk: a question about what a license lets you do
is answered by its operative clauses; a preamble ("we protect your rights with two steps"), a
definition or a how-to-apply appendix wins only when it matches clearly better."""
_QUOTED = re.compile(r"[\"“‘']([^\"”’']{4,120})[\"”’']")
"""A phrase the asker quotes ('Built with Meta Llama 3') is text they expect to find as written."""
RARE = 2
"""A question word found in at most this many chunks of the named licenses picks out its clause."""
RARE_RANK = 3
_ASKS_MEANING = re.compile(r"\b(mean|means|meaning|defin\w*|count(?:s|ed)? as|considered|covered)\b", re.IGNORECASE)


@dataclass(frozen=True)
class RetrievalConfig:
    top_k: int = 10
    min_similarity: float = 0.40
    """Below this cosine similarity, with no document named, nothing counts as relevant."""
    min_similarity_named: float = 0.20
    """The bar when the question names a document we hold."""
    aliases_path: Path | None = None
    vocabulary_path: Path | None = None
    licensedb: Path | None = None
    """The LicenseDB folder whose names the bot recognises (default: the installed one)."""


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
    vector: Vectors | None = None
    """The question's embedding (to compare sentences with, without embedding it again)."""
    name_words: frozenset[str] = frozenset()
    """Keyword terms of the license names the question used (they say nothing about which clause)."""
    about_discussions: bool = False
    """The question asked what people said, and only discussion excerpts were searched."""


class Retriever:
    """Answers searches against one store; rebuilds its keyword index when the store changes."""

    def __init__(self, embedder: Embedder, store: VectorStore, config: RetrievalConfig | None = None):
        self.embedder = embedder
        self.store = store
        self.config = config or RetrievalConfig()
        self._aliases = load_aliases(self.config.aliases_path)
        self._licensedb = self.config.licensedb if self.config.licensedb else installed_licensedb()
        self._vocabulary = Vocabulary.load(self.config.vocabulary_path)
        self._lock = threading.Lock()
        self._generation: object = None
        self._bm25 = BM25Index([])
        self._names = NameIndex(Catalog([]), Aliases())
        self._kinds: dict[str, str] = {}
        self._by_doc: dict[str, list[Chunk]] = {}

    def refresh(self, *, force: bool = False) -> None:
        """Reload keyword and name indexes if the store was reindexed since last time."""
        generation = self.store.state().get("generation")
        with self._lock:
            if not force and generation == self._generation and len(self._bm25):
                return
            chunks = self.store.chunks()
            self._bm25 = BM25Index(chunks)
            self._names = NameIndex.from_chunks(chunks, self._aliases, licensedb=self._licensedb)
            self._kinds = {c.doc: c.kind for c in chunks}
            by_doc: dict[str, list[Chunk]] = {}
            for c in sorted(chunks, key=lambda c: (c.doc, c.start, c.end)):
                by_doc.setdefault(c.doc, []).append(c)
            self._by_doc = by_doc
            self._generation = generation

    @property
    def documents(self) -> dict[str, str]:
        return dict(self._kinds)

    @property
    def catalog(self) -> Catalog:
        """Every license the bot knows by name, indexed or not."""
        self.refresh()
        return self._names.catalog

    def in_licensedb(self, key: str) -> bool:
        return key in self._names.catalog.licensedb_keys

    def expand(self, question: str) -> dict[str, float]:
        """License words for the question's everyday words, with their weights."""
        return self._vocabulary.expand(question)

    def idf(self, term: str) -> float:
        return self._bm25.idf(term)

    def inventory(self) -> Inventory:
        """What is indexed, from the chunks already loaded (one state read)."""
        self.refresh()
        return Inventory.of(self._bm25.chunks, self.store.state(), self.store.describe())

    def chunks_of(self, docs: Collection[str]) -> list[Chunk]:
        """Chunks of the given documents, in document order (for clause lookups)."""
        return [c for doc in sorted(set(docs)) for c in self._by_doc.get(doc, [])]

    def doc_chunks(self, doc: str) -> list[Chunk]:
        """One document's chunks in document order; with their gaps they cover its text
        (``spans.text_between``)."""
        self.refresh()
        return self._by_doc.get(doc, [])

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
        names_a_license = any(self._kinds.get(d) == "license" for d in named.docs)
        about_discussions = asks_about_discussions(question, names_a_license=names_a_license) and bool(discussions)
        if about_discussions:
            scope = discussions
            boost_docs = set(named.docs) & discussions
        else:
            boost_docs = set()
            if named.docs:
                scope = set(named.docs)
        if scope is not None and not boost_docs:
            # "MIT" names mit; mit-1995 and vince are other texts that LicenseDB also calls MIT.
            for variants in named.exact().values():
                scope -= variants
        preferred = frozenset(named.newest_unversioned()) if scope is not None else frozenset()
        if preferred and scope is not None and not boost_docs:
            # A name without a version ("ChatGPT", "Gemma") is answered from the newest version of
            # each license it names, as the answer then says; older versions are not searched.
            older = {d for m in named.mentions for d in m.docs if d in named.indexed} & scope
            older -= {d for m in named.mentions if len([x for x in m.docs if x in named.indexed]) == 1 for d in m.docs}
            scope -= older - preferred
        vector = self.embedder.embed([question])[0]
        by_vector = self.store.query(vector, CANDIDATES, scope)
        quoted = [normalize_quote(q) for q in _QUOTED.findall(question)]
        name_words = {w for m in named.mentions for w in tokenize(m.phrase)} if scope is not None else set()
        name_words -= {w for q in quoted for w in tokenize(q)}
        by_keyword = self._bm25.search(question, CANDIDATES, scope, ignore=name_words, extra=self.expand(question))
        weights = dict(ROLE_WEIGHTS)
        if _ASKS_MEANING.search(question):
            weights["definition"] = 1.0
        boost = boost_docs | set(preferred) | (set(named.subject) & scope if scope is not None else set())
        hits = self._fuse(by_vector, by_keyword, boost=boost, weights=weights)
        hits = _lists_first(self._promote(hits, question, scope, name_words, quoted), k)[:k]
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
            about_discussions=about_discussions,
            vector=vector,
            name_words=frozenset(name_words),
        )

    def _promote(
        self, hits: list[Hit], question: str, scope: set[str] | None, ignore: set[str], quoted: list[str]
    ) -> list[Hit]:
        """Bring to the top the chunks that hold a phrase the asker quoted, and, within named
        licenses, those holding a question word that only they contain: one rare word ("military",
        "asylum") says which clause is meant even when the embedding prefers a broader one."""
        rare: dict[str, float] = {}
        """chunk id -> summed IDF of the rare question words it holds"""
        if scope is not None:
            for term in set(tokenize(question)) - ignore:
                holders = self._bm25.holders(term, scope)
                if 0 < len(holders) <= RARE:
                    for cid in holders:
                        rare[cid] = rare.get(cid, 0.0) + self._bm25.idf(term)
        exact = {h.chunk.id for h in hits if quoted and any(q in normalize_quote(h.chunk.text) for q in quoted)}
        if not rare and not exact:
            return hits
        have = {h.chunk.id for h in hits}
        extra = [Hit(chunk=c, score=0.0) for c in self._bm25.chunks if c.id in rare and c.id not in have]
        pool = hits + extra
        # A quoted phrase found verbatim goes first; a clause picked out by a rare word is brought
        # up to RARE_RANK (into the hits an answer quotes), not above clauses that match better.
        # Each one brought up pushes the one before down, so the clause holding the most (and
        # rarest) of the question's rare words goes last and stays at RARE_RANK: "reverse
        # engineering" outranks a preamble that only shares "allow".
        out = [h for h in pool if h.chunk.id in exact] + [h for h in pool if h.chunk.id not in exact]
        for hit in sorted((h for h in out if h.chunk.id in rare and h.chunk.id not in exact),
                          key=lambda h: rare[h.chunk.id]):
            at = out.index(hit)
            if at > RARE_RANK - 1:
                out.insert(RARE_RANK - 1, out.pop(at))
        return out

    @staticmethod
    def _fuse(
        by_vector: list[tuple[Chunk, float]],
        by_keyword: list[tuple[Chunk, float]],
        boost: Collection[str] = (),
        weights: dict[str, float] | None = None,
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
            if weights:
                scores[cid] *= weights.get(chunk.role, 1.0)
        # Equal fused scores (ranks 1 and 2 swapped between the two lists) go to the stronger evidence.
        ranked = sorted(scores, key=lambda cid: (-scores[cid], -(sims.get(cid, 0.0) + kw.get(cid, 0.0) / 10), cid))
        return [
            Hit(chunk=chunks[c], score=scores[c], similarity=sims.get(c, 0.0), keyword=kw.get(c, 0.0))
            for c in ranked
        ]


def _lists_first(hits: list[Hit], k: int) -> list[Hit]:
    """Put a chunk that holds a whole list (its lead-in and items) ahead of an item of it that
    ranks higher, when both are in the top ``k``: the item alone misleads, since the lead-in is the
    rule it completes (GPL-2.0 §3 "provided that you also do one of the following: a) ... b) ...";
    §3.b alone reads as the only way). The answer still names the item a sentence comes from."""
    out = list(hits)
    moved: set[str] = set()
    for hit in hits[:k]:
        item = hit.chunk
        whole = next(
            (h for h in out[:k] if h.chunk.id != item.id and h.chunk.doc == item.doc
             and h.chunk.start <= item.start and item.end <= h.chunk.end), None)
        if whole is None or whole.chunk.id in moved:
            continue
        at, lower = out.index(hit), out.index(whole)
        if lower > at:
            out.insert(at, out.pop(lower))
            moved.add(whole.chunk.id)
    return out
