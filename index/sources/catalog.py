"""Every license the bot can recognise by name, whether or not it is indexed.

The ScanCode LicenseDB describes 2,615 licenses in the front matter of its ``*.LICENSE`` files
(key, name, short name, SPDX ids); indexed folders add their documents. A question about the Vim
license must be told "not in the index", not answered from whatever the index holds that looks
similar, and for that the bot must know that "Vim" is a license at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from licensebot.index.documents import Document

_FIELD = re.compile(r"^([a-z_]+):\s*(.*)$")
_MODEL_PAGE = re.compile(r"^https?://huggingface\.co/(?!datasets/|spaces/)[\w.-]+/[\w.-]+")
_ITEM = re.compile(r"^\s+-\s+(.*)$")


@dataclass(frozen=True)
class Entry:
    key: str
    name: str
    short_name: str = ""
    spdx: tuple[str, ...] = ()
    """The SPDX id and the other SPDX keys ScanCode lists (LicenseRef-... ids left out)."""
    replaced_by: tuple[str, ...] = ()
    """For a deprecated key, the keys that replace it."""
    model_urls: tuple[str, ...] = ()
    """Model hub pages the LicenseDB gives for this license (its homepage or other URLs): each
    names a model the license covers ("huggingface.co/stabilityai/stablelm-2-12b-chat")."""
    rider: bool = False
    """An exception or added condition applied on top of a base license ("Commons Clause",
    "Classpath exception 2.0"): LicenseDB's ``is_exception``, unless the entry is the base and
    its rider in one text ("GPL 2.0 with classpath exception")."""

    def describe(self) -> str:
        """"VIM License (vim)"."""
        return f"{self.name} ({self.key})" if self.name and self.name != self.key else self.key


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    return value


def read_front_matter(path: Path) -> dict[str, str | list[str]]:
    """The simple ``key: value`` and ``key:\\n    - item`` fields at the head of a LicenseDB file.

    A line parser, not YAML: the catalog reads 2,615 heads at start-up (0.2 s this way)."""
    fields: dict[str, str | list[str]] = {}
    current = ""
    try:
        with path.open(encoding="utf-8", errors="replace") as f:
            if not f.readline().startswith("---"):
                return fields
            for line in f:
                if line.startswith("---"):
                    break
                m = _FIELD.match(line)
                if m:
                    current = m.group(1)
                    fields[current] = _unquote(m.group(2)) if m.group(2) else []
                    continue
                item = _ITEM.match(line)
                if item and isinstance(fields.get(current), list):
                    fields[current].append(_unquote(item.group(1)))  # type: ignore[union-attr]
    except OSError:
        return {}
    return fields


def _text(value: str | list[str] | None) -> str:
    return value if isinstance(value, str) else ""


def _items(value: str | list[str] | None) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(value)
    return (value,) if value else ()


@cache
def licensedb_entries(folder: Path) -> tuple[Entry, ...]:
    """Every LicenseDB license but the generic and unknown placeholders, read once per process."""
    out: list[Entry] = []
    for path in sorted(folder.glob("*.LICENSE")):
        f = read_front_matter(path)
        if _text(f.get("is_generic")) == "yes" or _text(f.get("is_unknown")) == "yes":
            continue
        spdx = tuple(
            s for s in (_text(f.get("spdx_license_key")), *_items(f.get("other_spdx_license_keys")))
            if s and not s.startswith("LicenseRef-")
        )
        out.append(Entry(
            key=_text(f.get("key")) or path.stem,
            name=_text(f.get("name")),
            short_name=_text(f.get("short_name")),
            spdx=spdx,
            replaced_by=_items(f.get("replaced_by")) if _text(f.get("is_deprecated")) == "yes" else (),
            model_urls=tuple(u for u in (_text(f.get("homepage_url")), *_items(f.get("other_urls")))
                             if _MODEL_PAGE.match(u)),
            # "GPL 2.0 with classpath exception" is a whole license that includes its rider.
            rider=_text(f.get("is_exception")) == "yes" and " with " not in _text(f.get("name")).lower(),
        ))
    return tuple(out)


class Catalog:
    """License entries by key: the LicenseDB's, overridden by indexed documents of the same key."""

    def __init__(self, entries: Iterable[Entry], licensedb_keys: Iterable[str] = ()) -> None:
        self.entries: dict[str, Entry] = {}
        for entry in entries:
            self.entries[entry.key] = entry
        self.licensedb_keys = frozenset(licensedb_keys)
        """The keys that come from the ScanCode LicenseDB (an admin can add them by key)."""

    @classmethod
    def build(cls, licensedb: Path | None, documents: Iterable[Document | tuple[str, str]] = ()) -> Catalog:
        """``documents``: indexed documents, or (key, title) pairs of indexed chunks."""
        entries = list(licensedb_entries(licensedb)) if licensedb is not None else []
        known = {e.key: e for e in entries}
        for doc in documents:
            key, title = (doc.key, doc.title) if isinstance(doc, Document) else doc
            base = known.get(key)
            spdx = (doc.spdx,) if isinstance(doc, Document) and doc.spdx else ()
            short = doc.short_name if isinstance(doc, Document) else ""
            if base is None:
                entries.append(Entry(key=key, name=title, short_name=short, spdx=spdx))
            elif title and title != base.name:
                entries.append(replace(base, name=title, short_name=base.short_name or short, spdx=base.spdx or spdx))
        return cls(entries, known)

    def __contains__(self, key: object) -> bool:
        return key in self.entries

    def get(self, key: str) -> Entry | None:
        return self.entries.get(key)

    def describe(self, key: str) -> str:
        entry = self.entries.get(key)
        return entry.describe() if entry else key
