"""One reindex path: `licensebot index`, `/license reindex` and the "Add to license knowledge base"
shortcut all run ``ReindexService.run`` (its lock, recovery and metrics), and a question reads
the active-index pointer once."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from licensebot import cli
from licensebot.answering.service import AnswerService
from licensebot.index.documents import LoadResult
from licensebot.index.reindex import ReindexService
from licensebot.index.search import Retriever
from licensebot.index.store.chroma import ACTIVE_KEY, ChromaStore
from licensebot.settings import Settings
from licensebot.slack.deps import SlackDeps
from licensebot.slack.listeners import commands, shortcuts
from licensebot.slack.questions import QuestionLog
from licensebot.slack.sqlite_store import SqliteQuestionStore
from tests.conftest import licensedb_docs
from tests.fakes import HashEmbedder, MemoryStore
from tests.test_cli_in_process import FakeRuntime


class _Client:
    """The two Web API calls the shortcut makes, answered as Slack would."""

    def conversations_replies(self, **_: Any) -> dict[str, Any]:
        return {"messages": [{"user": "U1", "ts": "1700000500.000100", "text": "Is MNPL fine for demos?"}]}

    def chat_getPermalink(self, **_: Any) -> dict[str, Any]:  # noqa: N802 - Slack's method name
        return {"permalink": "https://acme.slack.com/archives/C1/p1"}


def test_the_cli_the_command_and_the_shortcut_share_one_reindex_path(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    callers: list[str] = []
    original = ReindexService.run

    def spy(self: ReindexService, **kwargs: Any) -> Any:
        callers.append(str(kwargs.get("progress").__class__.__name__) if kwargs.get("progress") else "none")
        return original(self, **kwargs)

    monkeypatch.setattr(ReindexService, "run", spy)
    FakeRuntime.stores = {}
    assert cli.main(["index", "--json"], runtime=FakeRuntime) == 0
    assert len(callers) == 1, "licensebot index"

    settings = Settings.from_env({"LICENSEBOT_DATA_DIR": str(clean_env / "slack"), "LICENSEBOT_ADMINS": "UADMIN",
                                  "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "s"})
    embedder, store = HashEmbedder(), MemoryStore()
    docs = tuple(licensedb_docs(["mit"]))
    reindexer = ReindexService(embedder, store, load=lambda config: LoadResult(docs, ()))
    deps = SlackDeps(settings=settings, service=AnswerService(Retriever(embedder, store), None),
                     questions=QuestionLog(SqliteQuestionStore(clean_env / "q.sqlite3")), reindexer=reindexer,
                     status=lambda: {})
    replies: list[dict[str, Any]] = []
    commands.run_command(deps, {"text": "reindex", "user_id": "UADMIN"},
                         lambda **kw: replies.append(kw))  # type: ignore[arg-type]
    deadline = time.monotonic() + 60
    while deps.reindex_worker.pending and time.monotonic() < deadline:  # one reindex at a time
        time.sleep(0.05)
    shortcuts.add_to_knowledge_base(deps, {"channel": {"id": "C1"}, "message": {"ts": "1700000500.000100"}},
                                    _Client(), lambda **kw: replies.append(kw))  # type: ignore[arg-type]
    assert deps.reindex_worker.drain(60)
    assert len(callers) == 3, callers
    assert any("knowledge base" in r.get("text", "") for r in replies)


def test_a_question_reads_the_active_index_pointer_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    embedder = HashEmbedder()
    store = ChromaStore(path=tmp_path / "chroma")
    ReindexService(embedder, store, load=lambda config: LoadResult(tuple(licensedb_docs(["mit", "apache-2.0"])),
                                                                   ())).run()
    service = AnswerService(Retriever(embedder, store), None)
    service.ask("Does Apache 2.0 grant a patent license?")  # builds the keyword index once
    reads: list[str] = []
    control = store.control
    original = control.read

    def counting(key: str) -> Any:
        reads.append(key)
        return original(key)

    monkeypatch.setattr(control, "read", counting)
    answer = service.ask("What must copies of MIT-licensed software include?")
    assert not answer.abstained
    assert reads.count(ACTIVE_KEY) == 1, reads
