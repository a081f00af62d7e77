"""Where the embedding model's tokens go: per kind of chunk, per part of what is embedded, and how
many texts reach the model's cap. ``licensebot bench`` reports it; docs/performance.md's token
table comes from it (and, with chunks of an older chunker that has no lead-ins, its "before" rows)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from licensebot.index.documents import Chunk

KINDS = ("whole clause", "list item with lead-in", "lead-in with its list", "first part", "later part")
_PART = re.compile(r"\(part (\d+) of \d+\)$")


def chunk_kind(chunk: Chunk, holds_others: bool) -> str:
    """Which of ``KINDS`` a chunk is; ``holds_others``: another chunk of its document lies inside it
    (a lead-in chunked with the items it introduces, each item also a chunk of its own)."""
    part = _PART.search(chunk.section)
    if part:
        return "first part" if part.group(1) == "1" else "later part"
    if holds_others:
        return "lead-in with its list"
    return "list item with lead-in" if chunk.context else "whole clause"


def chunk_kinds(chunks: Sequence[Chunk]) -> list[str]:
    by_doc: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(chunks):
        by_doc[c.doc].append(i)
    holds: set[int] = set()
    for members in by_doc.values():
        members.sort(key=lambda i: (chunks[i].start, -chunks[i].end))
        # Sorted by start (longest first), a chunk holds another when the next one ends inside it.
        for a, b in zip(members, members[1:], strict=False):
            if chunks[b].end <= chunks[a].end and (chunks[b].start, chunks[b].end) != (chunks[a].start, chunks[a].end):
                holds.add(a)
    return [chunk_kind(c, i in holds) for i, c in enumerate(chunks)]


def profile(chunks: Sequence[Chunk], embedded: Sequence[str], model_path: Path) -> dict[str, dict[str, Any]]:
    """Per kind (and "all"): chunks, tokens embedded (``embedded[i]`` is what chunk i's vector is
    computed from; after truncation at the model's cap, with its two special tokens), chunks at the
    cap, and the untruncated tokens of each part of a chunk: title and headings ("title"), the
    lead-in ("lead_in") and the clause ("text")."""
    from licensebot.index.embed.tokens import load_tokenizer, max_tokens, token_counts

    kinds = chunk_kinds(chunks)
    cap = max_tokens(model_path)
    total = token_counts(load_tokenizer(model_path), embedded)
    whole = load_tokenizer(model_path)
    whole.no_truncation()

    def plain(texts: list[str]) -> list[int]:
        return [len(e.ids) - 2 if texts[i] else 0 for i, e in enumerate(whole.encode_batch(texts))]

    title = plain(["\n".join(p for p in (c.title, c.heading) if p) for c in chunks])
    lead = plain([c.context for c in chunks])
    text = plain([c.text for c in chunks])
    rows: dict[str, dict[str, Any]] = {}
    for kind in (*KINDS, "all"):
        idx = [i for i, k in enumerate(kinds) if kind in (k, "all")]
        if not idx:
            continue
        rows[kind] = {
            "chunks": len(idx),
            "tokens": sum(total[i] for i in idx),
            "at_cap": sum(1 for i in idx if total[i] >= cap),
            "title": sum(title[i] for i in idx),
            "lead_in": sum(lead[i] for i in idx),
            "text": sum(text[i] for i in idx),
        }
    return rows
