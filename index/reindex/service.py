"""The one way to reindex: the CLI (`licensebot index`, the first `ask`), `licensebot serve` at
start-up, `/license reindex` and the "Add to license knowledge base" shortcut all call
``ReindexService``. It decides what is read (the LicenseDB selection or all of it, the folders the
store remembers, the settings' folders, saved Slack threads), holds the in-process guard (the
cross-process lock is the ``Indexer``'s), cleans up after a crashed run, reports to an observer
(metrics) and leaves the index published for every process sharing the store.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, Protocol

from licensebot.errors import ReindexInProgress
from licensebot.index.documents import IndexReport, LoadResult
from licensebot.index.embed import Embedder
from licensebot.index.reindex.indexer import Indexer, Progress
from licensebot.index.sources import load_all, read_selection
from licensebot.index.store import VectorStore

Result = Literal["succeeded", "refused", "failed"]


@dataclass(frozen=True)
class SourceConfig:
    """What an index run reads: the LicenseDB selection (or all of it) plus folders.

    Folders given once with ``index --folder`` are remembered in the store's state, so a later
    plain ``licensebot index`` (or a Slack reindex) keeps them."""

    all_licenses: bool
    folders: tuple[Path, ...]

    def state(self) -> dict[str, Any]:
        return {"all_licenses": self.all_licenses, "folders": [str(p) for p in self.folders]}


@dataclass(frozen=True)
class Sources:
    """Where documents may come from, as configured (``Settings``)."""

    folders: tuple[Path, ...] = ()
    """Folders every index run reads (LICENSEBOT_FOLDERS)."""
    saved_threads: Path | None = None
    """Where the Slack shortcut saves threads; read when it exists."""
    selection: Path | None = None
    """The LicenseDB selection file (None: the packaged list)."""

    def resolve(
        self, state: Mapping[str, Any], *, folders: Sequence[Path] = (), all_licenses: bool | None = None
    ) -> SourceConfig:
        remembered = tuple(Path(p) for p in state.get("folders", []))
        saved = (self.saved_threads,) if self.saved_threads is not None and self.saved_threads.is_dir() else ()
        merged: dict[str, Path] = {}
        for p in (*self.folders, *remembered, *folders, *saved):
            merged.setdefault(str(p.resolve()), p.resolve())
        use_all = bool(state.get("all_licenses", False)) if all_licenses is None else all_licenses
        return SourceConfig(all_licenses=use_all, folders=tuple(merged.values()))

    def load(self, config: SourceConfig) -> LoadResult:
        patterns = None if config.all_licenses else read_selection(self.selection)
        return load_all(scancode_patterns=patterns, folders=config.folders)


class ReindexObserver(Protocol):
    """Told when a reindex starts and how it ended (Slack's metrics)."""

    def started(self) -> None: ...

    def finished(self, result: Result) -> None: ...


class _Quiet:
    def started(self) -> None:
        return None

    def finished(self, result: Result) -> None:
        return None


_QUIET = _Quiet()


@dataclass
class ReindexService:
    embedder: Embedder
    store: VectorStore
    sources: Sources = field(default_factory=Sources)
    load: Callable[[SourceConfig], LoadResult] | None = None
    """Reads the documents of a source configuration (default: ``sources.load``)."""
    observer: ReindexObserver | None = None
    warm: Callable[[], object] | None = None
    """Called after a reindex that published a new index (to read it before the next question)."""
    _running: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def config(
        self, *, folders: Sequence[Path] = (), all_licenses: bool | None = None, forget_folders: bool = False
    ) -> SourceConfig:
        """What a run with these options reads, given what the store remembers."""
        state = {} if forget_folders else self.store.state()
        return self.sources.resolve(state, folders=folders, all_licenses=all_licenses)

    def documents(self, config: SourceConfig) -> LoadResult:
        return (self.load or self.sources.load)(config)

    def run(
        self,
        *,
        folders: Sequence[Path] = (),
        all_licenses: bool | None = None,
        forget_folders: bool = False,
        progress: Progress | None = None,
    ) -> IndexReport:
        """Bring the index in line with the sources. Raises ReindexInProgress at once when a
        reindex runs here or in another process sharing the store."""
        if not self._running.acquire(blocking=False):
            raise ReindexInProgress("started in this process")
        observer = self.observer or _QUIET
        observer.started()
        result: Result = "failed"
        try:
            config = self.config(folders=folders, all_licenses=all_licenses, forget_folders=forget_folders)
            loaded = self.documents(config)
            report = Indexer(self.embedder, self.store).run(
                loaded.documents,
                loaded.failures,
                extra_state=config.state(),
                first=self._first(config),
                progress=self._warming(progress),
            )
            result = "succeeded"
            if report.changed_anything and self.warm is not None:
                self.warm()
            return report
        except ReindexInProgress:
            result = "refused"
            raise
        finally:
            observer.finished(result)
            self._running.release()

    def _warming(self, progress: Progress | None) -> Progress:
        """Passes progress on; once a staged run's index is searchable, reads it (``warm``) so
        the questions asked while the rest is filled do not each pay for the first read."""

        def report(stage: str, done: int, total: int) -> None:
            if stage == "searchable" and self.warm is not None:
                self.warm()
            if progress is not None:
                progress(stage, done, total)

        return report

    def _first(self, config: SourceConfig) -> frozenset[str] | None:
        """With the whole LicenseDB, what is embedded before the index is published: what a
        default run reads (the selection, the packaged licenses, the folders). The rest follows
        while the index already answers (``Indexer``)."""
        if not config.all_licenses:
            return None
        return frozenset(d.key for d in self.documents(replace(config, all_licenses=False)).documents)

    def build_if_empty(self, *, progress: Progress | None = None) -> IndexReport | None:
        """The first use: build the default index when the store holds none (None: it does)."""
        if self.store.count():
            return None
        return self.run(forget_folders=True, progress=progress)

    def recover(self) -> tuple[str, ...]:
        """At start-up: report and remove what a crashed reindex left, unless one is running."""
        return Indexer(self.embedder, self.store).recover()
