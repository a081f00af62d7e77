"""Build the real components from Settings, once per process.

The CLI and the Slack server both start here. ``Runtime`` is the seam for tests: a subclass
that returns fakes (an in-memory store, a hashing embedder, a canned generator) runs the CLI's
commands in-process, the way click's CliRunner runs a click app.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from licensebot.answering.service import AnswerService
from licensebot.index.documents import LoadResult
from licensebot.index.embed import Embedder
from licensebot.index.embed import registry as embed_registry
from licensebot.index.reindex import ReindexObserver, ReindexService, SourceConfig, Sources
from licensebot.index.search import RetrievalConfig, Retriever
from licensebot.index.store import VectorStore
from licensebot.index.store.chroma import ChromaStore
from licensebot.llm.generate import Generator, LlamaCppGenerator, OpenAIGenerator
from licensebot.llm.guard import ModelInfo, check_model_license, check_served_model_license, default_model_path
from licensebot.settings import Settings

log = logging.getLogger("licensebot")


class Runtime:
    """The real components for one process, built from its Settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def store(self) -> VectorStore:
        if self.settings.chroma_url:
            return ChromaStore(url=self.settings.chroma_url, collection=self.settings.collection)
        return ChromaStore(path=self.settings.chroma_path, collection=self.settings.collection)

    def embedder(self, *, serving: bool = False, shipped: bool = True) -> Embedder:
        """The embedding backend the settings name (``embed.registry``); ``auto`` picks the one
        fastest for this CPU's precision.

        ``serving``: the process also answers with the local model, so embedding stays on one
        thread and leaves the other cores to it (see SentenceTransformerEmbedder). ``shipped``:
        behind the default corpus's vectors the package ships (``index.embed.shipped``)."""
        s = self.settings
        threads = 1 if serving and not s.llm_url else None
        return embed_registry.create(s.embed_backend, model_path=s.embed_model, precision=s.embed_precision,
                                     cache_dir=s.data_dir / "models", threads=threads, shipped=shipped)

    def model_info(self) -> ModelInfo:
        """The license guard, for the served or the local model; reads no weights."""
        s = self.settings
        if s.llm_url:
            return check_served_model_license(s.llm_model, declared=s.llm_license, allowlist=s.license_allowlist,
                                              url=s.llm_url)
        path = s.model_path or default_model_path()
        return check_model_license(path, allowlist=s.license_allowlist, declared=s.model_license)

    def generator(self) -> tuple[Generator, ModelInfo]:
        """The license guard runs before a single weight is loaded or a request is sent."""
        s = self.settings
        info = self.model_info()
        if info.path is None:
            return OpenAIGenerator(s.llm_url, s.llm_model, api_key=s.llm_api_key, timeout=s.llm_timeout), info
        return LlamaCppGenerator(info.path, threads=s.llm_threads, name=info.name, timeout=s.llm_timeout), info

    def sources(self) -> Sources:
        s = self.settings
        return Sources(folders=tuple(s.folders), saved_threads=s.slack_discussions_dir, selection=s.selection_path)

    def documents(self, config: SourceConfig) -> LoadResult:
        """The documents an index run with ``config`` reads (tests substitute their own)."""
        return self.sources().load(config)

    def reindexer(
        self,
        embedder: Embedder,
        store: VectorStore,
        *,
        observer: ReindexObserver | None = None,
        warm: Callable[[], object] | None = None,
    ) -> ReindexService:
        """The one reindex path (CLI, start-up, Slack command and shortcut). ``warm``: run after a
        reindex publishes, so the next question does not pay for reading the new index."""
        return ReindexService(embedder, store, self.sources(), load=self.documents, observer=observer, warm=warm)

    def service(self, embedder: Embedder, store: VectorStore, generator: Generator | None) -> AnswerService:
        s = self.settings
        config = RetrievalConfig(top_k=s.top_k, min_similarity=s.min_similarity, aliases_path=s.aliases_path,
                                 models_path=s.models_path)
        retriever = Retriever(embedder, store, config)
        return AnswerService(retriever, generator, embedder=embedder, max_quotes=s.max_quotes,
                             max_question_chars=s.max_question_chars)
