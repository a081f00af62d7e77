"""Search: one question against one index generation.

``Retriever.snapshot()`` reads the active index once (``Snapshot``: keyword index, names,
per-document chunks, catalog); ``Retriever.query()`` reads the question once (``Query``: names,
terms, expansion); ``Retriever.search()`` fuses vector and keyword search within the scope the
names give (``scope``) and ranks (``ranking``).
"""

from licensebot.index.search.aliases import Aliases, load_aliases
from licensebot.index.search.keyword import BM25Index, normalize_quote, tokenize
from licensebot.index.search.match import Mention, NameMatch, Unknown
from licensebot.index.search.names import NameIndex
from licensebot.index.search.query import Query
from licensebot.index.search.rerank import Terms
from licensebot.index.search.retrieval import Retrieval, RetrievalConfig, Retriever
from licensebot.index.search.snapshot import Derived, Snapshot

__all__ = [
    "Aliases", "BM25Index", "Derived", "Mention", "NameIndex", "NameMatch", "Query", "Retrieval", "RetrievalConfig",
    "Retriever", "Snapshot", "Terms", "Unknown", "load_aliases", "normalize_quote", "tokenize",
]
