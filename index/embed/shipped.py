"""Vectors that ship with the package for the default corpus, so a first index embeds only what
the package does not already hold (an admin's folders, a newer chunker's texts, other licenses).

A table (``index/data/vectors/*.npz``) maps the SHA-256 of each text the indexer embeds to its
float32 vector, stored as float16 (dot products move by about 1e-5, less than bfloat16
rounding). It records the fingerprint of the model that computed it (every file of the model
folder) and serves only that model. The float32 vectors serve float32 and bfloat16 indexes (in
a bfloat16 one they are the closer to exact ones, so such an index mixes the two precisions);
int8 is left alone. A text the table lacks is embedded as before; a table that cannot be read
is ignored (logged), never an error. ``licensebot.devtools.ship_vectors`` writes it.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from licensebot.index.embed.base import Embedder, Vectors

log = logging.getLogger("licensebot.index")

SHIPPED_DIR = Path(__file__).resolve().parent.parent / "data" / "vectors"


def digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()[:16]


@cache
def fingerprint(model_path: Path) -> str:
    """The SHA-256 of the files of a model folder (weights, tokenizer, pooling and sequence
    length settings: all of them shape the vectors; hidden files and notes left out); 0.1 s for
    MiniLM."""
    h = hashlib.sha256()
    files = (p for p in model_path.rglob("*") if p.is_file() and p.suffix != ".md"
             and not any(part.startswith(".") for part in p.relative_to(model_path).parts))
    for path in sorted(files):
        h.update(path.relative_to(model_path).as_posix().encode() + b"\0")
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


@dataclass(frozen=True, eq=False)
class VectorTable:
    model: str
    """The fingerprint of the model that computed the vectors."""
    rows: dict[bytes, int]
    vectors: np.ndarray
    """float16, one row per text, L2-normalised before rounding."""

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    def get(self, text: str) -> Vectors | None:
        row = self.rows.get(digest(text))
        if row is None:
            return None
        vector: Vectors = self.vectors[row].astype(np.float32)
        return vector / np.float32(max(float(np.linalg.norm(vector)), 1e-12))

    def save(self, path: Path) -> None:
        # Raw bytes, not numpy's "S16", which drops a digest's trailing zero bytes.
        ordered = [key for key, _ in sorted(self.rows.items(), key=lambda item: item[1])]
        keys = np.frombuffer(b"".join(ordered), dtype=np.uint8).reshape(-1, 16)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as f:
            np.savez_compressed(f, model=np.array(self.model), keys=keys, vectors=self.vectors)

    @classmethod
    def of(cls, model: str, texts: Sequence[str], vectors: Vectors) -> VectorTable:
        rows: dict[bytes, int] = {}
        kept: list[int] = []
        for i, text in enumerate(texts):
            key = digest(text)
            if key not in rows:
                rows[key] = len(kept)
                kept.append(i)
        return cls(model, rows, np.asarray(vectors, dtype=np.float32)[kept].astype(np.float16))

    @classmethod
    def read(cls, path: Path) -> VectorTable:
        with np.load(path, allow_pickle=False) as data:
            keys, vectors = data["keys"], data["vectors"]
            model = str(data["model"])
        if vectors.ndim != 2 or keys.shape != (len(vectors), 16):
            raise ValueError(f"keys of shape {keys.shape} for vectors of shape {vectors.shape}")
        return cls(model, {k.tobytes(): i for i, k in enumerate(keys)}, vectors)


@cache
def shipped_tables(folder: Path = SHIPPED_DIR) -> tuple[VectorTable, ...]:
    """The tables the package ships (a file that cannot be read is skipped, logged)."""
    out = []
    for path in sorted(folder.glob("*.npz")) if folder.is_dir() else ():
        try:
            out.append(VectorTable.read(path))
        except (OSError, ValueError, KeyError) as exc:
            log.warning("ignoring the shipped vectors %s: %s", path, exc)
    return tuple(out)


class WithShippedVectors:
    """An ``Embedder`` that takes the vectors the package ships and embeds only the rest."""

    def __init__(self, inner: Embedder, table: VectorTable) -> None:
        self.inner = inner
        self.table = table
        self.name = inner.name
        self.dim = inner.dim
        self.looked_up = 0
        """Texts answered from the table so far (``licensebot bench`` reports it)."""

    def embed(self, texts: Sequence[str], *, progress: Callable[[int], None] | None = None) -> Vectors:
        found = [self.table.get(t) for t in texts]
        missing = [i for i, v in enumerate(found) if v is None]
        self.looked_up += len(texts) - len(missing)
        if progress is not None and len(missing) < len(texts):
            progress(len(texts) - len(missing))
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        if missing:
            out[missing] = self.inner.embed([texts[i] for i in missing], progress=progress)
        for i, vector in enumerate(found):
            if vector is not None:
                out[i] = vector
        return out


def with_shipped(
    embedder: Embedder, model_path: Path, precision: str = "float32", folder: Path = SHIPPED_DIR
) -> Embedder:
    """``embedder`` behind the package's table for the model at ``model_path``, if it has one.
    Not for int8: its vectors are too far from float32 (cosine 0.985 at worst) to share an
    index with them."""
    tables = [t for t in shipped_tables(folder) if t.dim == embedder.dim]
    if not tables or precision == "int8":
        return embedder
    try:
        model = fingerprint(model_path.resolve())
    except OSError as exc:
        log.warning("not using the shipped vectors: the model folder %s cannot be read (%s)", model_path, exc)
        return embedder
    for table in tables:
        if table.model == model:
            return WithShippedVectors(embedder, table)
    return embedder
