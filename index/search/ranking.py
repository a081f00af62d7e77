"""Ranking the candidates of one search: reciprocal-rank fusion of the vector and keyword lists,
weighted by clause role, then a few moves that evidence justifies (a quoted phrase found verbatim,
a rare question word that picks out its clause, a whole list before one of its items)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from licensebot.index.documents import Chunk, Hit
from licensebot.index.search.keyword import BM25Index, normalize_quote
from licensebot.index.search.rerank import ASKS_MEANING

RRF_K = 60
CANDIDATES = 40
ROLE_WEIGHTS = {"clause": 1.0, "definition": 0.9, "preamble": 0.8, "appendix": 0.8}
"""Fused scores are scaled by the role of the chunk: a question about what a license lets you do
is answered by its operative clauses; a preamble ("we protect your rights with two steps"), a
definition or a how-to-apply appendix wins only when it matches clearly better."""
RARE = 2
"""A question word found in at most this many chunks of the named licenses picks out its clause."""
RARE_RANK = 3


def role_weights(question: str) -> dict[str, float]:
    """A question about what a term means is answered by its definition as much as by a clause."""
    weights = dict(ROLE_WEIGHTS)
    if ASKS_MEANING.search(question):
        weights["definition"] = 1.0
    return weights


def fuse(
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


def rare_terms(keyword: BM25Index, tokens: Sequence[str], scope: Collection[str] | None,
               ignore: Collection[str]) -> dict[str, set[str]]:
    """Rare question word -> ids of the chunks holding it, within named licenses: a word found in
    at most RARE of their chunks."""
    found: dict[str, set[str]] = {}
    if scope is not None:
        for term in set(tokens) - set(ignore):
            holders = keyword.holders(term, scope)
            if 0 < len(holders) <= RARE:
                found[term] = set(holders)
    return found


def rare_holders(keyword: BM25Index, terms: Mapping[str, Collection[str]]) -> dict[str, float]:
    """Chunk id -> summed IDF of the rare question words it holds (``terms``: ``rare_terms``)."""
    rare: dict[str, float] = {}
    for term, holders in terms.items():
        for cid in holders:
            rare[cid] = rare.get(cid, 0.0) + keyword.idf(term)
    return rare


def quoted_in(hits: Sequence[Hit], quoted: Sequence[str]) -> set[str]:
    """Ids of the hits that hold a phrase the asker quoted, verbatim."""
    return {h.chunk.id for h in hits if quoted and any(q in normalize_quote(h.chunk.text) for q in quoted)}


def promote(
    keyword: BM25Index,
    hits: list[Hit],
    tokens: Sequence[str],
    scope: Collection[str] | None,
    ignore: Collection[str],
    quoted: Sequence[str],
    rare: Mapping[str, float] | None = None,
) -> list[Hit]:
    """Bring to the top the chunks that hold a phrase the asker quoted, and, within named
    licenses, those holding a question word that only they contain: one rare word ("military",
    "asylum") says which clause is meant even when the embedding prefers a broader one.
    ``rare``: ``rare_holders``'s result when the caller has it already."""
    rare = rare_holders(keyword, rare_terms(keyword, tokens, scope, ignore)) if rare is None else rare
    exact = quoted_in(hits, quoted)
    if not rare and not exact:
        return hits
    have = {h.chunk.id for h in hits}
    extra = [Hit(chunk=c, score=0.0) for c in keyword.chunks if c.id in rare and c.id not in have]
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


def lists_first(hits: list[Hit], k: int) -> list[Hit]:
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
