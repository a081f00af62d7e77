"""Where documents come from: the ScanCode LicenseDB and admin folders of .txt/.md files.

Both use the same format: optional YAML front matter between ``---`` lines, then the
text. A file that cannot be read is reported (path and reason) and skipped, so one
broken file never stops an index run.
"""

from __future__ import annotations

import fnmatch
import hashlib
import importlib.util
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from licensebot.errors import EmptyDocument, SourceError
from licensebot.index.models import Document, Kind, SourceFailure

FOLDER_SUFFIXES = (".txt", ".md")
LICENSEDB_URL = "https://scancode-licensedb.aboutcode.org/{key}.html"
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_KEY_OK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,199}$")


@dataclass(frozen=True)
class LoadResult:
    documents: tuple[Document, ...]
    failures: tuple[SourceFailure, ...]


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Return (metadata, body). ``body`` is everything after the closing ``---`` line."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        # Hand-written front matter often has "name: Forum thread: ..." - a colon YAML rejects
        # but whose meaning is plain. Read such files line by line before giving up.
        meta = _simple_fields(match.group(1))
        if meta is None:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 2})" if mark is not None else ""
            raise SourceError(f"front matter is not valid YAML{where}") from exc
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise SourceError("front matter must be a mapping of fields such as 'key: ...'")
    return meta, text[match.end() :]


_SIMPLE_FIELD = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*):[ \t]+(.+?)\s*$")


def _simple_fields(block: str) -> dict[str, Any] | None:
    """``key: value`` lines, the value taken literally; None if any line is not of that form."""
    out: dict[str, Any] = {}
    for line in block.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = _SIMPLE_FIELD.match(line)
        if not m:
            return None
        out[m.group(1)] = m.group(2)
    return out


def _text_field(meta: dict[str, Any], name: str) -> str:
    value = meta.get(name)
    if value is None:
        return ""
    if isinstance(value, (str, int, float)):
        return str(value).strip()
    raise SourceError(f"front matter field '{name}' must be text")


def _hash(meta_fields: Iterable[str], body: str) -> str:
    digest = hashlib.sha256()
    for part in meta_fields:
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    digest.update(body.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def parse_document(
    raw: bytes, *, path: Path, source: str, default_kind: Kind = "license", default_url: str = ""
) -> Document:
    """Build a Document from a file's bytes, or raise SourceError saying what is wrong."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"not UTF-8 text (bad byte at offset {exc.start})") from exc
    if "\x00" in text:
        raise SourceError("contains NUL bytes; this looks like a binary file")
    meta, body = split_front_matter(text)
    if not body.strip():
        raise EmptyDocument("no text after the front matter")
    key = _text_field(meta, "key") or path.stem
    if not _KEY_OK.match(key):
        raise SourceError(f"key {key!r} must be letters, digits and . _ + - only")
    kind_text = _text_field(meta, "kind").lower() or default_kind
    if kind_text not in ("license", "discussion"):
        raise SourceError(f"kind must be 'license' or 'discussion', not {kind_text!r}")
    kind: Kind = "discussion" if kind_text == "discussion" else "license"
    title = _text_field(meta, "name") or _text_field(meta, "short_name") or key
    category = _text_field(meta, "category") or ("Discussion" if kind == "discussion" else "")
    url = _text_field(meta, "homepage_url") or _text_field(meta, "url") or default_url
    fields = (key, title, kind, category, url, _text_field(meta, "owner"))
    return Document(
        key=key,
        title=title,
        kind=kind,
        category=category,
        url=url,
        source=source,
        body=body,
        sha256=_hash(fields, body),
        owner=_text_field(meta, "owner"),
        spdx=_text_field(meta, "spdx_license_key"),
        short_name=_text_field(meta, "short_name"),
    )


def _read(path: Path, source: str, default_url: str = "") -> Document:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read file: {exc.strerror or exc}") from exc
    return parse_document(raw, path=path, source=source, default_url=default_url)




def folder_files(folder: Path) -> Iterator[Path]:
    """Every .txt/.md file under ``folder`` in a stable order, hidden files skipped."""
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if path.is_file() and path.suffix.lower() in FOLDER_SUFFIXES:
            yield path


def load_folders(folders: Sequence[Path]) -> LoadResult:
    docs: list[Document] = []
    failures: list[SourceFailure] = []
    for folder in folders:
        if not folder.is_dir():
            failures.append(SourceFailure(str(folder), "folder does not exist"))
            continue
        for path in folder_files(folder):
            try:
                docs.append(_read(path, str(path)))
            except SourceError as exc:
                failures.append(SourceFailure(str(path), str(exc)))
    return _dedupe(docs, failures)


def _dedupe(docs: Sequence[Document], failures: Sequence[SourceFailure]) -> LoadResult:
    seen: dict[str, Document] = {}
    out_failures = list(failures)
    for doc in docs:
        if doc.key in seen:
            out_failures.append(
                SourceFailure(doc.source, f"key '{doc.key}' is already used by {seen[doc.key].source}")
            )
            continue
        seen[doc.key] = doc
    return LoadResult(tuple(seen.values()), tuple(out_failures))


# --- ScanCode LicenseDB ---------------------------------------------------------------


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
                _read(
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


def packaged_licenses_dir() -> Path:
    """Licenses the LicenseDB lacks, shipped with licensebot as data files (the Mistral AI
    Non-Production and Research Licenses, the Meta Llama 3 Community License of April 2024)."""
    return Path(str(resources.files("licensebot.index").joinpath("data/licenses")))


def load_packaged() -> LoadResult:
    folder = packaged_licenses_dir()
    if not folder.is_dir():
        return LoadResult((), ())
    docs: list[Document] = []
    failures: list[SourceFailure] = []
    for path in folder_files(folder):
        try:
            docs.append(_read(path, f"packaged:{path.name}"))
        except SourceError as exc:
            failures.append(SourceFailure(str(path), str(exc)))
    return LoadResult(tuple(docs), tuple(failures))


def load_all(
    *, scancode_patterns: Sequence[str] | None, folders: Sequence[Path], scancode_folder: Path | None = None
) -> LoadResult:
    """The full source set: the LicenseDB selection (or all of it), the packaged licenses, and the
    admin folders. On a key clash an admin's file wins over a packaged one, which wins over the
    LicenseDB's: an admin can replace any text by dropping a file with its key into a folder."""
    layers = [load_scancode(scancode_patterns, folder=scancode_folder), load_packaged(), load_folders(folders)]
    chosen: dict[str, Document] = {}
    for layer in layers:
        for doc in layer.documents:
            chosen[doc.key] = doc
    return LoadResult(tuple(chosen.values()), tuple(f for layer in layers for f in layer.failures))


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
