from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from licensebot.index.embed.torch_backend import SentenceTransformerEmbedder
from tests.integration.processes import free_port, start_chroma

SMALL_SELECTION = [
    "llama-2-license-2023",
    "llama-3.1-license-2024",
    "gemma-tou-2025-03-24",
    "apache-2.0",
    "mit",
    "qwen-2024",
]


@pytest.fixture(scope="session")
def embedder() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder()


@pytest.fixture(scope="session")
def selection_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("selection") / "selection.txt"
    path.write_text("# small corpus for integration tests\n" + "\n".join(SMALL_SELECTION) + "\n")
    return path


@pytest.fixture
def env(tmp_path: Path, selection_file: Path) -> Iterator[dict[str, str]]:
    yield {
        "LICENSEBOT_DATA_DIR": str(tmp_path / "data"),
        "LICENSEBOT_SELECTION": str(selection_file),
        "HOME": str(tmp_path),
    }


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    proc = start_chroma(tmp_path / "server", port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
