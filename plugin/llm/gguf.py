"""Read the key/value metadata at the head of a GGUF file, without loading the model.

The license guard needs ``general.license`` before any weights are mapped; the format is
simple enough that a reader beats a dependency.
Spec: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any, BinaryIO

from licensebot.errors import GGUFError

MAGIC = b"GGUF"
# value type id -> struct format (scalars)
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
_STRING = 8
_ARRAY = 9


def _read(f: BinaryIO, n: int) -> bytes:
    data = f.read(n)
    if len(data) != n:
        raise GGUFError("file ends inside the GGUF header")
    return data


def _string(f: BinaryIO) -> str:
    (length,) = struct.unpack("<Q", _read(f, 8))
    if length > 1 << 24:
        raise GGUFError("implausible string length in GGUF header")
    return _read(f, length).decode("utf-8", "replace")


def _value(f: BinaryIO, vtype: int, keep: bool) -> Any:
    if vtype in _SCALARS:
        fmt = _SCALARS[vtype]
        return struct.unpack(fmt, _read(f, struct.calcsize(fmt)))[0]
    if vtype == _STRING:
        return _string(f)
    if vtype == _ARRAY:
        (itype,) = struct.unpack("<I", _read(f, 4))
        (count,) = struct.unpack("<Q", _read(f, 8))
        if itype in _SCALARS and not keep:
            f.seek(struct.calcsize(_SCALARS[itype]) * count, 1)
            return None
        items = [_value(f, itype, keep) for _ in range(count)]
        return items if keep else None
    raise GGUFError(f"unknown GGUF value type {vtype}")


def read_metadata(path: Path, *, keep_arrays: bool = False) -> dict[str, Any]:
    """All metadata keys; arrays (the tokenizer's vocabulary) are skipped unless asked for."""
    try:
        with open(path, "rb") as f:
            if _read(f, 4) != MAGIC:
                raise GGUFError(f"{path} is not a GGUF file")
            (version,) = struct.unpack("<I", _read(f, 4))
            if version == 1:
                _, kv_count = struct.unpack("<II", _read(f, 8))
            else:
                _, kv_count = struct.unpack("<QQ", _read(f, 16))
            meta: dict[str, Any] = {}
            for _ in range(kv_count):
                key = _string(f)
                (vtype,) = struct.unpack("<I", _read(f, 4))
                meta[key] = _value(f, vtype, keep_arrays)
            return meta
    except OSError as exc:
        raise GGUFError(f"cannot read {path}: {exc.strerror or exc}") from exc
