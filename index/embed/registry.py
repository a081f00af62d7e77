"""Embedding backends by name. Adding one is a new module with ``PRECISIONS`` and ``create`` (see
``torch_backend``) and one line in ``BACKENDS``; settings, the runtime and ``licensebot bench``
read the names from here."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from licensebot.errors import ConfigError, EmbeddingError
from licensebot.index.embed.base import EmbedConfig, Embedder, Precision, default_model_path, resolve_precision
from licensebot.index.embed.shipped import with_shipped

log = logging.getLogger("licensebot.index")

BACKENDS: Mapping[str, str] = {
    "torch": "licensebot.index.embed.torch_backend",
    "onnx": "licensebot.index.embed.onnx_backend",
}
"""Backend name -> the module that implements it (imported only when used: torch is heavy)."""
AUTO = "auto"


@dataclass(frozen=True)
class Backend:
    name: str
    precisions: Mapping[Precision, int]
    create: Callable[[EmbedConfig], Embedder]


def backend_names() -> tuple[str, ...]:
    return (AUTO, *BACKENDS)


def backend(name: str) -> Backend:
    if name not in BACKENDS:
        raise ConfigError(f"unknown embedding backend {name!r}; choose one of {', '.join(backend_names())}")
    module = importlib.import_module(BACKENDS[name])
    return Backend(name, cast(Mapping[Precision, int], module.PRECISIONS),
                   cast(Callable[[EmbedConfig], Embedder], module.create))


def candidates(name: str, precision: Precision) -> list[Backend]:
    """The backends to try, in order: the one named, or for ``auto`` every backend that computes in
    ``precision``, the one it prefers there first."""
    if name != AUTO:
        chosen = backend(name)
        if precision not in chosen.precisions:
            others = [b for b in BACKENDS if precision in backend(b).precisions]
            raise ConfigError(f"{precision} embeddings run on the {' or '.join(others)} backend; "
                              f"set LICENSEBOT_EMBED_BACKEND={others[0] if others else AUTO}")
        return [chosen]
    found = [backend(b) for b in BACKENDS]
    return sorted((b for b in found if precision in b.precisions), key=lambda b: -b.precisions[precision])


def create(
    name: str, *, model_path: Path | None, precision: str, cache_dir: Path, threads: int | None = None,
    shipped: bool = True,
) -> Embedder:
    """The embedder for these settings, behind the vectors the package ships for its model
    (``shipped``). With ``auto``, a backend that cannot start (an ONNX graph that cannot be
    made or does not match the reference) gives way to the next one. ``shipped=False``: the
    model alone (what the benchmark times)."""
    config = EmbedConfig(model_path or default_model_path(), resolve_precision(precision), cache_dir, threads)
    tried = candidates(name, config.precision)
    if not tried:
        raise ConfigError(f"no embedding backend computes in {config.precision}")
    for i, chosen in enumerate(tried):
        try:
            made = chosen.create(config)
            return with_shipped(made, config.model_path, config.precision) if shipped else made
        except EmbeddingError as exc:
            if i == len(tried) - 1:
                raise
            log.warning("%s embeddings unavailable (%s); using %s", chosen.name, exc, tried[i + 1].name)
    raise AssertionError("unreachable")
