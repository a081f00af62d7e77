"""The vector store boundary: Chroma, embedded (PersistentClient) or as a server (HttpClient).

We always pass our own embeddings: Chroma's default embedding function would download a
model. The store is the single source of truth for what is indexed (chunk metadata
carries each document's content hash), so several processes sharing one Chroma server
agree on the index without any local state.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

from index.embeddings import Vectors
from index.errors import StoreError, StoreUnavailable
from index.models import Chunk, Kind

DEFAULT_COLLECTION = "licensebot"
_UPSERT_BATCH = 2000


class VectorStore(Protocol):
    def upsert(self, chunks: Sequence[Chunk], vectors: Vectors) -> None: ...

    def delete_docs(self, keys: Iterable[str]) -> None: ...

    def query(
        self, vector: Vectors, k: int, docs: Collection[str] | None = None
    ) -> list[tuple[Chunk, float]]:
        """Nearest chunks as (chunk, cosine similarity), best first."""
        ...

    def chunks(self) -> list[Chunk]: ...

    def doc_hashes(self) -> dict[str, str]: ...

    def count(self) -> int: ...

    def state(self) -> dict[str, Any]: ...

    def set_state(self, state: dict[str, Any]) -> None: ...

    def describe(self) -> str: ...


def chunk_metadata(chunk: Chunk) -> dict[str, str | int]:
    return {
        "doc": chunk.doc,
        "title": chunk.title,
        "kind": chunk.kind,
        "category": chunk.category,
        "url": chunk.url,
        "section": chunk.section,
        "section_id": chunk.section_id,
        "heading": chunk.heading,
        "start": chunk.start,
        "end": chunk.end,
        "doc_sha256": chunk.doc_sha256,
        "ordinal": chunk.ordinal,
    }


def chunk_from(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
    kind: Kind = "discussion" if meta.get("kind") == "discussion" else "license"
    return Chunk(
        id=chunk_id,
        doc=str(meta.get("doc", "")),
        title=str(meta.get("title", "")),
        kind=kind,
        category=str(meta.get("category", "")),
        url=str(meta.get("url", "")),
        section=str(meta.get("section", "")),
        section_id=str(meta.get("section_id", "")),
        heading=str(meta.get("heading", "")),
        start=int(meta.get("start", 0)),
        end=int(meta.get("end", 0)),
        text=text,
        doc_sha256=str(meta.get("doc_sha256", "")),
        ordinal=int(meta.get("ordinal", 0)),
    )


def _client(path: Path | None, url: str | None) -> Any:
    settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if url:
            parsed = urlparse(url)
            if parsed.scheme not in ("http", "https") or not parsed.hostname:
                raise StoreError(f"LICENSEBOT_CHROMA_URL must look like http://host:8000, not {url!r}")
            port = parsed.port or (443 if parsed.scheme == "https" else 8000)
            return chromadb.HttpClient(
                host=parsed.hostname, port=port, ssl=parsed.scheme == "https", settings=settings
            )
        assert path is not None
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=settings)
    except StoreError:
        raise
    except Exception as exc:
        where = url or str(path)
        raise StoreUnavailable(f"cannot open the vector store at {where}: {exc}") from exc


class ChromaStore:
    """A Chroma collection holding chunks, their metadata and our embeddings."""

    def __init__(
        self, *, path: Path | None = None, url: str | None = None, collection: str = DEFAULT_COLLECTION
    ) -> None:
        if not path and not url:
            raise StoreError("a Chroma path or server URL is needed")
        self.where = url or str(path)
        self.mode = "server" if url else "embedded"
        self._path = path
        self._url = url
        # Connect lazily, and again after a failure, so a server that comes back is used
        # without restarting the bot.
        self._client: Any = None
        self._name = collection
        self._collection: Any = None

    def _connected(self) -> Any:
        if self._client is None:
            self._client = _client(self._path, self._url)
        return self._client

    def describe(self) -> str:
        return f"Chroma {self.mode} at {self.where}, collection '{self._name}'"

    def _col(self) -> Any:
        if self._collection is None:
            try:
                self._collection = self._connected().get_or_create_collection(
                    self._name,
                    configuration={"hnsw": {"space": "cosine"}},
                    embedding_function=None,
                )
            except StoreError:
                raise
            except Exception as exc:
                self._client = None
                raise StoreUnavailable(f"vector store unavailable at {self.where}: {exc}") from exc
        return self._collection

    def _call(self, what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (ConnectionError, OSError) as exc:
            self._collection = None
            raise StoreUnavailable(f"vector store unavailable at {self.where}: {exc}") from exc
        except Exception as exc:
            if "connect" in str(exc).lower():
                self._collection = None
                raise StoreUnavailable(f"vector store unavailable at {self.where}: {exc}") from exc
            raise StoreError(f"vector store failed to {what}: {exc}") from exc

    def upsert(self, chunks: Sequence[Chunk], vectors: Vectors) -> None:
        if len(chunks) != len(vectors):
            raise StoreError("one embedding per chunk is needed")
        col = self._col()
        for i in range(0, len(chunks), _UPSERT_BATCH):
            part = chunks[i : i + _UPSERT_BATCH]
            self._call(
                "store chunks",
                col.upsert,
                ids=[c.id for c in part],
                embeddings=np.asarray(vectors[i : i + _UPSERT_BATCH], dtype=np.float32),
                documents=[c.text for c in part],
                metadatas=[chunk_metadata(c) for c in part],
            )

    def delete_docs(self, keys: Iterable[str]) -> None:
        keys = list(keys)
        col = self._col()
        for i in range(0, len(keys), 500):
            self._call("delete documents", col.delete, where={"doc": {"$in": keys[i : i + 500]}})

    def query(
        self, vector: Vectors, k: int, docs: Collection[str] | None = None
    ) -> list[tuple[Chunk, float]]:
        col = self._col()
        where = {"doc": {"$in": sorted(docs)}} if docs else None
        result = self._call(
            "search",
            col.query,
            query_embeddings=np.asarray(vector, dtype=np.float32).reshape(1, -1),
            n_results=max(1, k),
            where=where,
            include=["documents", "metadatas", "distances"],
        )
        ids = result["ids"][0]
        texts = result["documents"][0]
        metas = result["metadatas"][0]
        distances = result["distances"][0]
        return [
            (chunk_from(i, t, dict(m)), 1.0 - float(d))
            for i, t, m, d in zip(ids, texts, metas, distances, strict=True)
        ]

    def chunks(self) -> list[Chunk]:
        col = self._col()
        out: list[Chunk] = []
        offset = 0
        page = 5000
        while True:
            got = self._call(
                "list chunks",
                col.get,
                include=["documents", "metadatas"],
                limit=page,
                offset=offset,
            )
            ids = got["ids"]
            for i, t, m in zip(ids, got["documents"], got["metadatas"], strict=True):
                out.append(chunk_from(i, t, dict(m)))
            if len(ids) < page:
                break
            offset += page
        return out

    def doc_hashes(self) -> dict[str, str]:
        col = self._col()
        hashes: dict[str, str] = {}
        offset = 0
        page = 10000
        while True:
            got = self._call("list documents", col.get, include=["metadatas"], limit=page, offset=offset)
            for m in got["metadatas"]:
                hashes[str(m.get("doc", ""))] = str(m.get("doc_sha256", ""))
            if len(got["ids"]) < page:
                break
            offset += page
        return hashes

    def count(self) -> int:
        return int(self._call("count", self._col().count))

    def state(self) -> dict[str, Any]:
        meta = self._col().metadata or {}
        raw = meta.get("licensebot_state")
        if not raw:
            return {}
        try:
            value = json.loads(str(raw))
        except json.JSONDecodeError:
            return {}
        return value if isinstance(value, dict) else {}

    def set_state(self, state: dict[str, Any]) -> None:
        col = self._col()
        self._call("save state", col.modify, metadata={"licensebot_state": json.dumps(state, sort_keys=True)})

    def sample_with_vectors(self, n: int) -> tuple[list[Chunk], Vectors]:
        """Up to ``n`` stored chunks with their vectors (benchmarks build smaller indexes from it)."""
        chunks: list[Chunk] = []
        vectors: list[Any] = []
        while len(chunks) < n:
            got = self._call(
                "read vectors",
                self._col().get,
                include=["documents", "metadatas", "embeddings"],
                limit=min(5000, n - len(chunks)),
                offset=len(chunks),
            )
            if not got["ids"]:
                break
            rows = zip(got["ids"], got["documents"], got["metadatas"], strict=True)
            chunks.extend(chunk_from(i, t, dict(m)) for i, t, m in rows)
            vectors.extend(got["embeddings"])
        return chunks, np.asarray(vectors, dtype=np.float32)
