"""Exact text of any stretch of a document, rebuilt from its chunks.

The store holds chunks, not documents. Chunks are exact slices of the body and each records the
blank text up to the next one (``Chunk.gap``), so together they cover the body from the first
clause to the last, and a quote that spans several clauses (a list's lead-in and its items) can
still be shown as ``body[start:end]`` by any process that shares the store.
"""

from __future__ import annotations

from collections.abc import Iterable

from licensebot.index.documents import Chunk


def text_between(chunks: Iterable[Chunk], start: int, end: int) -> str | None:
    """``body[start:end]`` of the document these chunks come from, or None where they leave a
    hole (an index built before gaps were recorded, or a span outside the chunked text)."""
    pieces: list[tuple[int, str]] = []
    for c in chunks:
        pieces.append((c.start, c.text))
        if c.gap:
            pieces.append((c.end, c.gap))
    pieces.sort(key=lambda p: p[0])
    out: list[str] = []
    at = start
    for p_start, text in pieces:
        if at >= end:
            break
        p_end = p_start + len(text)
        if p_end <= at:
            continue
        if p_start > at:
            return None
        out.append(text[at - p_start : min(end, p_end) - p_start])
        at = min(end, p_end)
    return "".join(out) if at >= end else None
