"""The CLI's happy paths in process, on injected fakes (hashing embedder, memory store, canned
model, a few real LicenseDB texts), the way click's CliRunner tests a CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from licensebot import cli
from licensebot.index.documents import LoadResult
from licensebot.index.embed import Embedder
from licensebot.index.reindex import SourceConfig
from licensebot.index.store import VectorStore
from licensebot.llm.generate import Generator
from licensebot.llm.guard import ModelInfo
from licensebot.runtime import Runtime
from licensebot.settings import Settings
from tests.conftest import licensedb_docs
from tests.fakes import FakeGenerator, HashEmbedder, MemoryStore

KEYS = ["apache-2.0", "mit", "llama-2-license-2023", "gemma-tou-2025-03-24"]


class FakeRuntime(Runtime):
    """Real CLI, real answering and indexing code; fake embedder, store and model."""

    stores: dict[str, MemoryStore] = {}

    def store(self) -> VectorStore:
        return self.stores.setdefault(str(self.settings.data_dir), MemoryStore())

    def embedder(self, *, serving: bool = False, shipped: bool = True) -> Embedder:
        return HashEmbedder()

    def model_info(self) -> ModelInfo:
        return ModelInfo(path=None, name="fake", license="apache-2.0", license_source="test")

    def generator(self) -> tuple[Generator, ModelInfo]:
        return FakeGenerator("Patent licenses terminate when litigation is filed."), self.model_info()

    def documents(self, sources: SourceConfig) -> LoadResult:
        return LoadResult(tuple(licensedb_docs(KEYS)), ())


@pytest.fixture
def env(clean_env: Path) -> Path:
    FakeRuntime.stores = {}
    return clean_env


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(argv, runtime=FakeRuntime)
    out, err = capsys.readouterr()
    return code, out, err


def test_index_then_sources_report_what_was_indexed(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["index", "--json"], capsys)
    assert code == 0 and sorted(json.loads(out)["added"]) == sorted(KEYS)
    code, out, _ = _run(["index", "--json"], capsys)
    assert code == 0 and json.loads(out)["added"] == [] and json.loads(out)["unchanged"] == len(KEYS)
    code, out, _ = _run(["sources", "--json"], capsys)
    listing = json.loads(out)
    assert code == 0 and listing["documents"] == len(KEYS) and listing["chunks"] > 20


def test_ask_builds_the_index_and_answers_with_an_exact_lead(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(["ask", "--json", "What does Apache 2.0 say about patent litigation?"], capsys)
    assert code == 0, err
    answer = json.loads(out)
    bodies = {d.key: d.body for d in licensedb_docs(KEYS)}
    lead = answer["lead"]
    assert lead["doc"] == "apache-2.0" and bodies["apache-2.0"][lead["start"]:lead["end"]] == lead["text"]
    assert answer["rule"] and all(bodies[q["doc"]][q["start"]:q["end"]] == q["text"] for q in answer["quotes"])
    code, out, _ = _run(["ask", "What does Apache 2.0 say about patent litigation?"], capsys)
    assert code == 0 and "Apache License 2.0" in out and "not legal advice" in out.lower()


def test_ask_about_a_license_the_index_lacks_says_so(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["ask", "--json", "What does the Vim license say about distributing changes?"], capsys)
    answer = json.loads(out)
    assert code == 0 and answer["abstained"] and not answer["quotes"]
    assert answer["not_indexed"] and "vim" in answer["not_indexed"][0]["name"].lower()


def test_an_empty_question_is_a_usage_error(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["ask", "   "], capsys)
    assert code == 2 and "Traceback" not in err and err.strip()


def test_lookup_shows_a_clause_and_lists_sections(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _run(["index"], capsys)
    code, out, _ = _run(["lookup", "llama-2", "1.b.v"], capsys)
    assert code == 0 and "improve any other large language model" in out
    code, out, _ = _run(["lookup", "--json", "apache-2.0"], capsys)
    assert code == 0 and any("Grant of Patent License" in s for s in json.dumps(json.loads(out)).split('"'))
    code, out, _ = _run(["lookup", "no-such-license"], capsys)
    assert code == 1 and "no-such-license" in out


def test_eval_scores_a_question_file(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    questions = env / "q.jsonl"
    questions.write_text(
        json.dumps({"id": "a", "question": "What does Apache 2.0 say about patent litigation?", "answerable": True,
                    "expect": [{"doc": "apache-2.0", "quote": "patent litigation"}]}) + "\n"
        + json.dumps({"id": "b", "question": "What is the capital of France?", "answerable": False}) + "\n"
    )
    code, _, err = _run(["eval", "--questions", str(questions), "--json"], capsys)
    assert code == 2 and "licensebot index" in err, "an empty index is a usage error"
    _run(["index"], capsys)
    code, out, _ = _run(["eval", "--questions", str(questions), "--json"], capsys)
    metrics = json.loads(out.strip().splitlines()[-1])
    assert code == 0 and metrics["hit_at_5"] == 1.0 and metrics["abstention"] == 1.0


def test_settings_reach_the_runtime(env: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("LICENSEBOT_MAX_QUOTES", "1")
    code, out, _ = _run(["ask", "--json", "What does Apache 2.0 say about patent litigation?"], capsys)
    assert code == 0 and len(json.loads(out)["quotes"]) == 1
    assert Settings.from_env().max_quotes == 1
