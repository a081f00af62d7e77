"""Bring the store in line with the sources, embedding only what changed."""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index.chunking import CHUNKER_VERSION, chunk_document
from index.embeddings import Embedder
from index.models import Chunk, Document, IndexReport, SourceFailure
from index.store import VectorStore

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total)"""


def _noop(stage: str, done: int, total: int) -> None:
    return None


class Indexer:
    def __init__(self, embedder: Embedder, store: VectorStore) -> None:
        self.embedder = embedder
        self.store = store

    def _layout(self) -> dict[str, str]:
        """What must match for old chunks to be reusable."""
        return {"chunker": CHUNKER_VERSION, "embedder": self.embedder.name}

    def run(
        self,
        documents: Sequence[Document],
        failures: Sequence[SourceFailure] = (),
        *,
        progress: Progress = _noop,
        extra_state: dict[str, Any] | None = None,
    ) -> IndexReport:
        state = self.store.state()
        hashes = self.store.doc_hashes()
        layout_changed = bool(state) and any(state.get(k) != v for k, v in self._layout().items())
        if layout_changed:
            # Chunk boundaries or vectors from another model are not comparable: start over.
            self.store.delete_docs(hashes)
        existing_keys = set(hashes)

        wanted = {d.key: d for d in documents}
        # A file that failed to parse keeps its previous version serving.
        protected = {Path(f.path).stem for f in failures}
        added = [d for k, d in wanted.items() if k not in existing_keys]
        changed = [
            d for k, d in wanted.items() if k in existing_keys and (layout_changed or hashes[k] != d.sha256)
        ]
        removed = sorted(k for k in existing_keys if k not in wanted and k not in protected)

        todo = added + changed
        chunks: list[Chunk] = []
        for doc in todo:
            chunks.extend(chunk_document(doc))
        embedded = self._embed_and_store(chunks, [d.key for d in changed], progress)
        if removed:
            self.store.delete_docs(removed)

        report = IndexReport(
            added=tuple(sorted(d.key for d in added)),
            changed=tuple(sorted(d.key for d in changed)),
            removed=tuple(removed),
            unchanged=len(wanted) - len(todo),
            chunks_embedded=embedded,
            failures=tuple(failures),
        )
        new_state = dict(state)
        new_state.update(self._layout())
        new_state.update(extra_state or {})
        new_state["indexed_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        if report.changed_anything or "generation" not in new_state:
            new_state["generation"] = uuid.uuid4().hex
        new_state["documents"] = len(wanted) + len([k for k in protected if k in existing_keys])
        self.store.set_state(new_state)
        return report

    def _embed_and_store(
        self, chunks: Sequence[Chunk], replace_docs: Sequence[str], progress: Progress
    ) -> int:
        if not chunks:
            return 0
        # LicenseDB holds many identical passages; embed each distinct text once.
        texts = [c.search_text() for c in chunks]
        digest = [hashlib.sha1(t.encode("utf-8", "surrogatepass")).hexdigest() for t in texts]
        unique: dict[str, int] = {}
        for i, d in enumerate(digest):
            unique.setdefault(d, i)
        order = list(unique.values())
        total = len(order)
        done = 0
        progress("embedding", 0, total)

        def step(n: int) -> None:
            nonlocal done
            done += n
            progress("embedding", done, total)

        vectors = self.embedder.embed([texts[i] for i in order], progress=step)
        row = {d: vectors[j] for j, d in enumerate(unique)}
        all_vectors = np.vstack([row[d] for d in digest])
        if replace_docs:
            self.store.delete_docs(replace_docs)
        self.store.upsert(chunks, all_vectors)
        return total
