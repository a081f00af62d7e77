"""The shipped vectors against the real model: what the package ships is what MiniLM computes
for those texts, and the embedder the settings build uses them."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest

from licensebot.devtools.ship_vectors import default_texts
from licensebot.index.embed import Vectors, registry
from licensebot.index.embed.shipped import WithShippedVectors, shipped_tables
from licensebot.index.embed.torch_backend import SentenceTransformerEmbedder

pytestmark = pytest.mark.integration


def test_shipped_vectors_are_the_models_own_float32_vectors() -> None:
    texts = random.Random(7).sample(default_texts(), 40)
    computed = SentenceTransformerEmbedder(precision="float32").embed(texts)
    (table,) = shipped_tables()
    shipped = WithShippedVectors(_Refuses(), table).embed(texts)
    cosines = np.sum(computed * shipped, axis=1)
    assert float(cosines.min()) > 0.9999, cosines.min()


def test_the_configured_embedder_looks_up_the_default_corpus_and_embeds_the_rest(tmp_path: Path) -> None:
    for precision in ("float32", "auto"):
        embedder = registry.create("auto", model_path=None, precision=precision, cache_dir=tmp_path)
        assert isinstance(embedder, WithShippedVectors)
        texts = [default_texts()[0], "Can we use Llama 3.1 outputs to train another model?"]
        vectors = embedder.embed(texts)
        assert embedder.looked_up == 1
        question = SentenceTransformerEmbedder(precision=precision).embed(texts[1:])[0]
        assert float(vectors[1] @ question) > 0.999
    # What the benchmark times: the model alone.
    alone = registry.create("auto", model_path=None, precision="float32", cache_dir=tmp_path, shipped=False)
    assert not isinstance(alone, WithShippedVectors)


class _Refuses:
    name, dim = "refuses", 384

    def embed(self, texts: Sequence[str], *, progress: Callable[[int], None] | None = None) -> Vectors:
        raise AssertionError("every sampled text is shipped")
