"""Plain data passed between the index stages: documents, chunks and search hits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["license", "discussion"]


@dataclass(frozen=True)
class Document:
    """One license text or discussion excerpt, as read from its source file.

    ``body`` is the text after the front matter, untouched: every chunk span and
    every quote offset points into it.
    """

    key: str
    title: str
    kind: Kind
    category: str
    url: str
    source: str
    body: str
    sha256: str
    owner: str = ""
    spdx: str = ""
    short_name: str = ""


@dataclass(frozen=True)
class Chunk:
    """A clause-sized, contiguous slice ``body[start:end]`` of one document."""

    id: str
    doc: str
    title: str
    kind: Kind
    category: str
    url: str
    section: str
    """Human label such as ``§1.b.v`` or ``§3.2 Use Restrictions``."""
    section_id: str
    """Bare path such as ``1.b.v`` (empty outside numbered structure), for lookups."""
    heading: str
    """Breadcrumb of enclosing headings, carried into what is embedded and keyword-indexed."""
    start: int
    end: int
    text: str
    doc_sha256: str = ""
    ordinal: int = 0
    context: str = ""
    """The lead-in this clause completes, ``body[context_start:context_end]``: the parent's
    sentence before a list of sub-items ("You agree not to use the Model ...:"), or the first
    sentence of a long clause for its later parts. Empty when the clause stands alone."""
    context_start: int = 0
    context_end: int = 0
    role: str = "clause"
    """"clause" (operative terms), "preamble" (text before the first numbered section, recitals),
    "definition", or "appendix" (how to apply the license, notice templates, after the terms)."""
    gap: str = ""
    """``body[end:next.start]`` for the chunk that starts next in the document (the blank lines
    between clauses), so a run of neighbouring chunks can be quoted as one exact span without the
    document itself."""

    def search_text(self, *, title: bool = True) -> str:
        """What embeddings and keyword search see: the clause with its title, headings and lead-in."""
        parts = [self.title] if title else []
        if self.heading:
            parts.append(self.heading)
        if self.context:
            parts.append(self.context)
        parts.append(self.text)
        return "\n".join(parts)


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float
    """Fused rank score; only comparable within one search."""
    similarity: float = 0.0
    """Cosine similarity of question and chunk embeddings (0 if not retrieved by vector)."""
    keyword: float = 0.0
    """BM25 score (0 if not retrieved by keyword)."""


@dataclass(frozen=True)
class SourceFailure:
    """A file that could not be read as a document, and why (shown to admins)."""

    path: str
    reason: str


@dataclass(frozen=True)
class IndexReport:
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: int = 0
    chunks_embedded: int = 0
    failures: tuple[SourceFailure, ...] = field(default_factory=tuple)
    recovered: tuple[str, ...] = ()
    """What this run cleaned up after an earlier reindex that crashed or was killed."""
    held: int = 0
    """Documents published before their vectors (searchable by keyword, then filled)."""
    searchable_after: float | None = None
    """Seconds from the start of the run to publishing, when documents were held."""
    complete_after: float | None = None
    """Seconds from the start of the run until the last held document had its vectors."""

    @property
    def changed_anything(self) -> bool:
        return bool(self.added or self.changed or self.removed)


@dataclass(frozen=True)
class LoadResult:
    documents: tuple[Document, ...]
    failures: tuple[SourceFailure, ...]
