"""Models and products mapped to the license that covers them (``data/models.yaml``).

Staff name what they want to use ("Kimi K2", "meta-llama/Llama-3.1-8B-Instruct", "SD 3.5",
"Elasticsearch 7.10"), not its license. Each entry maps the ways a model or product is written to
its license's document key, with the source of that claim; a product whose license changed has one
entry per period (``versions``, ``since``, ``until``). An entry whose license the LicenseDB lacks
has ``license: null`` and the license's name, so the answer can say which license is missing.
Admins may replace the file (``LICENSEBOT_MODELS``).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from licensebot.errors import SourceError
from licensebot.index.sources.datafiles import read_yaml
from licensebot.index.text.name_forms import VERSION, canonical_version

Kind = Literal["model", "product"]
_RANGE = re.compile(
    r"^(?P<lo>\d+(?:\.\d+)*)(?:\.x)?\s+(?:to|-|–)\s+(?P<hi>\d+(?:\.\d+)*)(?:\.x)?"
    r"|^(?P<upto>\d+(?:\.\d+)*)(?:\.x)?\s+and\s+earlier"
    r"|^(?P<from>\d+(?:\.\d+)*)(?:\.x)?\s+and\s+later",
    re.IGNORECASE,
)


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(n) for n in canonical_version(text).split("."))


@dataclass(frozen=True)
class ModelEntry:
    name: str
    kind: Kind
    match: tuple[str, ...]
    license: str | None
    source: str
    vendor: str = ""
    license_name: str = ""
    """The license's name when no document key exists for it (``license`` is None)."""
    also: tuple[str, ...] = ()
    """Other licenses offered at the same time (dual licensing)."""
    versions: str = ""
    since: str = ""
    until: str = ""

    @property
    def licenses(self) -> tuple[str, ...]:
        return ((self.license,) if self.license else ()) + self.also

    @property
    def current(self) -> bool:
        return not self.until

    def covers(self, version: str) -> bool | None:
        """Whether this period covers ``version`` ("7.12"), or None when ``versions`` does not say."""
        m = _RANGE.match(self.versions.strip())
        if m is None or not VERSION.match(version):
            return None
        v = _version(version)
        # "7.10 and earlier" takes in 7.10.2: an upper bound is compared on as many parts as it has.
        if m.group("upto"):
            upto = _version(m.group("upto"))
            return v[: len(upto)] <= upto
        if m.group("from"):
            return v >= _version(m.group("from"))
        hi = _version(m.group("hi"))
        return _version(m.group("lo")) <= v and v[: len(hi)] <= hi

    def describe_period(self) -> str:
        """"7.11 to 8.15", "since 2023-08", or ""."""
        if self.versions:
            return self.versions
        if self.since and self.until:
            return f"{self.since} to {self.until}"
        return f"since {self.since}" if self.since else f"until {self.until}" if self.until else ""


def pick_period(
    entries: Sequence[ModelEntry], version: str | None, *, licenses: Collection[str] = (), dates: Sequence[str] = ()
) -> ModelEntry:
    """The period a question means: the one covering the version it names, else the one whose
    license it also names ("CockroachDB's Business Source License"), else the one in force at a
    date it names ("the March 2023 terms": "202303"), else the current one (no ``until``), else
    the latest."""
    if version is not None:
        covering = [e for e in entries if e.covers(version)]
        if covering:
            return covering[0]
    named = [e for e in entries if set(e.licenses) & set(licenses)]
    if named:
        return named[0]
    for date in dates:
        at = f"{date[:4]}-{date[4:6]}" if len(date) > 4 else date
        in_force = [e for e in entries if (not e.since or e.since <= at) and (not e.until or at < e.until)]
        if in_force:
            return in_force[0]
    current = [e for e in entries if e.current]
    if current:
        return max(current, key=lambda e: e.since)
    return max(entries, key=lambda e: e.until)


_HUB_PAGE = re.compile(r"^https?://huggingface\.co/([\w.-]+)/([\w.-]+)")


def from_model_pages(key: str, urls: Sequence[str]) -> list[ModelEntry]:
    """The models a LicenseDB entry's hub pages name, covered by that license (its own source)."""
    out = []
    for url in urls:
        m = _HUB_PAGE.match(url)
        if m:
            org, name = m.groups()
            out.append(ModelEntry(name=name, kind="model", match=(f"{org}/{name}", name), license=key, source=url))
    return out


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def load_models(path: Path | None = None) -> tuple[ModelEntry, ...]:
    """The packaged models file, or an admin's copy."""
    data = read_yaml("models.yaml", path) or {}
    raw = data.get("models") if isinstance(data, dict) else None
    if not isinstance(raw, list):
        raise SourceError(f"the models file {path or 'models.yaml'} must hold a list under 'models:'")
    out: list[ModelEntry] = []
    for i, item in enumerate(raw, 1):
        if not isinstance(item, dict) or not item.get("name") or not item.get("match"):
            raise SourceError(f"the models file {path or 'models.yaml'}: entry {i} needs a name and match")
        kind = str(item.get("kind") or "model")
        out.append(ModelEntry(
            name=str(item["name"]),
            kind="product" if kind == "product" else "model",
            match=_strings(item.get("match")),
            license=str(item["license"]) if item.get("license") else None,
            source=str(item.get("source") or ""),
            vendor=str(item.get("vendor") or ""),
            license_name=str(item.get("license_name") or ""),
            also=_strings(item.get("also")),
            versions=str(item.get("versions") or ""),
            since=str(item.get("since") or ""),
            until=str(item.get("until") or ""),
        ))
    return tuple(out)
