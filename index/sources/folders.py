"""Folders of .txt/.md documents: the licenses packaged with licensebot and the admins' folders."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from importlib import resources
from pathlib import Path

from licensebot.errors import SourceError
from licensebot.index.documents import Document, LoadResult, SourceFailure
from licensebot.index.sources.parse import read_document

FOLDER_SUFFIXES = (".txt", ".md")


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
                docs.append(read_document(path, str(path)))
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
            docs.append(read_document(path, f"packaged:{path.name}"))
        except SourceError as exc:
            failures.append(SourceFailure(str(path), str(exc)))
    return LoadResult(tuple(docs), tuple(failures))
