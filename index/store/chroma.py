"""Chroma as the vector store, embedded (PersistentClient) or as a server (HttpClient).

We always pass our own embeddings: Chroma's default embedding function would download a model.
Every build is a new collection; the "active" record in a small control collection names the
serving one, and publishing a build moves it. The previous collection is kept until the next
switch, so a question that resolved it just before a switch can still finish.
Errors are converted at the boundary (``chroma_connection``).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Collection, Iterator, Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

import numpy as np

from licensebot.errors import CollectionMissing, StoreError, StoreUnavailable
from licensebot.index.documents import Chunk
from licensebot.index.embed import Vectors
from licensebot.index.store.chroma_connection import ChromaControl, Connection
from licensebot.index.store.control import Meta
from licensebot.index.store.protocol import IndexBuild

DEFAULT_COLLECTION = "licensebot"
ACTIVE_KEY = "active"
_UPSERT_BATCH = 2000
_HOLD_BYTES = 4_000_000
_PAGE = 5000
_RESOLVE_EVERY = 1.0
_METADATA = tuple(f for f in fields(Chunk) if f.name not in ("id", "text"))
"""Every Chunk field but the id and text (which Chroma keeps itself) travels as metadata."""
HELD = "-held"
"""Suffix of the collection beside a build that keeps chunks published before their vectors."""


def chunk_metadata(chunk: Chunk) -> dict[str, str | int]:
    return {f.name: getattr(chunk, f.name) for f in _METADATA}


def chunk_from(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
    values: dict[str, Any] = {}
    for f in _METADATA:
        raw = meta.get(f.name)
        if raw is None:
            continue  # written by an older layout; the dataclass default applies
        values[f.name] = int(raw) if f.type == "int" else str(raw)
    if values.get("kind") != "discussion":
        values["kind"] = "license"
    return Chunk(id=chunk_id, text=text, **values)


def _held_record(chunks: Sequence[Chunk]) -> str:
    return json.dumps([{"id": c.id, "text": c.text, **chunk_metadata(c)} for c in chunks])


def _held_chunks(record: str) -> list[Chunk]:
    return [chunk_from(str(row.pop("id")), str(row.pop("text")), row) for row in json.loads(record)]


def _pages(conn: Connection, col: Any, include: list[str], page: int) -> Iterator[dict[str, Any]]:
    offset = 0
    while True:
        got = conn.call("read chunks", col.get, include=include, limit=page, offset=offset)
        if got["ids"]:
            yield got
        if len(got["ids"]) < page:
            return
        offset += page


class ChromaCollection:
    """One Chroma collection holding chunks, their metadata and our embeddings."""

    def __init__(self, conn: Connection, name: str, handle: Any) -> None:
        self._conn = conn
        self.name = name
        self._col = handle
        self._held_col: Any = None
        self._held_gone = False

    def _held(self, *, create: bool = False) -> Any:
        """The held chunks' collection: one record per document (its chunks as JSON) and a dummy
        dimension, because writing 40,000 chunks one record each costs more than embedding the
        default corpus. None once filled (it never comes back for a published build)."""
        if self._held_col is None and (create or not self._held_gone):
            try:
                self._held_col = self._conn.open(self.name + HELD, create=create)
            except CollectionMissing:
                self._held_gone = True
        return self._held_col

    def hold(self, chunks: Sequence[Chunk]) -> None:
        by_doc: dict[str, list[Chunk]] = {}
        for c in chunks:
            by_doc.setdefault(c.doc, []).append(c)
        held = self._held(create=True)
        part: list[tuple[str, str, int]] = []
        size = 0
        for doc in sorted(by_doc):
            record = _held_record(by_doc[doc])
            part.append((doc, record, len(by_doc[doc])))
            size += len(record)
            # A few megabytes a request: one request of the whole LicenseDB is too large for a server.
            if size >= _HOLD_BYTES or len(part) >= _UPSERT_BATCH:
                self._hold_part(held, part)
                part, size = [], 0
        if part:
            self._hold_part(held, part)

    def _hold_part(self, held: Any, part: list[tuple[str, str, int]]) -> None:
        self._conn.call("hold chunks", held.upsert, ids=[d for d, _, _ in part], embeddings=[[1.0]] * len(part),
                        documents=[r for _, r, _ in part], metadatas=[{"doc": d, "chunks": n} for d, _, n in part])

    def pending(self) -> frozenset[str]:
        held = self._held()
        if held is None:
            return frozenset()
        try:
            return frozenset(self._conn.call("read held documents", held.get, include=[])["ids"])
        except CollectionMissing:
            self._held_col, self._held_gone = None, True
            return frozenset()

    def fill(self, chunks: Sequence[Chunk], vectors: Vectors) -> None:
        """Give held chunks their vectors; their documents leave the held collection (all of a
        document's chunks are filled at once). The last fill drops it."""
        self.upsert(chunks, vectors)
        held = self._held()
        if held is None:
            return
        self._conn.call("release held documents", held.delete, ids=sorted({c.doc for c in chunks}))
        if not self._conn.call("count held documents", held.count):
            try:
                self._conn.call(f"delete collection {self.name}{HELD}",
                                lambda: self._conn.client().delete_collection(self.name + HELD))
            except CollectionMissing:
                pass
            self._held_col, self._held_gone = None, True

    def _held_chunks(self) -> list[Chunk]:
        held = self._held()
        if held is None:
            return []
        out: list[Chunk] = []
        try:
            for got in _pages(self._conn, held, ["documents"], _PAGE // 10):
                for record in got["documents"]:
                    out.extend(_held_chunks(str(record)))
        except CollectionMissing:
            self._held_col, self._held_gone = None, True
        return out

    def _call(self, what: str, method: str, **kwargs: Any) -> Any:
        return self._conn.call(what, getattr(self._col, method), **kwargs)

    def upsert(self, chunks: Sequence[Chunk], vectors: Vectors) -> None:
        if len(chunks) != len(vectors):
            raise StoreError("one embedding per chunk is needed")
        for i in range(0, len(chunks), _UPSERT_BATCH):
            part = chunks[i : i + _UPSERT_BATCH]
            self._call(
                "store chunks",
                "upsert",
                ids=[c.id for c in part],
                embeddings=np.asarray(vectors[i : i + _UPSERT_BATCH], dtype=np.float32),
                documents=[c.text for c in part],
                metadatas=[chunk_metadata(c) for c in part],
            )

    def query(self, vector: Vectors, k: int, docs: Collection[str] | None = None) -> list[tuple[Chunk, float]]:
        where = {"doc": {"$in": sorted(docs)}} if docs else None
        result = self._call(
            "search",
            "query",
            query_embeddings=np.asarray(vector, dtype=np.float32).reshape(1, -1),
            n_results=max(1, k),
            where=where,
            include=["documents", "metadatas", "distances"],
        )
        rows = zip(
            result["ids"][0], result["documents"][0], result["metadatas"][0], result["distances"][0], strict=True
        )
        return [(chunk_from(i, t, dict(m)), 1.0 - float(d)) for i, t, m, d in rows]

    def pages(self, include: list[str], page: int = _PAGE) -> Iterator[dict[str, Any]]:
        return _pages(self._conn, self._col, include, page)

    def chunks(self) -> list[Chunk]:
        """Every chunk, with vectors or held (a chunk filled while this reads appears once)."""
        # Held first: a document filled between the two reads is then in the second one at least.
        held = self._held_chunks()
        out: dict[str, Chunk] = {}
        for got in self.pages(["documents", "metadatas"]):
            rows = zip(got["ids"], got["documents"], got["metadatas"], strict=True)
            out.update((i, chunk_from(i, t, dict(m))) for i, t, m in rows)
        for c in held:
            out.setdefault(c.id, c)
        return list(out.values())

    def doc_hashes(self) -> dict[str, str]:
        pending = self.pending()
        hashes: dict[str, str] = {}
        for got in self.pages(["metadatas"], page=10_000):
            for m in got["metadatas"]:
                if (doc := str(m.get("doc", ""))) not in pending:
                    hashes[doc] = str(m.get("doc_sha256", ""))
        return hashes

    def export(self, skip_docs: Collection[str] = ()) -> Iterator[tuple[list[Chunk], Vectors]]:
        skip = set(skip_docs) | self.pending()
        for got in self.pages(["documents", "metadatas", "embeddings"]):
            rows = zip(got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True)
            kept = [(chunk_from(i, t, dict(m)), v) for i, t, m, v in rows if str(m.get("doc", "")) not in skip]
            if kept:
                yield [c for c, _ in kept], np.asarray([v for _, v in kept], dtype=np.float32)

    def count(self) -> int:
        return int(self._call("count", "count"))

    def state(self) -> dict[str, Any]:
        raw = (self._col.metadata or {}).get("licensebot_state")
        if not raw:
            return {}
        try:
            value = json.loads(str(raw))
        except json.JSONDecodeError:
            return {}
        return value if isinstance(value, dict) else {}

    def set_state(self, state: dict[str, Any]) -> None:
        self._call("save state", "modify", metadata={"licensebot_state": json.dumps(state, sort_keys=True)})


class ChromaStore:
    """The serving index of one base name, its builds, and the control records beside it."""

    def __init__(
        self, *, path: Path | None = None, url: str | None = None, collection: str = DEFAULT_COLLECTION
    ) -> None:
        if not path and not url:
            raise StoreError("a Chroma path or server URL is needed")
        self._conn = Connection(path, url)
        self.where = self._conn.where
        self.mode = "server" if url else "embedded"
        self.base = collection
        self.control = ChromaControl(self._conn, f"{collection}-control")
        self._serving: ChromaCollection | None = None
        self._resolved_at = 0.0
        self._lock = threading.Lock()

    def describe(self) -> str:
        return f"Chroma {self.mode} at {self.where}, collection '{self.base}'"

    def _names(self) -> list[str]:
        cols = self._conn.call("list collections", lambda: self._conn.client().list_collections())
        return [c if isinstance(c, str) else c.name for c in cols]

    def pointer(self) -> Meta | None:
        """The control record naming the serving collection (None before the first index)."""
        return self.control.read(ACTIVE_KEY)

    def active_name(self) -> str | None:
        meta = self.pointer()
        if meta and meta.get("collection"):
            return str(meta["collection"])
        # An index built before builds were switched atomically lives under the base name.
        return self.base if self.base in self._names() else None

    def _resolve(self) -> ChromaCollection | None:
        name = self.active_name()
        with self._lock:
            if name is None:
                self._serving = None
            elif self._serving is None or self._serving.name != name:
                self._serving = ChromaCollection(self._conn, name, self._conn.open(name, create=False))
            self._resolved_at = time.monotonic()
            return self._serving

    def _current(self) -> ChromaCollection | None:
        # A search reads state() (which resolves) and then queries: one pointer read per
        # question, while a caller that only queries still follows a switch within a second.
        with self._lock:
            serving = self._serving
            fresh = time.monotonic() - self._resolved_at < _RESOLVE_EVERY
        return serving if serving is not None and fresh else self._resolve()

    def _read(self, fn: Any, empty: Any) -> Any:
        """Run ``fn`` on the serving collection; follow a switch if it was dropped meanwhile."""
        for attempt in range(2):
            serving = self._current() if attempt == 0 else self._resolve()
            if serving is None:
                return empty
            try:
                return fn(serving)
            except StoreUnavailable:
                with self._lock:
                    self._serving = None
                raise
            except CollectionMissing:
                if attempt:
                    raise
        return empty

    def serving(self) -> ChromaCollection | None:
        return self._resolve()

    def query(self, vector: Vectors, k: int, docs: Collection[str] | None = None) -> list[tuple[Chunk, float]]:
        result: list[tuple[Chunk, float]] = self._read(lambda c: c.query(vector, k, docs), [])
        return result

    def chunks(self) -> list[Chunk]:
        result: list[Chunk] = self._read(lambda c: c.chunks(), [])
        return result

    def doc_hashes(self) -> dict[str, str]:
        result: dict[str, str] = self._read(lambda c: c.doc_hashes(), {})
        return result

    def count(self) -> int:
        return int(self._read(lambda c: c.count(), 0))

    def state(self) -> dict[str, Any]:
        serving = self._resolve()
        return serving.state() if serving is not None else {}

    def set_state(self, state: dict[str, Any]) -> None:
        serving = self._resolve()
        if serving is None:
            raise StoreError("there is no index to update; build one first")
        serving.set_state(state)
        # Collection metadata is read when the collection is opened: reopen to see the change.
        with self._lock:
            self._serving = None

    def export(self, skip_docs: Collection[str] = ()) -> Iterator[tuple[list[Chunk], Vectors]]:
        serving = self._resolve()
        if serving is not None:
            yield from serving.export(skip_docs)

    def begin_build(self) -> ChromaCollection:
        name = f"{self.base}-{time.strftime('%Y%m%d%H%M%S', time.gmtime())}-{secrets.token_hex(3)}"
        return ChromaCollection(self._conn, name, self._conn.open(name, create=True))

    def publish(self, build: IndexBuild) -> None:
        previous = self.active_name()
        self.control.write(
            ACTIVE_KEY,
            {"kind": "pointer", "collection": build.name, "previous": previous or "", "at": time.time()},
        )
        with self._lock:
            self._serving = None
        for name in self.leftovers():
            self.drop(name)

    def discard(self, build: IndexBuild) -> None:
        self.drop(build.name + HELD)
        self.drop(build.name)

    def _data_names(self) -> list[str]:
        control = self.control.name
        return [n for n in self._names() if n != control and (n == self.base or n.startswith(self.base + "-"))]

    def leftovers(self) -> list[str]:
        meta = self.pointer() or {}
        keep = {str(meta.get("collection", "")), str(meta.get("previous", ""))}
        if not meta:
            keep.add(self.base)
        keep |= {name + HELD for name in keep}
        return sorted(n for n in self._data_names() if n not in keep)

    def drop(self, name: str) -> None:
        try:
            self._conn.call(f"delete collection {name}", lambda: self._conn.client().delete_collection(name))
        except CollectionMissing:
            pass  # already gone: another process's cleanup got there first
