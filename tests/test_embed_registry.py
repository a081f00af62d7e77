"""Embedding backends come from one registry: adding one is a module with PRECISIONS and create()
and one line in BACKENDS; `auto` picks by precision and falls back when a backend cannot start."""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest

from licensebot.errors import ConfigError, EmbeddingError
from licensebot.index.embed import registry
from licensebot.index.embed.base import EmbedConfig, Vectors


class _Tiny:
    name = "tiny"
    dim = 2

    def __init__(self, config: EmbedConfig) -> None:
        self.config = config

    def embed(self, texts: Sequence[str], *, progress: Callable[[int], None] | None = None) -> Vectors:
        out: Vectors = np.full((len(texts), 2), 1 / np.sqrt(2), dtype=np.float32)
        return out


def _module(name: str, precisions: dict[str, int], create: Callable[[EmbedConfig], object]) -> str:
    module = types.ModuleType(name)
    module.PRECISIONS = precisions  # type: ignore[attr-defined]
    module.create = create  # type: ignore[attr-defined]
    sys.modules[name] = module
    return name


def test_a_new_backend_is_one_module_and_one_registration(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = _module("tests._tiny_backend", {"float32": 9}, _Tiny)
    monkeypatch.setattr(registry, "BACKENDS", {**registry.BACKENDS, "tiny": path})
    assert "tiny" in registry.backend_names()
    made = registry.create("tiny", model_path=tmp_path, precision="float32", cache_dir=tmp_path)
    assert isinstance(made, _Tiny) and made.embed(["a"]).shape == (1, 2)
    # `auto` prefers it for float32 (priority 9 beats the others).
    assert registry.candidates("auto", "float32")[0].name == "tiny"


def test_auto_falls_back_when_a_backend_cannot_start(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def broken(config: EmbedConfig) -> object:
        raise EmbeddingError("graph disagrees")

    monkeypatch.setattr(registry, "BACKENDS", {"broken": _module("tests._broken", {"float32": 5}, broken),
                                               "tiny": _module("tests._tiny2", {"float32": 1}, _Tiny)})
    assert isinstance(registry.create("auto", model_path=tmp_path, precision="float32", cache_dir=tmp_path), _Tiny)
    with pytest.raises(EmbeddingError):
        registry.create("broken", model_path=tmp_path, precision="float32", cache_dir=tmp_path)


def test_a_precision_a_backend_cannot_compute_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="bfloat16 embeddings run on the torch backend"):
        registry.candidates("onnx", "bfloat16")
    with pytest.raises(ConfigError, match="unknown embedding backend"):
        registry.candidates("gpu", "float32")
