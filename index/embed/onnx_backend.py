"""The embedding model through ONNX Runtime: the same vectors as sentence-transformers, faster.

On CPUs without native bfloat16 (most AMD EPYC and older Xeons), MiniLM in float32 is compute
bound, and ONNX Runtime's kernels got 1.2-1.6x more tokens per second than torch here at the
same batch shapes, with cosine similarity to the torch vectors of 0.9999998 or more. The graph
is exported locally, at first use, from the packaged model (torch and onnx are only needed for
that step) and cached in the data folder; nothing is downloaded. After the export a reference
check compares a few vectors with sentence-transformers, and a graph that disagrees is never
used: the caller falls back to sentence-transformers, the reference implementation.

Batching is padding-aware: all texts are tokenized in one call, sorted by length and cut into
batches of about ``TOKEN_BUDGET`` padded tokens, so short clauses are not padded to long ones.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from licensebot.errors import EmbeddingError
from licensebot.index.embed.base import EmbedConfig, Precision, Vectors, available_cores
from licensebot.index.embed.tokens import load_tokenizer, max_tokens
from licensebot.index.embed.torch_backend import SentenceTransformerEmbedder

log = logging.getLogger("licensebot.index")

EXPORT_VERSION = "1"
"""Part of the cache key: bump when the exported graph changes."""
TOKEN_BUDGET = 768
"""Padded tokens per batch; 512-1024 were fastest here (2 threads)."""
MAX_BATCH = 64
_REFERENCE_TEXTS = (
    "You will not use the Llama Materials to improve any other large language model.",
    "THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND.",
    "short",
)
MIN_REFERENCE_COSINE = 0.9999
PRECISIONS: dict[Precision, int] = {"float32": 2, "int8": 1}
"""What this backend computes in, and how much ``auto`` prefers it there (higher first)."""


def create(config: EmbedConfig) -> OnnxEmbedder:
    return OnnxEmbedder(config.model_path, config.cache_dir, name=config.name, threads=config.threads,
                        quantized=config.precision == "int8")


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise EmbeddingError(f"cannot read {path}: {exc}") from exc


def check_supported(model_path: Path) -> int:
    """The model's max sequence length, if it is a plain transformer + mean pooling (+ normalize)
    sentence-transformers folder, which is what the exported graph computes; else EmbeddingError."""
    modules = _read_json(model_path / "modules.json")
    kinds = [str(m.get("type", "")).rsplit(".", 1)[-1] for m in modules]
    if kinds not in (["Transformer", "Pooling", "Normalize"], ["Transformer", "Pooling"]):
        raise EmbeddingError(f"the ONNX path supports Transformer + Pooling (+ Normalize) models, not {kinds}")
    pooling_dir = next(m["path"] for m in modules if str(m.get("type", "")).endswith("Pooling"))
    pooling = _read_json(model_path / pooling_dir / "config.json")
    others = ("pooling_mode_cls_token", "pooling_mode_max_tokens", "pooling_mode_mean_sqrt_len_tokens")
    if not pooling.get("pooling_mode_mean_tokens") or any(pooling.get(k) for k in others):
        raise EmbeddingError("the ONNX path supports mean pooling only")
    return max_tokens(model_path)


def _fingerprint(model_path: Path, quantized: bool) -> str:
    digest = hashlib.sha256(f"{EXPORT_VERSION}:{quantized}".encode())
    for name in sorted(os.listdir(model_path)):
        path = model_path / name
        if path.is_file():
            stat = path.stat()
            digest.update(f"{name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def _export(model_path: Path, target: Path, threads: int | None) -> None:
    """Write the transformer as an ONNX graph (inputs ids/mask/types, output token states)."""
    try:
        import torch
        from transformers import AutoModel

        if threads is not None:
            torch.set_num_threads(threads)  # see SentenceTransformerEmbedder: serving stays on one

        # The eager attention graph is the one ONNX Runtime runs fastest here.
        model = AutoModel.from_pretrained(str(model_path), local_files_only=True, attn_implementation="eager").eval()
    except Exception as exc:  # transformers raises many types for a folder it cannot load
        raise EmbeddingError(f"cannot load {model_path} to export it: {exc}") from exc

    class TokenStates(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.inner(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state

    sample = torch.ones((2, 8), dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    try:
        with torch.inference_mode():
            torch.onnx.export(
                TokenStates(model), (sample, sample, torch.zeros_like(sample)), str(tmp),
                input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["token_states"],
                dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes, "token_states": axes},
                opset_version=17, dynamo=False,
            )
        os.replace(tmp, target)  # atomic: another process never reads half a graph
    except Exception as exc:
        tmp.unlink(missing_ok=True)
        raise EmbeddingError(f"exporting {model_path.name} to ONNX failed: {exc}") from exc


def _quantize(source: Path, target: Path) -> None:
    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        quantize_dynamic(str(source), str(tmp), per_channel=True, weight_type=QuantType.QInt8)
        os.replace(tmp, target)
    except Exception as exc:
        raise EmbeddingError(f"quantizing the ONNX graph failed: {exc}") from exc


def graph_path(
    model_path: Path, cache_dir: Path, *, quantized: bool = False, threads: int | None = None
) -> tuple[Path, bool]:
    """The cached graph for this model folder, exported (and quantized) first if needed; and
    whether it was just made."""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise EmbeddingError(f"cannot create the model cache {cache_dir}: {exc}") from exc
    name = f"{model_path.name}-{_fingerprint(model_path, quantized)}{'-int8' if quantized else ''}.onnx"
    target = cache_dir / name
    if target.is_file():
        return target, False
    if quantized:
        _quantize(graph_path(model_path, cache_dir, threads=threads)[0], target)
    else:
        log.info("exporting %s to ONNX once (cached in %s)", model_path.name, cache_dir)
        _export(model_path, target, threads)
    return target, True


class OnnxEmbedder:
    """Mean-pooled, L2-normalised sentence embeddings computed by ONNX Runtime."""

    def __init__(
        self,
        model_path: Path,
        cache_dir: Path,
        *,
        name: str,
        threads: int | None = None,
        quantized: bool = False,
    ) -> None:
        """``threads``: ONNX Runtime's threads (default: every core available to the process).
        A graph just exported must reproduce sentence-transformers' vectors, or it is deleted
        and EmbeddingError is raised (the caller then uses sentence-transformers)."""
        try:
            import onnxruntime as ort
        except ImportError as exc:
            raise EmbeddingError(f"the ONNX path needs onnxruntime: {exc}") from exc
        self.name = name
        self.dim = 0
        check_supported(model_path)
        path, fresh = graph_path(model_path, cache_dir, quantized=quantized, threads=threads)
        self.threads = threads or available_cores()
        options = ort.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        try:
            self._session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # a truncated cache file
            path.unlink(missing_ok=True)
            raise EmbeddingError(f"cannot load the ONNX graph {path.name}: {exc}") from exc
        # sentence-transformers truncates at the model's max_seq_length and pads per batch.
        self._tokenizer = load_tokenizer(model_path)
        self._lock = threading.Lock()
        self.dim = int(self.embed(["probe"]).shape[1])
        if fresh and not quantized:
            reference = SentenceTransformerEmbedder(model_path, precision="float32", threads=threads)
            ours, theirs = self.embed(_REFERENCE_TEXTS), reference.embed(_REFERENCE_TEXTS)
            worst = float(np.min(np.sum(ours * theirs, axis=1)))
            if worst < MIN_REFERENCE_COSINE:
                path.unlink(missing_ok=True)
                raise EmbeddingError(f"the ONNX graph disagrees with sentence-transformers (cosine {worst:.6f})")

    def embed(self, texts: Sequence[str], *, progress: Callable[[int], None] | None = None) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        encoded = self._tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encoded[i].ids))
        out: Vectors | None = None
        start = 0
        while start < len(order):
            end, longest = start, 0
            while end < len(order) and end - start < MAX_BATCH:
                longest_if = max(longest, len(encoded[order[end]].ids))
                if end > start and (end - start + 1) * longest_if > TOKEN_BUDGET:
                    break
                longest, end = longest_if, end + 1
            batch = order[start:end]
            ids = np.zeros((len(batch), longest), dtype=np.int64)
            mask = np.zeros_like(ids)
            for row, i in enumerate(batch):
                tokens = encoded[i].ids
                ids[row, : len(tokens)] = tokens
                mask[row, : len(tokens)] = 1
            vectors = self._run(ids, mask)
            if out is None:
                out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
            out[batch] = vectors
            if progress is not None:
                progress(len(batch))
            start = end
        assert out is not None
        return out

    def _run(self, ids: np.ndarray[Any, Any], mask: np.ndarray[Any, Any]) -> Vectors:
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        try:
            with self._lock:
                (states,) = self._session.run(None, feeds)
        except Exception as exc:
            raise EmbeddingError(f"embedding failed: {exc}") from exc
        weights = mask[:, :, None].astype(np.float32)
        pooled: Vectors = (np.asarray(states, dtype=np.float32) * weights).sum(axis=1) / np.maximum(
            weights.sum(axis=1), 1e-9
        )
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        normalised: Vectors = (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
        return normalised
