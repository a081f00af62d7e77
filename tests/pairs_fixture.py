"""An index of the texts tests/data/pairs.jsonl names, with the hashing embedder (built once)."""

from __future__ import annotations

from functools import cache

from licensebot.index.documents import Document
from licensebot.index.reindex import Indexer
from licensebot.index.search import RetrievalConfig, Retriever
from licensebot.index.sources import load_packaged
from tests.conftest import licensedb_docs
from tests.fakes import HashEmbedder, MemoryStore

PAIR_KEYS = [
    "apache-2.0", "mit", "bsd-new", "bsd-simplified", "isc", "zlib", "bsd-zero", "unlicense", "mpl-2.0", "epl-2.0",
    "eupl-1.2", "lgpl-2.1", "lgpl-3.0", "gpl-2.0", "gpl-3.0", "agpl-3.0", "artistic-2.0", "python", "postgresql",
    "llama-2-license-2023", "llama-3.1-license-2024", "llama-3.2-license-2024", "llama-3.3-license-2024",
    "llama-4-license-2025", "gemma-tou-2025-03-24", "qwen-2024", "moonshot-ai-modified-mit-2025",
]
PACKAGED = ("meta-llama-3-license-2024", "mistral-ai-non-production-license")


@cache
def pair_documents() -> tuple[Document, ...]:
    packaged = [d for d in load_packaged().documents if d.key in PACKAGED]
    return (*licensedb_docs(PAIR_KEYS), *packaged)


@cache
def pair_retriever() -> Retriever:
    embedder = HashEmbedder()
    store = MemoryStore()
    Indexer(embedder, store).run(list(pair_documents()))
    return Retriever(embedder, store, RetrievalConfig(min_similarity=0.45, min_similarity_named=0.1))
