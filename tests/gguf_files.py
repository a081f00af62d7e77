"""Small GGUF files for the license guard's tests: a header with metadata and no tensors."""

from __future__ import annotations

import struct
from pathlib import Path

from licensebot.llm.gguf import MAGIC

_UINT32 = 4
_STRING = 8


def write_header(path: Path, metadata: dict[str, str | int]) -> None:
    """Write a GGUF v3 file with only metadata (no tensors). Used by tests and tooling."""
    with open(path, "wb") as f:
        f.write(MAGIC)
        f.write(struct.pack("<IQQ", 3, 0, len(metadata)))
        for key, value in metadata.items():
            raw_key = key.encode("utf-8")
            f.write(struct.pack("<Q", len(raw_key)) + raw_key)
            if isinstance(value, int):
                f.write(struct.pack("<I", _UINT32) + struct.pack("<I", value))
            else:
                raw = str(value).encode("utf-8")
                f.write(struct.pack("<I", _STRING) + struct.pack("<Q", len(raw)) + raw)
