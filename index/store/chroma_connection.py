"""One Chroma client (embedded or a server), its errors converted at the boundary, and the small
control collection processes coordinate through.

Chroma's and httpx's exceptions are converted here, by type, into ``StoreUnavailable`` (cannot
be reached), ``CollectionMissing`` (dropped by a switch) and ``StoreError`` (anything else).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlparse

import chromadb
import httpx
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import ChromaError, NotFoundError

from licensebot.errors import CollectionMissing, StoreError, StoreUnavailable
from licensebot.index.store.control import Meta

T = TypeVar("T")


def _unreachable(exc: BaseException) -> bool:
    """Connection failures, by type: httpx's transport errors (a server that is down), OS errors
    (a path that cannot be used), or a client constructor's ValueError raised while handling one."""
    return isinstance(exc, (httpx.TransportError, OSError)) or (
        isinstance(exc, ValueError) and isinstance(exc.__context__, (httpx.TransportError, OSError))
    )


def _client(path: Path | None, url: str | None) -> Any:
    settings = ChromaSettings(anonymized_telemetry=False)
    where = url or str(path)
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
    except (ChromaError, ValueError, OSError, httpx.HTTPError) as exc:
        raise StoreUnavailable(f"cannot open the vector store at {where}: {exc}") from exc


class Connection:
    """One Chroma client, opened lazily and again after a failure, so a server that comes
    back is used without restarting the bot."""

    def __init__(self, path: Path | None, url: str | None) -> None:
        self.path = path
        self.url = url
        self.where = url or str(path)
        self._client: Any = None
        self._lock = threading.Lock()

    def client(self) -> Any:
        with self._lock:
            if self._client is None:
                self._client = _client(self.path, self.url)
            return self._client

    def reset(self) -> None:
        with self._lock:
            self._client = None

    def call(self, what: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a Chroma call, converting its errors at the boundary, by type."""
        try:
            return fn(*args, **kwargs)
        except StoreError:
            raise
        except NotFoundError as exc:
            raise CollectionMissing(f"vector store failed to {what}: {exc}") from exc
        except Exception as exc:
            if _unreachable(exc):
                self.reset()
                raise StoreUnavailable(f"vector store unavailable at {self.where}: {exc}") from exc
            raise StoreError(f"vector store failed to {what}: {exc}") from exc

    def open(self, name: str, *, create: bool) -> Any:
        def go() -> Any:
            client = self.client()
            if create:
                return client.get_or_create_collection(
                    name, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
                )
            return client.get_collection(name, embedding_function=None)

        return self.call(f"open collection {name}", go)


class ChromaControl:
    """Control records in their own small collection (one dummy dimension: no vectors needed)."""

    def __init__(self, conn: Connection, name: str) -> None:
        self._conn = conn
        self.name = name
        self._col: Any = None

    def _collection(self) -> Any:
        if self._col is None:
            self._col = self._conn.open(self.name, create=True)
        return self._col

    def _call(self, what: str, method: str, **kwargs: Any) -> Any:
        try:
            return self._conn.call(what, getattr(self._collection(), method), **kwargs)
        except StoreError:
            self._col = None
            raise

    def read(self, key: str) -> Meta | None:
        got = self._call("read a control record", "get", ids=[key], include=["metadatas"])
        metas = got.get("metadatas") or []
        return dict(metas[0]) if got["ids"] and metas and metas[0] else None

    def claim(self, key: str, owner: str, meta: Meta) -> Meta:
        record = {**meta, "owner": owner}
        # add() ignores an id that exists, so the first writer's record is what we read back.
        self._call("write a control record", "add", ids=[key], embeddings=[[0.0]], metadatas=[record])
        return self.read(key) or record

    def write(self, key: str, meta: Meta) -> None:
        self._call("write a control record", "upsert", ids=[key], embeddings=[[0.0]], metadatas=[dict(meta)])

    def release(self, key: str, owner: str) -> None:
        self._call("delete a control record", "delete", ids=[key], where={"owner": owner})

    def expire(self, kind: str, before: float) -> None:
        self._call("expire control records", "delete", where={"$and": [{"kind": kind}, {"at": {"$lt": before}}]})
