"""Fakes for unit tests: same protocols as the real Embedder, VectorStore and Generator."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any

import numpy as np

from index.embeddings import Vectors
from index.keyword import tokenize
from index.models import Chunk
from plugin.errors import ModelError


class HashEmbedder:
    """Bag of stemmed words hashed into a fixed-size vector: similar words, similar vectors."""

    name = "hash-embedder"
    dim = 256

    def __init__(self) -> None:
        self.calls = 0
        self.texts_embedded = 0

    def embed(self, texts: Sequence[str], *, progress: Callable[[int], None] | None = None) -> Vectors:
        self.calls += 1
        self.texts_embedded += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in tokenize(text):
                h = int(hashlib.md5(word.encode()).hexdigest(), 16)
                out[row, h % self.dim] += 1.0
            norm = np.linalg.norm(out[row])
            if norm:
                out[row] /= norm
        if progress:
            progress(len(texts))
        return out


class MemoryStore:
    """An in-memory VectorStore with exact cosine search."""

    def __init__(self) -> None:
        self._chunks: dict[str, Chunk] = {}
        self._vectors: dict[str, np.ndarray] = {}
        self._state: dict[str, Any] = {}
        self.down = False

    def _check(self) -> None:
        from index.errors import StoreUnavailable

        if self.down:
            raise StoreUnavailable("memory store is down")

    def upsert(self, chunks: Sequence[Chunk], vectors: Vectors) -> None:
        self._check()
        for c, v in zip(chunks, vectors, strict=True):
            self._chunks[c.id] = c
            self._vectors[c.id] = np.asarray(v, dtype=np.float32)

    def delete_docs(self, keys: Iterable[str]) -> None:
        self._check()
        keys = set(keys)
        for cid in [cid for cid, c in self._chunks.items() if c.doc in keys]:
            del self._chunks[cid]
            del self._vectors[cid]

    def query(self, vector: Vectors, k: int, docs: Collection[str] | None = None) -> list[tuple[Chunk, float]]:
        self._check()
        scored = [
            (c, float(np.dot(self._vectors[cid], vector)))
            for cid, c in self._chunks.items()
            if docs is None or c.doc in docs
        ]
        scored.sort(key=lambda item: (-item[1], item[0].id))
        return scored[:k]

    def chunks(self) -> list[Chunk]:
        self._check()
        return list(self._chunks.values())

    def doc_hashes(self) -> dict[str, str]:
        self._check()
        return {c.doc: c.doc_sha256 for c in self._chunks.values()}

    def count(self) -> int:
        self._check()
        return len(self._chunks)

    def state(self) -> dict[str, Any]:
        self._check()
        return dict(self._state)

    def set_state(self, state: dict[str, Any]) -> None:
        self._check()
        self._state = dict(state)

    def describe(self) -> str:
        return "memory store"


class FakeGenerator:
    """Returns a fixed reply (or raises), recording the prompts it was given."""

    name = "fake-model"

    def __init__(self, reply: str = "", *, fail: bool = False) -> None:
        self.reply = reply
        self.fail = fail
        self.prompts: list[tuple[str, str]] = []

    def generate(self, system: str, user: str, *, max_tokens: int = 96) -> str:
        self.prompts.append((system, user))
        if self.fail:
            raise ModelError("fake model failure")
        return self.reply
