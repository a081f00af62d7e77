"""Bring the store in line with the sources, embedding only what changed.

A run that changes anything builds a complete new collection (unchanged documents' vectors are
copied, not re-embedded) and publishes it at the end, under a lock every process sharing the
store sees. Until then questions are answered from the previous index, and a run that dies
midway leaves that index serving; the next run reports and removes what it left behind.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from licensebot.errors import ReindexAborted, ReindexInProgress
from licensebot.index.documents import Chunk, Document, IndexReport, SourceFailure
from licensebot.index.embed import Embedder
from licensebot.index.store import IndexBuild, ReindexLock, VectorStore
from licensebot.index.text import CHUNKER_VERSION, chunk_document

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total)"""


def _noop(stage: str, done: int, total: int) -> None:
    return None


class Indexer:
    def __init__(self, embedder: Embedder, store: VectorStore, *, lock: ReindexLock | None = None) -> None:
        self.embedder = embedder
        self.store = store
        self.lock = lock or ReindexLock(store.control)

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
        """Raises ReindexInProgress at once if another reindex holds the lock."""
        with self.lock:
            recovered = self._clean_up()
            return self._run(documents, failures, progress, extra_state or {}, recovered)

    def recover(self) -> tuple[str, ...]:
        """At start-up: report and remove what a crashed reindex left, unless one is running."""
        try:
            with self.lock:
                return self._clean_up()
        except ReindexInProgress:
            return ()

    def _clean_up(self) -> tuple[str, ...]:
        notes: list[str] = []
        if self.lock.broken is not None:
            notes.append(f"an earlier reindex ({self.lock.broken.describe()}) stopped without finishing")
        for name in self.store.leftovers():
            self.store.drop(name)
            notes.append(f"removed its unfinished build '{name}'" if notes else f"removed abandoned build '{name}'")
        return tuple(notes)

    def _run(
        self,
        documents: Sequence[Document],
        failures: Sequence[SourceFailure],
        progress: Progress,
        extra_state: dict[str, Any],
        recovered: tuple[str, ...],
    ) -> IndexReport:
        state = self.store.state()
        hashes = self.store.doc_hashes()
        layout_changed = bool(state) and any(state.get(k) != v for k, v in self._layout().items())
        existing_keys = set(hashes)

        wanted = {d.key: d for d in documents}
        # A file that failed to parse keeps its previous version serving.
        protected = {Path(f.path).stem for f in failures} & existing_keys
        added = [d for k, d in wanted.items() if k not in existing_keys]
        changed = [
            d for k, d in wanted.items() if k in existing_keys and (layout_changed or hashes[k] != d.sha256)
        ]
        removed = sorted(k for k in existing_keys if k not in wanted and k not in protected)
        todo = added + changed
        report = IndexReport(
            added=tuple(sorted(d.key for d in added)),
            changed=tuple(sorted(d.key for d in changed)),
            removed=tuple(removed),
            unchanged=len(wanted) - len(todo),
            failures=tuple(failures),
            recovered=recovered,
        )
        new_state = dict(state)
        new_state.update(self._layout())
        new_state.update(extra_state)
        new_state["indexed_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        new_state["documents"] = len(wanted) + len(protected - wanted.keys())
        if not report.changed_anything and state:
            self.store.set_state(new_state)
            return report

        build = self.store.begin_build()
        try:
            if not layout_changed:
                # Chunk boundaries or vectors from another model are not comparable: only a
                # matching layout lets old vectors carry over.
                drop = {d.key for d in changed} | set(removed)
                for chunks, vectors in self.store.export(skip_docs=drop):
                    build.upsert(chunks, vectors)
            chunks = [c for doc in todo for c in chunk_document(doc)]
            embedded = self._embed_into(build, chunks, progress)
            new_state["generation"] = uuid.uuid4().hex
            build.set_state(new_state)
            if not self.lock.still_held():
                raise ReindexAborted("the reindex lock was lost midway; the previous index keeps serving")
            self.store.publish(build)
        except BaseException:
            self.store.discard(build)
            raise
        return replace(report, chunks_embedded=embedded)

    def _embed_into(self, build: IndexBuild, chunks: Sequence[Chunk], progress: Progress) -> int:
        if not chunks:
            return 0
        # LicenseDB holds some identical passages; embed each distinct text once.
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
        build.upsert(chunks, np.vstack([row[d] for d in digest]))
        return total
