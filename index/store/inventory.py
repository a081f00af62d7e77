"""What is indexed: one answer for `licensebot sources`, `/license list`, doctor and the Home tab."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from licensebot.index.documents import Chunk
from licensebot.index.store.protocol import VectorStore


@dataclass(frozen=True)
class IndexedDocument:
    key: str
    title: str
    kind: str
    category: str
    url: str
    chunks: int


@dataclass(frozen=True)
class Inventory:
    documents: tuple[IndexedDocument, ...]
    """Sorted by key."""
    chunks: int
    indexed_at: str = ""
    all_licenses: bool = False
    folders: tuple[str, ...] = ()
    store: str = ""
    pending: tuple[str, ...] = ()
    """Documents published before their vectors (``index --all`` is still filling them in)."""

    @classmethod
    def of(cls, chunks: Iterable[Chunk], state: dict[str, Any], store: str = "",
           pending: Iterable[str] = ()) -> Inventory:
        counts: Counter[str] = Counter()
        first: dict[str, Chunk] = {}
        for c in chunks:
            counts[c.doc] += 1
            first.setdefault(c.doc, c)
        docs = tuple(
            IndexedDocument(k, first[k].title, first[k].kind, first[k].category, first[k].url, counts[k])
            for k in sorted(first)
        )
        return cls(
            documents=docs,
            chunks=sum(counts.values()),
            indexed_at=str(state.get("indexed_at", "")),
            all_licenses=bool(state.get("all_licenses", False)),
            folders=tuple(str(f) for f in state.get("folders", [])),
            store=store,
            pending=tuple(sorted(pending)),
        )

    @classmethod
    def read(cls, store: VectorStore) -> Inventory:
        serving = store.serving()
        return cls.of(store.chunks(), store.state(), store.describe(),
                      serving.pending() if serving is not None else ())

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(d.key for d in self.documents)

    def count(self, kind: str) -> int:
        return sum(1 for d in self.documents if d.kind == kind)

    def groups(self) -> dict[str, list[IndexedDocument]]:
        """"kind · category" -> documents, sorted."""
        out: dict[str, list[IndexedDocument]] = {}
        for d in self.documents:
            out.setdefault(f"{d.kind} · {d.category or 'uncategorised'}", []).append(d)
        return dict(sorted(out.items()))

    def describe(self) -> str:
        """"all 84 indexed documents (80 licenses, 4 discussions)"."""
        n = len(self.documents)
        return f"all {n} indexed documents ({self.count('license')} licenses, {self.count('discussion')} discussions)"

    def to_json(self) -> dict[str, Any]:
        return {
            "store": self.store,
            "documents": len(self.documents),
            "chunks": self.chunks,
            "indexed_at": self.indexed_at,
            "all_licenses": self.all_licenses,
            "folders": list(self.folders),
            "pending_vectors": len(self.pending),
            "by_kind": dict(Counter(d.kind for d in self.documents)),
            "items": [asdict(d) for d in self.documents],
        }
