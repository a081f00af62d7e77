"""Curated license names (``data/aliases.yaml``): abbreviations and families the LicenseDB's own
names and SPDX ids miss ("MNPL", "GPLv3", "Gemma"). Models and products are in
``data/models.yaml`` (``sources.models``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from licensebot.index.sources.datafiles import read_yaml


@dataclass(frozen=True)
class Aliases:
    """Curated license names: abbreviations and families ("MNPL", "GPLv3", "Gemma"), each phrase
    -> key patterns. Models and products are in ``data/models.yaml`` (``sources.models``)."""

    licenses: dict[str, list[str]] = field(default_factory=dict)

    def items(self) -> Iterable[tuple[str, list[str]]]:
        yield from self.licenses.items()


def load_aliases(path: Path | None = None) -> Aliases:
    """The curated names, from the packaged file or an admin's copy."""
    data = read_yaml("aliases.yaml", path) or {}
    out = Aliases()
    for phrase, keys in (data.get("licenses") or {}).items():
        if isinstance(keys, str):
            keys = [keys]
        out.licenses.setdefault(str(phrase), []).extend(str(k) for k in keys or [])
    return out
