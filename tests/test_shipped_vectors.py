"""The vectors the package ships for the default corpus: looked up by text, only the rest
embedded, never used for another model, and up to date with the chunker and the selection."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest

from licensebot.index.embed import Vectors, default_model_path
from licensebot.index.embed.shipped import (
    SHIPPED_DIR,
    VectorTable,
    WithShippedVectors,
    digest,
    fingerprint,
    shipped_tables,
    with_shipped,
)
from tests.fakes import HashEmbedder


class _Counting(HashEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.given: list[str] = []

    def embed(self, texts: Sequence[str], *, progress: Callable[[int], None] | None = None) -> Vectors:
        self.given.extend(texts)
        return super().embed(texts, progress=progress)


def _model(tmp_path: Path, weights: bytes) -> Path:
    folder = tmp_path / hashlib.sha1(weights).hexdigest()[:8]
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    (folder / "model.safetensors").write_bytes(weights)
    return folder


def test_a_table_reads_back_every_text_including_digests_that_end_in_zero_bytes(tmp_path: Path) -> None:
    texts = [f"clause {i}" for i in range(2000)]
    assert any(digest(t).endswith(b"\x00") for t in texts), "the case numpy's S16 dtype truncates"
    vectors = HashEmbedder().embed(texts)
    VectorTable.of("m", texts, vectors).save(tmp_path / "t.npz")
    table = VectorTable.read(tmp_path / "t.npz")
    assert len(table.rows) == len(texts) and table.model == "m"
    for text, vector in zip(texts, vectors, strict=True):
        found = table.get(text)
        assert found is not None and float(found @ vector) > 0.9999
    assert table.get("a text nobody shipped") is None


def test_only_the_texts_the_table_lacks_are_embedded_and_the_order_is_kept() -> None:
    inner = _Counting()
    shipped = ["grant of copyright license", "no warranty"]
    table = VectorTable.of("m", shipped, HashEmbedder().embed(shipped))
    embedder = WithShippedVectors(inner, table)
    texts = ["no warranty", "a new clause", "grant of copyright license", "another new one"]
    steps: list[int] = []
    vectors = embedder.embed(texts, progress=steps.append)
    assert inner.given == ["a new clause", "another new one"]
    expected = HashEmbedder().embed(texts)
    assert np.allclose(vectors, expected, atol=2e-3)
    assert sum(steps) == len(texts) and embedder.looked_up == 2
    assert embedder.name == inner.name and embedder.dim == inner.dim


def test_a_table_serves_only_the_model_that_computed_it(tmp_path: Path) -> None:
    shipped_tables.cache_clear()
    ours, other = _model(tmp_path, b"weights A"), _model(tmp_path, b"weights B")
    folder = tmp_path / "vectors"
    VectorTable.of(fingerprint(ours), ["x"], HashEmbedder().embed(["x"])).save(folder / "t.npz")
    assert isinstance(with_shipped(HashEmbedder(), ours, folder=folder), WithShippedVectors)
    assert isinstance(with_shipped(HashEmbedder(), other, folder=folder), HashEmbedder)
    (folder / "broken.npz").write_bytes(b"not a table")
    shipped_tables.cache_clear()
    assert isinstance(with_shipped(HashEmbedder(), ours, folder=folder), WithShippedVectors), "a broken file is skipped"
    assert isinstance(with_shipped(HashEmbedder(), ours, folder=tmp_path / "none"), HashEmbedder)
    assert isinstance(with_shipped(HashEmbedder(), ours, "int8", folder=folder), HashEmbedder), "int8: its own"
    (ours / "sentence_bert_config.json").write_text('{"max_seq_length": 512}')
    fingerprint.cache_clear()
    assert isinstance(with_shipped(HashEmbedder(), ours, folder=folder), HashEmbedder), "any file changes vectors"
    fingerprint.cache_clear()
    shipped_tables.cache_clear()


def test_the_package_ships_vectors_for_every_text_of_the_default_corpus() -> None:
    """Fails after a change to the chunker, the selection or the packaged licenses until
    `python -m licensebot.devtools.ship_vectors` is run (the index still works, only slower)."""
    from licensebot.devtools.ship_vectors import default_texts

    tables = shipped_tables(SHIPPED_DIR)
    assert len(tables) == 1, f"one table in {SHIPPED_DIR}"
    assert tables[0].model == fingerprint(default_model_path().resolve()), "computed by the packaged model"
    texts = default_texts()
    missing = [t[:80] for t in texts if tables[0].get(t) is None]
    assert not missing, f"{len(missing)} of {len(texts)} texts have no shipped vector: run ship_vectors"
    assert len(tables[0].rows) == len(texts), "nothing shipped that the default corpus does not embed"


def test_the_digest_is_stable_across_processes() -> None:
    # A table written by one process is read by another: the key must not depend on hash seeds.
    assert digest("Apache License 2.0\n4. Redistribution.").hex() == hashlib.sha256(
        b"Apache License 2.0\n4. Redistribution.").digest()[:16].hex()
    assert len({digest(str(i)) for i in range(1000)}) == 1000


@pytest.mark.parametrize("n", [0, 1])
def test_an_empty_or_single_call_works(n: int) -> None:
    table = VectorTable.of("m", ["a"], HashEmbedder().embed(["a"]))
    texts = ["a clause nobody shipped"] * n
    assert WithShippedVectors(HashEmbedder(), table).embed(texts).shape == (n, HashEmbedder().dim)


def test_a_default_index_run_embeds_nothing_the_package_ships() -> None:
    """Tied to the indexer itself, not to the script that wrote the table."""
    from licensebot.index.reindex import ReindexService
    from tests.fakes import MemoryStore

    class Sized(_Counting):
        dim = 384

    (table,) = shipped_tables(SHIPPED_DIR)
    inner = Sized()
    report = ReindexService(WithShippedVectors(inner, table), MemoryStore()).run(forget_folders=True)
    assert report.chunks_embedded > 2000 and inner.given == []
