"""What the Slack listeners need, built once per process and passed to every register()."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, Protocol

from licensebot.answering.service import AnswerService
from licensebot.index.documents import IndexReport
from licensebot.index.reindex import Progress
from licensebot.llm.guard import ModelInfo
from licensebot.settings import Settings
from licensebot.slack.dedupe import SeenEvents
from licensebot.slack.metrics import Metrics
from licensebot.slack.questions import QuestionLog
from licensebot.slack.workers import Workers


class Reindexer(Protocol):
    """The one reindex path (``index.reindex.ReindexService``): raises ReindexInProgress when a
    reindex already runs here or in another process."""

    def run(self, *, progress: Progress | None = None) -> IndexReport: ...


@dataclass
class SlackDeps:
    settings: Settings
    service: AnswerService
    questions: QuestionLog
    reindexer: Reindexer
    status: Callable[[], dict[str, Any]]
    model: ModelInfo | None = None
    ready: Callable[[], bool] = lambda: True
    """Whether the index can be searched (/readyz reports it; the replica still replies either way)."""
    seen: SeenEvents = field(default_factory=SeenEvents)
    workers: Workers = field(default_factory=Workers)
    reindex_worker: Workers = field(default_factory=lambda: Workers(size=1, name="licensebot-reindex"))
    """Reindexes run here, one at a time, so a long one never holds a worker that answers."""
    metrics: Metrics = field(default_factory=Metrics)
    """Shared with the reindexer, which reports each reindex to it."""

    def __post_init__(self) -> None:
        self.metrics.watch_queue(lambda: self.workers.pending)
        self.workers.on_wait = self.metrics.queue_wait.observe
        self.metrics.index_ready.set_function(lambda: float(self.ready()))

    def is_admin(self, user_id: str) -> bool:
        return user_id in self.settings.admins

    def submit(self, fn: Callable[[], object]) -> Future[None] | None:
        return self.workers.submit(fn)
