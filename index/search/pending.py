"""Vector search over documents published before their vectors (``index --all`` fills them in
after publishing): a question that names such a document embeds its chunks on the spot, so it
is answered as it will be once the index is complete."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from licensebot.index.documents import Chunk
from licensebot.index.embed import Embedder, Vectors

CACHE_LIMIT = 20_000
"""Chunk vectors kept between questions (about 30 MB); the cache starts over past it."""


class OnTheSpot:
    """Embeds held chunks when a question needs them and keeps their vectors for the next one."""

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder
        self._vectors: dict[str, np.ndarray] = {}
        self._generation: object = None
        self._lock = threading.Lock()

    def search(
        self, vector: Vectors, chunks: Sequence[Chunk], k: int, generation: object
    ) -> list[tuple[Chunk, float]]:
        """The ``k`` chunks nearest ``vector`` by cosine similarity, best first."""
        if not chunks:
            return []
        with self._lock:
            if generation != self._generation or len(self._vectors) > CACHE_LIMIT:
                self._vectors, self._generation = {}, generation
            have = {c.id: self._vectors[c.id] for c in chunks if c.id in self._vectors}
        missing = [c for c in chunks if c.id not in have]
        if missing:
            # Embedded outside the lock: another question may embed the same chunks meanwhile,
            # which costs time, not correctness.
            fresh = self._embedder.embed([c.search_text() for c in missing])
            have.update((c.id, np.asarray(v, dtype=np.float32)) for c, v in zip(missing, fresh, strict=True))
            with self._lock:
                if generation == self._generation:
                    self._vectors.update((c.id, have[c.id]) for c in missing)
        matrix = np.vstack([have[c.id] for c in chunks])
        query = np.asarray(vector, dtype=np.float32).reshape(-1)
        norms = np.linalg.norm(matrix, axis=1) * (np.linalg.norm(query) or 1.0)
        sims = matrix @ query / np.where(norms == 0, 1.0, norms)
        order = np.argsort(-sims, kind="stable")[:k]
        return [(chunks[i], float(sims[i])) for i in order]


def merge(first: list[tuple[Chunk, float]], second: list[tuple[Chunk, float]], k: int) -> list[tuple[Chunk, float]]:
    """Two nearest-chunk lists as one, best first (a chunk in both counted once)."""
    best: dict[str, tuple[Chunk, float]] = {}
    for chunk, sim in (*first, *second):
        if chunk.id not in best or sim > best[chunk.id][1]:
            best[chunk.id] = (chunk, sim)
    return sorted(best.values(), key=lambda item: (-item[1], item[0].id))[:k]
