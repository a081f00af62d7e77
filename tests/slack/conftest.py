from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from licensebot.answering.service import AnswerService
from licensebot.index.documents import IndexReport, SourceFailure
from licensebot.index.reindex import Progress
from licensebot.index.search import Retriever
from licensebot.settings import Settings
from licensebot.slack.deps import SlackDeps
from licensebot.slack.questions import QuestionLog
from tests.fakes import FakeGenerator
from tests.slack.fake_slack import SECRET, FakeSlack


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
        questions=QuestionLog(tmp_path / "questions.sqlite3"),
        reindexer=Reindexer(),
        status=lambda: {"documents": 6, "chunks": 120, "indexed_at": "2026-11-22T10:00:00Z"},
    )
    yield deps
    deps.workers.drain(30)
