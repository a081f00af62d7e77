"""Show a clause verbatim by license and section ("llama-3.1 1.b.i"), or list a license's sections.

Shared by `licensebot lookup` and `/license lookup`; each renders the result its own way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from licensebot.index.documents import Chunk
from licensebot.index.search import Snapshot

Status = Literal["usage", "unknown", "no_section", "sections", "clause"]


@dataclass(frozen=True)
class Lookup:
    query: str
    status: Status
    doc: str = ""
    title: str = ""
    section: str = ""
    """The section asked for ("" when the sections are listed)."""
    sections: tuple[str, ...] = ()
    """Every section label of the document, in order (status "sections")."""
    clauses: tuple[Chunk, ...] = ()
    """The chunks of the section asked for, in order (status "clause")."""


def _norm_section(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower().replace("§", ""))


def lookup(snapshot: Snapshot, query: str) -> Lookup:
    words = query.split()
    if not words:
        return Lookup(query, "usage")
    docs = snapshot.documents

    def resolve(name: str) -> list[str]:
        return [name] if name in docs else sorted(d for d in snapshot.names.find(name).docs if d in docs)

    # "llama-2 1.b.v": the last word is a section when the words before it name the same
    # document(s); "llama 3.1" is not "llama" + section 3.1, since "llama" names more.
    target, section = resolve(" ".join(words)), ""
    if len(words) > 1 and any(ch.isdigit() for ch in words[-1]):
        shorter = resolve(" ".join(words[:-1]))
        if shorter and (not target or set(shorter) <= set(target)):
            target, section = shorter, words[-1]
    if not target:
        return Lookup(query, "unknown")
    doc = target[0]
    chunks = snapshot.chunks_of([doc])
    title = chunks[0].title if chunks else doc
    if not section:
        labels = tuple(dict.fromkeys(c.section or "(text)" for c in chunks))
        return Lookup(query, "sections", doc=doc, title=title, sections=labels)
    wanted = _norm_section(section)
    hits = tuple(c for c in chunks if c.section_id and _norm_section(c.section_id).startswith(wanted))
    if not hits:
        return Lookup(query, "no_section", doc=doc, title=title, section=section)
    return Lookup(query, "clause", doc=doc, title=title, section=section, clauses=hits)
