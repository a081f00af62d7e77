"""Build the real components from Settings, once per process.

The CLI and the Slack server both start here. ``Runtime`` is the seam for tests: a subclass
that returns fakes (an in-memory store, a hashing embedder, a canned generator) runs the CLI's
commands in-process, the way click's CliRunner runs a click app.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from licensebot.answering.service import AnswerService
from licensebot.errors import ConfigError, EmbeddingError
from licensebot.index.chroma import ChromaStore
from licensebot.index.embeddings import (
    Embedder,
    SentenceTransformerEmbedder,
    embedder_name,
    resolve_precision,
)
from licensebot.index.embeddings import default_model_path as default_embed_path
from licensebot.index.indexer import Indexer, Progress
from licensebot.index.models import IndexReport
from licensebot.index.onnx_embedding import OnnxEmbedder
from licensebot.index.retrieval import RetrievalConfig, Retriever
from licensebot.index.sources import LoadResult, load_all, read_selection
from licensebot.index.store import VectorStore
from licensebot.llm.generate import Generator, LlamaCppGenerator, OpenAIGenerator
from licensebot.llm.guard import ModelInfo, check_model_license, check_served_model_license, default_model_path
from licensebot.settings import Settings

log = logging.getLogger("licensebot")


@dataclass(frozen=True)
class SourceConfig:
    """What an index run reads: the LicenseDB selection (or all of it) plus folders.

    Folders given once with ``index --folder`` are remembered in the store's state, so
    a later plain ``licensebot index`` (or a Slack reindex) keeps them.
    """

    all_licenses: bool
    folders: tuple[Path, ...]

    @classmethod
    def resolve(
        cls,
        settings: Settings,
        state: dict[str, Any],
        *,
        folders: Sequence[Path] = (),
        all_licenses: bool | None = None,
    ) -> SourceConfig:
        remembered = tuple(Path(p) for p in state.get("folders", []))
        saved = settings.slack_discussions_dir
        from_slack = (saved,) if saved.is_dir() else ()
        merged: dict[str, Path] = {}
        for p in (*settings.folders, *remembered, *folders, *from_slack):
            merged.setdefault(str(p.resolve()), p.resolve())
        use_all = bool(state.get("all_licenses", False)) if all_licenses is None else all_licenses
        return cls(all_licenses=use_all, folders=tuple(merged.values()))

    def state(self) -> dict[str, Any]:
        return {"all_licenses": self.all_licenses, "folders": [str(p) for p in self.folders]}


class Runtime:
    """The real components for one process, built from its Settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def store(self) -> VectorStore:
        if self.settings.chroma_url:
            return ChromaStore(url=self.settings.chroma_url, collection=self.settings.collection)
        return ChromaStore(path=self.settings.chroma_path, collection=self.settings.collection)

    def embedder(self, *, serving: bool = False) -> Embedder:
        """The embedding backend for this CPU: sentence-transformers in bfloat16 where the CPU has
        native bfloat16, else ONNX Runtime in float32 (the same vectors, faster), falling back to
        sentence-transformers if the ONNX graph cannot be made or does not match it.

        ``serving``: the process also answers with the local model, so embedding stays on one
        thread and leaves the other cores to it (see SentenceTransformerEmbedder)."""
        s = self.settings
        path = s.embed_model or default_embed_path()
        precision = resolve_precision(s.embed_precision)
        threads = 1 if serving and not s.llm_url else None
        backend = s.embed_backend
        if backend == "auto":
            backend = "torch" if precision == "bfloat16" else "onnx"
        if backend == "onnx":
            if precision == "bfloat16":
                raise ConfigError("bfloat16 embeddings run on the torch backend; set LICENSEBOT_EMBED_BACKEND=torch")
            try:
                return OnnxEmbedder(path, s.data_dir / "models", name=embedder_name(path, precision),
                                    threads=threads, quantized=precision == "int8")
            except EmbeddingError as exc:
                if s.embed_backend == "onnx" or precision == "int8":
                    raise
                log.warning("ONNX Runtime embeddings unavailable (%s); using sentence-transformers", exc)
        return SentenceTransformerEmbedder(path, precision=precision, threads=threads)

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

    def sources(
        self, state: dict[str, Any], *, folders: Sequence[Path] = (), all_licenses: bool | None = None
    ) -> SourceConfig:
        return SourceConfig.resolve(self.settings, state, folders=folders, all_licenses=all_licenses)

    def documents(self, sources: SourceConfig) -> LoadResult:
        patterns = None if sources.all_licenses else read_selection(self.settings.selection_path)
        return load_all(scancode_patterns=patterns, folders=sources.folders)

    def index(
        self, embedder: Embedder, store: VectorStore, sources: SourceConfig, *, progress: Progress | None = None
    ) -> IndexReport:
        loaded = self.documents(sources)
        kwargs = {"progress": progress} if progress else {}
        return Indexer(embedder, store).run(loaded.documents, loaded.failures, extra_state=sources.state(), **kwargs)

    def service(self, embedder: Embedder, store: VectorStore, generator: Generator | None) -> AnswerService:
        s = self.settings
        config = RetrievalConfig(top_k=s.top_k, min_similarity=s.min_similarity, aliases_path=s.aliases_path)
        retriever = Retriever(embedder, store, config)
        return AnswerService(retriever, generator, max_quotes=s.max_quotes, max_question_chars=s.max_question_chars)
