"""Bring the store in line with the sources, embedding only what changed.

A run that changes anything builds a complete new collection (unchanged documents' vectors are
copied, not re-embedded) and publishes it at the end, under a lock every process sharing the
store sees. Until then questions are answered from the previous index, and a run that dies
midway leaves that index serving; the next run reports and removes what it left behind.

A run told which documents come ``first`` (``index --all``: the default selection and the
folders) embeds only those before publishing; every other document is published held, its
chunks found by keyword search and embedded on the spot when a question names it, and gets its
vectors right after, a batch at a time, into the serving index. Complete, it holds the same
chunks as a run that embedded everything first, and the same vectors up to the bfloat16 rounding
of different batches. A run that dies while filling leaves the index serving with some documents
held; the next run embeds them.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from licensebot.errors import ReindexAborted, ReindexInProgress
from licensebot.index.documents import Chunk, Document, IndexReport, SourceFailure
from licensebot.index.embed import Embedder
from licensebot.index.embed.shipped import digest
from licensebot.index.store import IndexBuild, ReindexLock, VectorStore
from licensebot.index.text import CHUNKER_VERSION, chunk_document

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): "embedding", then for a run with held documents "searchable"
(held documents, once) and "filling"."""
FILL_BATCH = 5000
"""Chunks embedded per step of the fill (whole documents): large enough that sorting by length
still packs batches well, small enough that other processes see vectors arrive every minute."""


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
        first: Collection[str] | None = None,
    ) -> IndexReport:
        """Raises ReindexInProgress at once if another reindex holds the lock. With ``first``,
        documents not in it are published held and filled after (see the module's text)."""
        with self.lock:
            recovered = self._clean_up()
            return self._run(documents, failures, progress, extra_state or {}, recovered, first)

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
        first: Collection[str] | None,
    ) -> IndexReport:
        started = time.monotonic()
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
            later = [c for c in chunks if first is not None and c.doc not in first]
            now = [c for c in chunks if first is None or c.doc in first]
            embedded = self._embed_into(build, now, progress)
            if later:
                build.hold(later)
            new_state["generation"] = uuid.uuid4().hex
            build.set_state(new_state)
            if not self.lock.still_held():
                raise ReindexAborted("the reindex lock was lost midway; the previous index keeps serving")
            self.store.publish(build)
        except BaseException:
            self.store.discard(build)
            raise
        if not later:
            return replace(report, chunks_embedded=embedded)
        held = sorted({c.doc for c in later})
        report = replace(report, chunks_embedded=embedded, held=len(held),
                         searchable_after=round(time.monotonic() - started, 1))
        progress("searchable", len(held), len(held))
        embedded += self._fill(build, later, progress)
        return replace(report, chunks_embedded=embedded, complete_after=round(time.monotonic() - started, 1))

    def _fill(self, build: IndexBuild, chunks: Sequence[Chunk], progress: Progress) -> int:
        """Embed the held chunks into the published build, whole documents at a time."""
        batches: list[list[Chunk]] = [[]]
        for doc_chunks in _by_doc(chunks):
            if len(batches[-1]) + len(doc_chunks) > FILL_BATCH and batches[-1]:
                batches.append([])
            batches[-1].extend(doc_chunks)
        total, done, shown = len(chunks), 0, 0
        embedded = 0

        def step(n: int) -> None:
            nonlocal shown
            shown = min(shown + n, total)
            progress("filling", shown, total)

        progress("filling", 0, total)
        for batch in batches:
            vectors, distinct = self._embed(batch, progress=step)
            # Checked after the minutes of embedding, right before writing: a run that lost the
            # lock must not write into an index another run may be replacing.
            if not self.lock.still_held():
                raise ReindexAborted("the reindex lock was lost while filling in vectors; the index serves "
                                     "and the next reindex embeds the documents still without them")
            build.fill(batch, vectors)
            embedded += distinct
            done += len(batch)
            shown = done
            progress("filling", done, total)
        return embedded

    def _embed_into(self, build: IndexBuild, chunks: Sequence[Chunk], progress: Progress) -> int:
        if not chunks:
            return 0
        done = 0

        def step(n: int) -> None:
            nonlocal done
            done += n
            progress("embedding", done, total)

        total = len({digest(c.search_text()) for c in chunks})
        progress("embedding", 0, total)
        vectors, distinct = self._embed(chunks, progress=step)
        build.upsert(chunks, vectors)
        return distinct

    def _embed(self, chunks: Sequence[Chunk], *, progress: Callable[[int], None]) -> tuple[Any, int]:
        """One vector per chunk; LicenseDB holds some identical passages, each embedded once."""
        texts = [c.search_text() for c in chunks]
        keys = [digest(t) for t in texts]
        unique: dict[bytes, int] = {}
        for i, key in enumerate(keys):
            unique.setdefault(key, i)
        vectors = self.embedder.embed([texts[i] for i in unique.values()], progress=progress)
        row = {d: vectors[j] for j, d in enumerate(unique)}
        return np.vstack([row[key] for key in keys]), len(unique)


def _by_doc(chunks: Sequence[Chunk]) -> list[list[Chunk]]:
    groups: dict[str, list[Chunk]] = {}
    for c in chunks:
        groups.setdefault(c.doc, []).append(c)
    return list(groups.values())
