from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from licensebot.answering.service import AnswerService
from licensebot.index.documents import IndexReport, SourceFailure
from licensebot.index.reindex import Progress
from licensebot.index.search import Retriever
from licensebot.settings import Settings
from licensebot.slack.app import create_app
from licensebot.slack.deps import SlackDeps
from licensebot.slack.questions import QuestionLog
from licensebot.slack.server import BackgroundServer
from licensebot.slack.sqlite_store import SqliteQuestionStore
from tests.fakes import FakeGenerator
from tests.slack.fake_slack import SECRET, Bot, FakeSlack


@pytest.fixture
def fake_slack(fake_slack_api: FakeSlack) -> FakeSlack:
    return fake_slack_api


@pytest.fixture
def deps(tmp_path: Path, fake_retriever: Retriever, fake_slack: FakeSlack) -> Iterator[SlackDeps]:
    settings = Settings.from_env({
        "LICENSEBOT_DATA_DIR": str(tmp_path),
        "LICENSEBOT_ADMINS": "UADMIN",
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake_slack.url + "/api/",
    })
    service = AnswerService(fake_retriever, FakeGenerator("Patent licenses terminate when litigation is filed."))

    class Reindexer:
        runs = 0

        def run(self, *, progress: Progress | None = None) -> IndexReport:
            self.runs += 1
            if progress is not None:
                progress("embedding", 1, 2)
                progress("embedding", 2, 2)
            return IndexReport(
                added=("new-license",), unchanged=5, failures=(SourceFailure("/docs/broken.md", "not UTF-8 text"),)
            )

    deps = SlackDeps(
        settings=settings,
        service=service,
        questions=QuestionLog(SqliteQuestionStore(tmp_path / "questions.sqlite3")),
        reindexer=Reindexer(),
        status=lambda: {"documents": 6, "chunks": 120, "indexed_at": "2026-11-22T10:00:00Z"},
    )
    yield deps
    deps.workers.drain(30)


@pytest.fixture
def server(deps: SlackDeps) -> Iterator[BackgroundServer]:
    """The real Bolt app over HTTP on loopback, calling the fake Slack Web API."""
    running = BackgroundServer(deps, create_app(deps)).start()
    yield running
    running.stop()


@pytest.fixture
def bot(server: BackgroundServer) -> Bot:
    """Sends signed requests to ``server``, as Slack does."""
    return Bot(f"{server.url}/slack/events")


def metric(url: str, name: str) -> float:
    with urllib.request.urlopen(url + "/metrics", timeout=5) as resp:
        assert resp.headers["content-type"].startswith("text/plain")
        text = resp.read().decode()
    values = [float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(name + " ")]
    assert values, f"{name} not in /metrics"
    return values[0]
