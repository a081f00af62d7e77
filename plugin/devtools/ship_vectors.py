"""Writes the vectors the package ships for the default corpus (``licensebot.index.embed.shipped``).
Run it after changing the chunker, the default selection or the packaged licenses
(``tests/test_shipped_vectors.py`` fails until it is run):

    python -m licensebot.devtools.ship_vectors
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from licensebot.index.embed import default_model_path
from licensebot.index.embed.shipped import SHIPPED_DIR, VectorTable, fingerprint
from licensebot.index.reindex.service import SourceConfig, Sources
from licensebot.index.text import chunk_document


def default_texts() -> list[str]:
    """What a default index run embeds: the packaged selection and licenses, no folders."""
    loaded = Sources().load(SourceConfig(all_licenses=False, folders=()))
    return list(dict.fromkeys(c.search_text() for doc in loaded.documents for c in chunk_document(doc)))


def main(folder: Path = SHIPPED_DIR) -> Path:
    from licensebot.index.embed import registry

    model_path = default_model_path()
    texts = default_texts()
    with tempfile.TemporaryDirectory() as scratch:
        # The model alone: computed afresh, never copied from the table being replaced.
        embedder = registry.create("auto", model_path=model_path, precision="float32", cache_dir=Path(scratch),
                                   shipped=False)
        vectors = embedder.embed(texts)
    table = VectorTable.of(fingerprint(model_path.resolve()), texts, vectors)
    path = folder / f"{model_path.parent.name}.npz"
    for old in folder.glob("*.npz"):
        old.unlink()
    table.save(path)
    print(f"{path}: {len(table.rows)} texts, {path.stat().st_size / 1e6:.1f} MB")
    return path


if __name__ == "__main__":
    main()
    sys.exit(0)
