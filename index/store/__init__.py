"""Storage: the vector store protocol (``VectorStore``, ``ServingIndex``, ``IndexBuild``), the
control records processes coordinate through (the reindex lock, Slack event claims) and the
inventory of what is indexed. The implementation is Chroma, embedded or as a server
(``store.chroma.ChromaStore``, imported from there: chromadb takes seconds to import)."""

from licensebot.index.store.control import Control, Holder, ReindexLock, instance_id
from licensebot.index.store.inventory import IndexedDocument, Inventory
from licensebot.index.store.protocol import IndexBuild, ServingIndex, VectorStore

__all__ = [
    "Control", "Holder", "IndexBuild", "IndexedDocument", "Inventory", "ReindexLock", "ServingIndex",
    "VectorStore", "instance_id",
]
