"""The vector store boundary: what the indexer and the retriever need from a store.

The real implementation is Chroma (``licensebot.index.store.chroma``), embedded or as a server; unit
tests use an in-memory fake with the same protocol. The store is the single source of truth for
what is indexed (chunk metadata carries each document's content hash), so several processes
sharing one store agree on the index without any local state.

Every reindex that changes anything fills a new build and then publishes it, so questions asked
meanwhile are answered from the previous index and a reindex that dies midway leaves it serving.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import Any, Protocol

from licensebot.index.documents import Chunk
from licensebot.index.embed import Vectors
from licensebot.index.store.control import Control


class IndexBuild(Protocol):
    """A collection being filled by a reindex; invisible to questions until published."""

    name: str

    def upsert(self, chunks: Sequence[Chunk], vectors: Vectors) -> None: ...

    def hold(self, chunks: Sequence[Chunk]) -> None:
        """Publish ``chunks`` without vectors (found by keyword search; vectors follow by ``fill``)."""
        ...

    def fill(self, chunks: Sequence[Chunk], vectors: Vectors) -> None:
        """Give held chunks their vectors, whole documents at a time (also once published)."""
        ...

    def set_state(self, state: dict[str, Any]) -> None: ...


class ServingIndex(Protocol):
    """One published index, fixed when it was resolved: what a question reads from start to end,
    so that every part of one answer comes from the same index generation."""

    name: str

    def query(
        self, vector: Vectors, k: int, docs: Collection[str] | None = None
    ) -> list[tuple[Chunk, float]]:
        """Nearest chunks as (chunk, cosine similarity), best first."""
        ...

    def chunks(self) -> list[Chunk]:
        """Every chunk, held ones included."""
        ...

    def pending(self) -> frozenset[str]:
        """Documents whose chunks are held: published before their vectors, which follow."""
        ...

    def count(self) -> int: ...

    def state(self) -> dict[str, Any]: ...


class VectorStore(Protocol):
    """The serving index (reads) plus the means to replace it atomically (builds)."""

    @property
    def control(self) -> Control:
        """Coordination records beside the index (reindex lock, Slack event claims)."""
        ...

    def serving(self) -> ServingIndex | None:
        """The index serving now (None before the first build), read from the active-index
        pointer: once per question (``search.snapshot``)."""
        ...

    def query(
        self, vector: Vectors, k: int, docs: Collection[str] | None = None
    ) -> list[tuple[Chunk, float]]:
        """Nearest chunks as (chunk, cosine similarity), best first."""
        ...

    def chunks(self) -> list[Chunk]: ...

    def doc_hashes(self) -> dict[str, str]:
        """Each document with all its vectors -> its content hash (held documents are left out:
        a fill cut short may have written part of one)."""
        ...

    def count(self) -> int: ...

    def state(self) -> dict[str, Any]:
        """The serving index's state; also where a reader notices a newly published index."""
        ...

    def set_state(self, state: dict[str, Any]) -> None:
        """Update the serving index's state in place (a reindex that changed no chunk)."""
        ...

    def export(self, skip_docs: Collection[str] = ()) -> Iterator[tuple[list[Chunk], Vectors]]:
        """The serving index's chunks with their vectors, page by page, held documents left out."""
        ...

    def begin_build(self) -> IndexBuild: ...

    def publish(self, build: IndexBuild) -> None:
        """Make ``build`` the serving index."""
        ...

    def discard(self, build: IndexBuild) -> None: ...

    def leftovers(self) -> list[str]:
        """Builds that are neither serving nor kept as the previous index (abandoned)."""
        ...

    def drop(self, name: str) -> None: ...

    def describe(self) -> str: ...
