"""What the chunker produces is pinned to CHUNKER_VERSION: a change to chunk boundaries, labels,
roles, lead-ins or what is embedded must bump it (indexes built by an older chunker then rebuild
themselves), and this test says so instead of leaving old indexes silently stale."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from licensebot.index.sources import load_packaged
from licensebot.index.text import CHUNKER_VERSION, chunk_document
from tests.conftest import licensedb_docs

PINNED = Path(__file__).parent / "data" / "chunker_fingerprint.json"
SAMPLE = ["apache-2.0", "gpl-3.0", "cc-by-4.0", "llama-3.1-license-2024", "gemma-tou-2025-03-24",
          "bigscience-open-rail-m", "mpl-2.0", "bsl-1.1", "stability-ai-community-2024", "falcon-2-11b-1.0"]


def fingerprint() -> str:
    digest = hashlib.sha256()
    docs = [*licensedb_docs(SAMPLE), *load_packaged().documents]
    for doc in sorted(docs, key=lambda d: d.key):
        for c in chunk_document(doc):
            digest.update(json.dumps([c.id, c.section, c.section_id, c.heading, c.start, c.end, c.role,
                                      c.context_start, c.context_end, c.search_text()]).encode())
    return digest.hexdigest()


def test_chunk_output_changes_only_with_a_new_chunker_version() -> None:
    pinned = json.loads(PINNED.read_text())
    now = fingerprint()
    if pinned["version"] == CHUNKER_VERSION:
        assert now == pinned["sha256"], (
            f"the chunker's output changed but CHUNKER_VERSION is still {CHUNKER_VERSION}: bump it in "
            f"index/text/chunker.py, then pin the new output in {PINNED.name}: "
            f'{{"version": "<new>", "sha256": "{now}"}}'
        )
    else:
        raise AssertionError(f"CHUNKER_VERSION is {CHUNKER_VERSION}; pin its output in {PINNED.name}: "
                             f'{{"version": "{CHUNKER_VERSION}", "sha256": "{now}"}}')
