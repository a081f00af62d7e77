"""Which clauses an answer quotes: the best hits, each verbatim, overlapping parts merged."""

from __future__ import annotations

from dataclasses import replace

from licensebot.answering.answer import Quote
from licensebot.index.models import Chunk
from licensebot.index.retrieval import Retrieval

SECOND_QUOTE_MARGIN = 0.08
"""Beyond the best hit, quote only clauses within this cosine similarity of the best three."""
QUOTE_BY = "score"
MIN_SCORE_SHARE = 0.7
"""Beyond the best hit, quote only clauses whose fused score is at least this share of the best."""
MAX_MERGED_QUOTE = 2800


def widen(q: Quote, chunk: Chunk) -> Quote | None:
    """The union of a quote and an overlapping chunk of the same document: still an exact span
    ``body[start:end]``, since both are. None if it would be too long to show."""
    start, end = min(q.start, chunk.start), max(q.end, chunk.end)
    if (start, end) == (q.start, q.end) or end - start > MAX_MERGED_QUOTE:
        return None
    if chunk.start < q.start:
        text = chunk.text + q.text[chunk.end - q.start :] if chunk.end < q.end else chunk.text
    else:
        text = q.text + chunk.text[q.end - chunk.start :]
    first, last = (chunk, q) if chunk.start < q.start else (q, chunk)
    section = first.section if first.section == last.section else f"{first.section} to {last.section}"
    # The merged span starts where the earlier part starts, so it keeps that part's lead-in.
    context = (first.context, first.context_start, first.context_end)
    return replace(q, start=start, end=end, text=text, section=section, context=context[0],
                   context_start=context[1], context_end=context[2])


def select_quotes(retrieval: Retrieval, max_quotes: int) -> list[Quote]:
    hits = list(retrieval.hits)
    quotes: list[Quote] = []

    def place(chunk: Chunk) -> None:
        """Quote a chunk, or widen the quote it overlaps (the two parts of a long clause)."""
        for i, q in enumerate(quotes):
            if q.doc == chunk.doc and q.start < chunk.end and chunk.start < q.end:
                quotes[i] = widen(q, chunk) or q
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

    def rank(q: Quote) -> int:
        return next(
            (i for i, h in enumerate(hits) if h.chunk.doc == q.doc and q.start <= h.chunk.start < q.end),
            len(hits),
        )

    return sorted(quotes, key=rank)
