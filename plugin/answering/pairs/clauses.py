"""The deciding clause of one license for one topic, found by retrieval within that license.

No section numbers per license: the topic's query is searched in the one document (the same
hybrid search every question gets, scoped by naming that document), the hits whose text is not
about the topic at all are dropped, and the best remaining clause is quoted with its lead
sentence chosen as for any answer (``select_quotes``, ``choose_lead``): an exact span with its
rule label.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from licensebot.answering.answer import Lead
from licensebot.answering.lead import choose_lead
from licensebot.answering.pairs.topics import Topic
from licensebot.answering.quotes import select_quotes
from licensebot.index.embed import Embedder
from licensebot.index.search import Mention, NameMatch, Retriever, Snapshot

TOPIC_K = 20
"""Clauses searched per license and query; a license is "silent" on a topic when none is about it."""
LEAD_TRIES = 3
"""Hits tried in turn when the lead sentence of the best one is a definition."""
_SKIP_ROLES = frozenset({"appendix", "definition"})
"""How-to-apply appendices and definitions say what words mean, not what the license requires."""


@dataclass(frozen=True)
class Finder:
    """Searches one license at a time within one index snapshot."""

    retriever: Retriever
    snapshot: Snapshot
    embedder: Embedder | None

    def clause(self, doc: str, query_text: str, topic: Topic, *, avoid: tuple[Lead, ...] = ()) -> Lead | None:
        """The clause of ``doc`` that best answers ``query_text`` and is about ``topic``, not
        overlapping ``avoid``; None when no clause of the license is about the topic."""
        chunks = self.snapshot.doc_chunks(doc)
        if not chunks:
            return None
        query = self.retriever.query(query_text, self.snapshot)
        # Naming the document is how a search is limited to it; its name's words are then ignored.
        named = NameMatch((Mention(chunks[0].title, (doc,)),), indexed=self.snapshot.names.indexed)
        query = replace(query, named=named)
        retrieval = self.retriever.search(query, self.snapshot, k=TOPIC_K)
        hits = tuple(
            h for h in retrieval.hits
            if h.chunk.doc == doc and h.chunk.role not in _SKIP_ROLES
            and topic.about(f"{h.chunk.context} {h.chunk.text}")
            and not any(a.doc == doc and a.start < h.chunk.end and h.chunk.start < a.end for a in avoid)
        )
        for hit in hits[:LEAD_TRIES]:
            quotes = select_quotes(replace(retrieval, hits=(hit,)), 1, self.snapshot.doc_chunks)
            lead = choose_lead(quotes[:1], query, question_vector=retrieval.vector, embedder=self.embedder,
                               terms=retrieval.terms)
            # A definition inside an operative clause says what a word means, not what is required.
            if lead.rule != "definition":
                return lead
        return None

    def topic(self, doc: str, topic: Topic) -> tuple[Lead, ...]:
        """One clause per query of ``topic`` (distinct clauses, in query order)."""
        found: list[Lead] = []
        for text in topic.queries:
            lead = self.clause(doc, text, topic, avoid=tuple(found))
            if lead is not None:
                found.append(lead)
        return tuple(found)
