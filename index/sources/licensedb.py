"""The ScanCode LicenseDB shipped by scancode-toolkit-mini: where it is, which of its texts the
default corpus selects, and reading them (its data files only; ScanCode itself never runs)."""

from __future__ import annotations

import fnmatch
import importlib.util
import re
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path

from licensebot.errors import EmptyDocument, SourceError
from licensebot.index.documents import Document, LoadResult, SourceFailure
from licensebot.index.sources.parse import read_document

LICENSEDB_URL = "https://scancode-licensedb.aboutcode.org/{key}.html"


def scancode_license_dir() -> Path:
    """The folder of ``*.LICENSE`` files shipped by scancode-toolkit-mini.

    Found without importing ScanCode itself: we only read its data files.
    """
    spec = importlib.util.find_spec("licensedcode")
    if spec is None or not spec.submodule_search_locations:
        raise SourceError(
            "the ScanCode LicenseDB is not installed; install the 'scancode-toolkit-mini' package"
        )
    for location in spec.submodule_search_locations:
        folder = Path(location) / "data" / "licenses"
        if folder.is_dir():
            return folder
    raise SourceError("the scancode-toolkit-mini package has no data/licenses folder")


def installed_licensedb() -> Path | None:
    """The LicenseDB folder if scancode-toolkit-mini is installed, else None (names from the
    indexed documents and the aliases only)."""
    try:
        return scancode_license_dir()
    except SourceError:
        return None


def read_selection(path: Path | None = None) -> list[str]:
    """Keys and glob patterns (one per line, ``#`` comments) of the default corpus."""
    if path is None:
        text = resources.files("licensebot.index").joinpath("data/default_licenses.txt").read_text("utf-8")
    else:
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise SourceError(f"cannot read the license selection file {path}: {exc}") from exc
    patterns = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            patterns.append(line)
    return patterns


def select_keys(available: Iterable[str], patterns: Sequence[str]) -> list[str]:
    keys = sorted(available)
    chosen: dict[str, None] = {}
    for pattern in patterns:
        for key in keys:
            if key == pattern or fnmatch.fnmatchcase(key, pattern):
                chosen[key] = None
    return list(chosen)


def load_scancode(
    patterns: Sequence[str] | None, *, folder: Path | None = None
) -> LoadResult:
    """Read the selected LicenseDB texts (all of them when ``patterns`` is None)."""
    folder = folder or scancode_license_dir()
    files = {p.stem: p for p in folder.glob("*.LICENSE")}
    keys = sorted(files) if patterns is None else select_keys(files, patterns)
    docs: list[Document] = []
    failures: list[SourceFailure] = []
    for key in keys:
        path = files[key]
        try:
            docs.append(
                read_document(
                    path,
                    f"scancode:{path.name}",
                    default_url=LICENSEDB_URL.format(key=key),
                )
            )
        except EmptyDocument:
            # LicenseDB has metadata-only entries (generic and unknown licenses): no clause to quote.
            continue
        except SourceError as exc:
            failures.append(SourceFailure(str(path), str(exc)))
    return LoadResult(tuple(docs), tuple(failures))


def newer_in_licensedb(doc: Document, licensedb_keys: Iterable[str]) -> list[str]:
    """LicenseDB keys that look like later versions of a packaged or folder license (same
    distinctive name word, a higher first version number), for an admin to review."""
    words = [w for w in re.findall(r"[a-z]+", doc.key) if w not in {"license", "agreement", "community", "ai", "v"}]
    numbers = [int(n) for n in re.findall(r"\d+", doc.key) if len(n) < 4]
    if not words or not numbers:
        return []
    out = []
    for key in licensedb_keys:
        other = [int(n) for n in re.findall(r"\d+", key) if len(n) < 4]
        if other and any(w in key.split("-") for w in words[-1:]) and other[:2] > numbers[:2] and key != doc.key:
            out.append(key)
    return sorted(out)
