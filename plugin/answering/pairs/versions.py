"""What changed between two versions of one license: their clauses aligned, and for each aligned
pair the words removed and added (a word diff of the two texts, never a paraphrase).

Clauses are aligned by the words they share, not by section numbers (versions renumber): each
clause of the old text is paired with the most similar unpaired clause of the new one, most
similar pairs first, when they share at least ``MIN_SHARED`` of their words. What stays unpaired
is present in one version only.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from licensebot.answering.answer import Lead
from licensebot.answering.pairs.model import Change, Segment, Side, VersionDiff
from licensebot.answering.pairs.topics import Topic
from licensebot.answering.rules import classify
from licensebot.index.documents import Chunk
from licensebot.index.search import Snapshot

MIN_SHARED = 0.5
"""Jaccard similarity of two clauses' word sets above which they are one clause, revised."""
_WORD = re.compile(r"\S+")
_TERM = re.compile(r"[a-z0-9]+")


def clause(chunk: Chunk) -> Lead:
    """A whole clause, verbatim, with its lead-in and rule label."""
    return Lead(
        doc=chunk.doc, title=chunk.title, section=chunk.section, url=chunk.url, text=chunk.text,
        start=chunk.start, end=chunk.end, rule=classify(chunk.text, chunk.context) or "",
        context=chunk.context, context_start=chunk.context_start, context_end=chunk.context_end,
    )


def _terms(chunk: Chunk) -> frozenset[str]:
    return frozenset(_TERM.findall(chunk.text.lower()))


def align(old: Sequence[Chunk], new: Sequence[Chunk]) -> list[tuple[Chunk | None, Chunk | None]]:
    """Old and new clauses paired (most similar first, one-to-one), then the unpaired ones; in the
    new version's order, each clause only in the old version after the pair before it."""
    a_terms, b_terms = [_terms(c) for c in old], [_terms(c) for c in new]
    scored = []
    for i, ta in enumerate(a_terms):
        for j, tb in enumerate(b_terms):
            union = len(ta | tb)
            share = len(ta & tb) / union if union else 0.0
            if share >= MIN_SHARED:
                scored.append((share, i, j))
    pair_of: dict[int, int] = {}
    taken: set[int] = set()
    for _share, i, j in sorted(scored, key=lambda s: (-s[0], s[1], s[2])):
        if i not in pair_of and j not in taken:
            pair_of[i] = j
            taken.add(j)
    rows: list[tuple[float, Chunk | None, Chunk | None]] = []
    for j, c in enumerate(new):
        old_i = next((i for i, jj in pair_of.items() if jj == j), None)
        rows.append((j, old[old_i] if old_i is not None else None, c))
    for i, c in enumerate(old):
        if i not in pair_of:
            # After the new clause that follows its nearest paired predecessor.
            before = [pair_of[k] for k in pair_of if k < i]
            rows.append(((max(before) if before else -1) + 0.5, c, None))
    return [(a, b) for _pos, a, b in sorted(rows, key=lambda r: r[0])]


def _words(chunk: Chunk) -> list[tuple[str, int, int]]:
    """Each word with the span from its start to the next word's (its trailing space included)."""
    found = [(m.group(0), chunk.start + m.start()) for m in _WORD.finditer(chunk.text)]
    ends = [s for _, s in found[1:]] + [chunk.end]
    return [(w, s, e) for (w, s), e in zip(found, ends, strict=True)]


def word_diff(old: Chunk, new: Chunk) -> tuple[Segment, ...]:
    """The new clause's words, with the old clause's words it dropped and the ones it added marked."""
    a, b = _words(old), _words(new)
    matcher = difflib.SequenceMatcher(a=[w for w, _, _ in a], b=[w for w, _, _ in b], autojunk=False)
    out: list[Segment] = []

    def seg(op: str, chunk: Chunk, words: list[tuple[str, int, int]], lo: int, hi: int) -> None:
        if lo < hi:
            start, end = words[lo][1], words[hi - 1][2]
            text = chunk.text[start - chunk.start : end - chunk.start]
            out.append(Segment(op, chunk.doc, start, end, text))  # type: ignore[arg-type]

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            seg("same", new, b, j1, j2)
        else:
            seg("removed", old, a, i1, i2)
            seg("added", new, b, j1, j2)
    return tuple(out)


def diff_versions(snapshot: Snapshot, old: Side, new: Side, topic: Topic | None) -> VersionDiff:
    """Every clause that differs between the two versions (limited to ``topic`` if given)."""
    pairs = align(snapshot.doc_chunks(old.doc), snapshot.doc_chunks(new.doc))
    changes: list[Change] = []
    unchanged = 0
    for a, b in pairs:
        if topic is not None and not any(c is not None and topic.about(f"{c.context} {c.text}") for c in (a, b)):
            continue
        if a is not None and b is not None:
            if a.text.split() == b.text.split():
                unchanged += 1
                continue
            changes.append(Change(clause(a), clause(b), word_diff(a, b)))
        else:
            changes.append(Change(clause(a) if a else None, clause(b) if b else None))
    return VersionDiff(old, new, topic.key if topic else "", tuple(changes), unchanged)
