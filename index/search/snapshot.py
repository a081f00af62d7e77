"""One index generation, as a question reads it: taken once per question, passed down, never
changed. The keyword index, the names, each document's chunks and the catalog all come from the
same published index as the vector search, even while a reindex publishes another one."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from licensebot.index.documents import Chunk
from licensebot.index.search.keyword import BM25Index
from licensebot.index.search.names import NameIndex
from licensebot.index.sources import Catalog
from licensebot.index.store import Inventory, ServingIndex


@dataclass(frozen=True)
class Derived:
    """What is built from one generation's chunks (the costly part, cached between questions)."""

    generation: object
    keyword: BM25Index
    names: NameIndex
    by_doc: Mapping[str, tuple[Chunk, ...]]
    """Each document's chunks in document order; with their gaps they cover its text."""
    kinds: Mapping[str, str]
    """doc -> "license" | "discussion"."""


@dataclass(frozen=True)
class Snapshot:
    derived: Derived
    serving: ServingIndex | None
    """The published collection the vector search reads (None before the first build)."""
    state: Mapping[str, Any] = field(default_factory=dict)
    store: str = ""
    """What the store is ("Chroma embedded at ..."), for the inventory."""
    pending: frozenset[str] = frozenset()
    """Documents published before their vectors: keyword search finds them, vector search not yet."""

    @property
    def generation(self) -> object:
        return self.derived.generation

    @property
    def keyword(self) -> BM25Index:
        return self.derived.keyword

    @property
    def names(self) -> NameIndex:
        return self.derived.names

    @property
    def catalog(self) -> Catalog:
        """Every license the bot knows by name, indexed or not."""
        return self.derived.names.catalog

    @property
    def documents(self) -> Mapping[str, str]:
        """Indexed document key -> kind."""
        return self.derived.kinds

    def in_licensedb(self, key: str) -> bool:
        return key in self.catalog.licensedb_keys

    def doc_chunks(self, doc: str) -> tuple[Chunk, ...]:
        """One document's chunks in document order (``spans.text_between`` rebuilds any stretch)."""
        return self.derived.by_doc.get(doc, ())

    def chunks_of(self, docs: Collection[str]) -> list[Chunk]:
        """Chunks of the given documents, documents sorted by key (for clause lookups)."""
        return [c for doc in sorted(set(docs)) for c in self.doc_chunks(doc)]

    def categories(self) -> dict[str, tuple[str, str]]:
        """doc -> (kind, category)."""
        return {doc: (chunks[0].kind, chunks[0].category) for doc, chunks in self.derived.by_doc.items() if chunks}

    def query(self, vector: Any, k: int, docs: Collection[str] | None) -> list[tuple[Chunk, float]]:
        return self.serving.query(vector, k, docs) if self.serving is not None else []

    def inventory(self) -> Inventory:
        """What is indexed, from the chunks already loaded."""
        return Inventory.of(self.keyword.chunks, dict(self.state), self.store, self.pending)
