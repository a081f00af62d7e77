"""Sentence embeddings: the ``Embedder`` protocol and the backends behind it.

``registry.create`` builds the backend the settings name (``auto``: the fastest for this CPU's
precision); each backend is one module (``torch_backend``, ``onnx_backend``) imported only when
used.
"""

from licensebot.index.embed.base import (
    EmbedConfig,
    Embedder,
    Precision,
    Vectors,
    available_cores,
    cpu_has_bf16,
    default_model_path,
    embedder_name,
    resolve_precision,
)
from licensebot.index.embed.registry import BACKENDS, backend_names, create

__all__ = [
    "BACKENDS", "EmbedConfig", "Embedder", "Precision", "Vectors", "available_cores", "backend_names",
    "cpu_has_bf16", "create", "default_model_path", "embedder_name", "resolve_precision",
]
