from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from licensebot.index.documents import Document
from licensebot.index.reindex import Indexer
from licensebot.index.search import RetrievalConfig, Retriever
from licensebot.index.sources import load_scancode, scancode_license_dir
from licensebot.index.text import chunk_document
from tests.fakes import HashEmbedder, MemoryStore
from tests.postgres import PostgresServer, binaries
from tests.slack.fake_slack import FakeSlack

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No LICENSEBOT_/SLACK_ variable from the developer's shell, a fresh data folder, and
    tmp_path as the working folder (so no stray .env is read)."""
    for name in list(os.environ):
        if name.startswith(("LICENSEBOT_", "SLACK_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LICENSEBOT_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


@pytest.fixture
def fake_slack_api() -> Iterator[FakeSlack]:
    """The loopback Slack Web API (tests/slack/fake_slack.py), started and stopped."""
    slack = FakeSlack().start()
    yield slack
    slack.stop()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One real PostgreSQL server for the session (tests/postgres.py)."""
    found = binaries()
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL's initdb/pg_ctl are missing; .ci/run installs them (apt-get install postgresql)")
        pytest.skip("needs PostgreSQL's initdb and pg_ctl (Debian: apt-get install postgresql; .ci/run does that)")
    server = PostgresServer(found).start()
    yield server
    server.remove()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """A database of its own for each test, on the session's server."""
    return postgres_server.new_database()


@pytest.fixture(scope="session")
def licensedb() -> Path:
    return scancode_license_dir()


def licensedb_docs(keys: Sequence[str]) -> list[Document]:
    result = load_scancode(list(keys))
    found = {d.key for d in result.documents}
    missing = set(keys) - found
    assert not missing, f"LicenseDB lacks {missing}"
    return list(result.documents)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "corpus").is_dir():
        pytest.skip("needs ../shared (the read-only corpus beside the project), absent on this machine")
    return SHARED


def chunks_of(doc: Document) -> dict[str, str]:
    """section label -> chunk text, for assertions."""
    return {c.section: c.text for c in chunk_document(doc)}


@pytest.fixture
def fake_retriever() -> Retriever:
    """A retriever over a few real LicenseDB texts, with the hashing embedder and memory store."""
    embedder = HashEmbedder()
    store = MemoryStore()
    docs = licensedb_docs(["llama-2-license-2023", "llama-3.1-license-2024", "gemma-tou-2025-03-24",
                           "apache-2.0", "mit", "qwen-2024"])
    Indexer(embedder, store).run(docs)
    return Retriever(embedder, store, RetrievalConfig(min_similarity=0.45, min_similarity_named=0.1))
