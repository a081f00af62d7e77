"""Which clauses an answer quotes: the best hits, each verbatim, parts of one clause or list merged."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from licensebot.answering.answer import Part, Quote, span_label
from licensebot.index.documents import Chunk
from licensebot.index.search import Retrieval
from licensebot.index.text import text_between

SECOND_QUOTE_MARGIN = 0.08
"""Beyond the best hit, quote only clauses within this cosine similarity of the best three."""
QUOTE_BY = "score"
MIN_SCORE_SHARE = 0.7
"""Beyond the best hit, quote only clauses whose fused score is at least this share of the best."""
MAX_MERGED_QUOTE = 2800
LIST_SKIP = 1
"""Two items of one list are quoted together with at most this many items between them."""

DocChunks = Callable[[str], Sequence[Chunk]]
"""A document's chunks in document order (to quote what lies between two hits)."""


def _overlaps(q: Quote, chunk: Chunk) -> bool:
    return q.doc == chunk.doc and q.start < chunk.end and chunk.start < q.end


def _one_list(q: Quote, chunk: Chunk) -> bool:
    """Parts of one list or clause: they complete the same lead-in, or one holds the lead-in the
    other completes (a clause and its sub-items; the first and a later part of a long clause)."""
    if q.doc != chunk.doc:
        return False
    if chunk.context_end and q.start <= chunk.context_start and chunk.context_end <= q.end:
        return True
    if q.context_end and chunk.start <= q.context_start and q.context_end <= chunk.end:
        return True
    return bool(q.context_end) and (q.context_start, q.context_end) == (chunk.context_start, chunk.context_end)


def widen(q: Quote, chunk: Chunk, neighbours: Sequence[Chunk] = ()) -> Quote | None:
    """The union of a quote and a chunk of the same document, an exact span ``body[start:end]``:
    overlapping spans are joined from their own texts, others from ``neighbours`` (the document's
    chunks, which cover what lies between). None if too long to show or not rebuildable."""
    start, end = min(q.start, chunk.start), max(q.end, chunk.end)
    if (start, end) == (q.start, q.end) or end - start > MAX_MERGED_QUOTE:
        return None
    parts = set(q.parts) | {Part.of(chunk)}
    if _overlaps(q, chunk):
        if chunk.start < q.start:
            text = chunk.text + q.text[chunk.end - q.start :] if chunk.end < q.end else chunk.text
        else:
            text = q.text + chunk.text[q.end - chunk.start :]
    else:
        rebuilt = text_between(neighbours, start, end)
        if rebuilt is None:
            return None
        text = rebuilt
        parts |= _parts_inside(neighbours, start, end)
    ordered = tuple(sorted(parts))
    first = chunk if chunk.start < q.start else q
    # The merged span starts where the earlier part starts, so it keeps that part's lead-in.
    return replace(q, start=start, end=end, text=text, section=span_label(ordered[0].section, ordered[-1].section),
                   context=first.context, context_start=first.context_start, context_end=first.context_end,
                   parts=ordered)


def _parts_inside(chunks: Iterable[Chunk], start: int, end: int) -> set[Part]:
    """The clauses among ``chunks`` (of one document) that lie within ``body[start:end]``."""
    return {Part.of(c) for c in chunks if start <= c.start and c.end <= end}


def _with_parts(q: Quote, chunks: Sequence[Chunk]) -> Quote:
    """``q`` knowing that those of ``chunks`` that lie inside it are among its clauses."""
    parts = set(q.parts) | _parts_inside((c for c in chunks if c.doc == q.doc), q.start, q.end)
    return q if len(parts) == len(q.parts) else replace(q, parts=tuple(sorted(parts)))


def _between(q: Quote, chunk: Chunk, neighbours: Sequence[Chunk]) -> int:
    lo, hi = (q.end, chunk.start) if q.end <= chunk.start else (chunk.end, q.start)
    return sum(1 for c in neighbours if lo <= c.start and c.end <= hi)


def select_quotes(retrieval: Retrieval, max_quotes: int, doc_chunks: DocChunks | None = None) -> list[Quote]:
    """The clauses to quote, best first. With ``doc_chunks``, two hits from one list (items that
    complete the same lead-in, or a lead-in and one of its items) with at most LIST_SKIP items
    between them are quoted as one passage, the items between included: the rule may be the list
    ("do one of the following: a) ... b) ..."), not the one item that matched best."""
    hits = list(retrieval.hits)
    quotes: list[Quote] = []

    def place(chunk: Chunk) -> None:
        for i, q in enumerate(quotes):
            if _overlaps(q, chunk):
                quotes[i] = widen(q, chunk) or _with_parts(q, [chunk])
                return
            if doc_chunks is not None and _one_list(q, chunk):
                neighbours = doc_chunks(chunk.doc)
                merged = widen(q, chunk, neighbours) if _between(q, chunk, neighbours) <= LIST_SKIP else None
                if merged is not None:
                    quotes[i] = merged
                    return
        if len(quotes) < max_quotes:
            quotes.append(Quote.of(chunk))

    # A question naming several licenses ("did 3.1 change Llama 2's rule?") quotes each.
    named = [m.docs for m in retrieval.named.mentions if len([d for d in m.docs if d in retrieval.named.indexed]) == 1]
    if len(named) > 1:
        for docs in named:
            best = next((h for h in hits if h.chunk.doc in docs), None)
            if best is not None:
                place(best.chunk)
    # Beyond the best hit, quote only clauses nearly as close to the question: a disclaimer
    # quoted "for context" would only dilute the answer.
    best_similarity = max((h.similarity for h in hits[:3]), default=0.0)
    best_score = hits[0].score if hits else 0.0
    for h in hits[: max_quotes + 2]:
        if QUOTE_BY == "similarity" and quotes and h.similarity < best_similarity - SECOND_QUOTE_MARGIN:
            continue
        if QUOTE_BY == "score" and quotes and h.score < MIN_SCORE_SHARE * best_score:
            continue
        place(h.chunk)

    if doc_chunks is not None:
        # The items inside a quoted list are its parts too: the lead says which item it quotes.
        quotes = [_with_parts(q, doc_chunks(q.doc)) for q in quotes]

    def rank(q: Quote) -> int:
        return next(
            (i for i, h in enumerate(hits) if h.chunk.doc == q.doc and q.start <= h.chunk.start < q.end),
            len(hits),
        )

    return sorted(quotes, key=rank)
