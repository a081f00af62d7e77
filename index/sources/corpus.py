"""Where documents come from: the ScanCode LicenseDB selection (or all of it), the licenses
packaged with licensebot, and admin folders of .txt/.md files. A file that cannot be read is
reported (path and reason) and skipped, so one broken file never stops an index run.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from licensebot.index.documents import Document, LoadResult
from licensebot.index.sources.folders import load_folders, load_packaged
from licensebot.index.sources.licensedb import load_scancode


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
