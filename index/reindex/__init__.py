"""Reindexing: ``ReindexService``, the one path every caller takes (which sources, the in-process
guard, recovery, metrics), over the ``Indexer``, which embeds what changed and publishes a
complete new index atomically under the cross-process lock."""

from licensebot.index.reindex.indexer import Indexer, Progress
from licensebot.index.reindex.service import ReindexObserver, ReindexService, SourceConfig, Sources

__all__ = ["Indexer", "Progress", "ReindexObserver", "ReindexService", "SourceConfig", "Sources"]
