"""Build the real components from Settings, once per process.

The CLI and the Slack app both start here; tests build the same objects with fakes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.embeddings import Embedder, SentenceTransformerEmbedder
from index.indexer import Indexer, Progress
from index.models import IndexReport
from index.retrieval import RetrievalConfig, Retriever
from index.sources import load_all, read_selection
from index.store import ChromaStore, VectorStore
from plugin.answer import AnswerService
from plugin.generate import Generator, LlamaCppGenerator, OpenAIGenerator
from plugin.guard import ModelInfo, check_model_license, check_served_model_license, default_model_path
from plugin.settings import Settings


def build_store(settings: Settings) -> ChromaStore:
    if settings.chroma_url:
        return ChromaStore(url=settings.chroma_url, collection=settings.collection)
    return ChromaStore(path=settings.chroma_path, collection=settings.collection)


def build_embedder(settings: Settings, *, serving: bool = False) -> Embedder:
    """``serving``: the process also answers with the local model, so torch stays on one thread
    (see SentenceTransformerEmbedder); indexing then runs at about half speed."""
    threads = 1 if serving and not settings.llm_url else None
    return SentenceTransformerEmbedder(settings.embed_model, precision=settings.embed_precision, threads=threads)


def check_model(settings: Settings) -> ModelInfo:
    """The license guard, for the served or the local model; reads no weights."""
    if settings.llm_url:
        return check_served_model_license(
            settings.llm_model, declared=settings.llm_license, allowlist=settings.license_allowlist,
            url=settings.llm_url,
        )
    path = settings.model_path or default_model_path()
    return check_model_license(path, allowlist=settings.license_allowlist, declared=settings.model_license)


def build_generator(settings: Settings) -> tuple[Generator, ModelInfo]:
    """The license guard runs before a single weight is loaded or a request is sent."""
    info = check_model(settings)
    if info.path is None:
        generator = OpenAIGenerator(
            settings.llm_url, settings.llm_model, api_key=settings.llm_api_key, timeout=settings.llm_timeout
        )
        return generator, info
    local = LlamaCppGenerator(info.path, threads=settings.llm_threads, name=info.name, timeout=settings.llm_timeout)
    return local, info


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


def run_index(
    settings: Settings,
    embedder: Embedder,
    store: VectorStore,
    sources: SourceConfig,
    *,
    progress: Progress | None = None,
) -> IndexReport:
    patterns = None if sources.all_licenses else read_selection(settings.selection_path)
    loaded = load_all(scancode_patterns=patterns, folders=sources.folders)
    indexer = Indexer(embedder, store)
    kwargs = {"progress": progress} if progress else {}
    return indexer.run(loaded.documents, loaded.failures, extra_state=sources.state(), **kwargs)


def build_service(
    settings: Settings, embedder: Embedder, store: VectorStore, generator: Generator | None
) -> AnswerService:
    retriever = Retriever(
        embedder,
        store,
        RetrievalConfig(
            top_k=settings.top_k,
            min_similarity=settings.min_similarity,
            aliases_path=settings.aliases_path,
        ),
    )
    return AnswerService(
        retriever,
        generator,
        max_quotes=settings.max_quotes,
        max_question_chars=settings.max_question_chars,
    )
