"""`licensebot serve`'s serving loop in a process of its own, on the fake index and a slow fake
model, with the question log the settings name (LICENSEBOT_DATABASE_URL), for the shutdown and
replica tests (signals need a real process): python -m tests.slack.serve_fakes"""

from __future__ import annotations

import sys
import time

from licensebot.answering.service import AnswerService
from licensebot.index.documents import IndexReport
from licensebot.index.reindex import Indexer
from licensebot.index.search import RetrievalConfig, Retriever
from licensebot.logs import configure
from licensebot.settings import Settings
from licensebot.slack.deps import SlackDeps
from licensebot.slack.server import run
from licensebot.slack.stores import question_log
from tests.conftest import licensedb_docs
from tests.fakes import HashEmbedder, MemoryStore


class SlowGenerator:
    name = "slow"

    def generate(self, system: str, user: str, *, max_tokens: int = 96) -> str:
        time.sleep(3.0)
        return "Patent licenses terminate when litigation is filed."


class _NoReindex:
    def run(self, *, progress: object = None) -> IndexReport:
        return IndexReport()


def main() -> int:
    settings = Settings.from_env()
    configure(settings)
    embedder, store = HashEmbedder(), MemoryStore()
    Indexer(embedder, store).run(licensedb_docs(["apache-2.0", "mit"]))
    retriever = Retriever(embedder, store, RetrievalConfig(min_similarity=0.45, min_similarity_named=0.1))
    deps = SlackDeps(
        settings=settings,
        service=AnswerService(retriever, SlowGenerator()),
        questions=question_log(settings),
        reindexer=_NoReindex(),
        status=lambda: {"documents": 2, "chunks": store.count(), "indexed_at": ""},
    )
    return run(deps, socket_mode=bool(settings.slack_app_token))


if __name__ == "__main__":
    sys.exit(main())
