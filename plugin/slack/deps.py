"""What the Slack listeners need, built once per process and passed to every register()."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from licensebot.answering.service import AnswerService
from licensebot.index.indexer import Progress
from licensebot.index.models import IndexReport
from licensebot.llm.guard import ModelInfo
from licensebot.settings import Settings
from licensebot.slack.dedupe import SeenEvents
from licensebot.slack.metrics import Metrics
from licensebot.slack.questions import QuestionLog
from licensebot.slack.workers import Workers


@dataclass
class SlackDeps:
    settings: Settings
    service: AnswerService
    questions: QuestionLog
    reindex: Callable[[Progress], IndexReport]
    status: Callable[[], dict[str, Any]]
    model: ModelInfo | None = None
    ready: Callable[[], bool] = lambda: True
    """Whether the index can be searched (/readyz reports it; the replica still replies either way)."""
    seen: SeenEvents = field(default_factory=SeenEvents)
    reindex_lock: threading.Lock = field(default_factory=threading.Lock)
    workers: Workers = field(default_factory=Workers)
    metrics: Metrics = field(init=False)

    def __post_init__(self) -> None:
        self.metrics = Metrics(queue_depth=lambda: self.workers.pending)
        self.workers.on_wait = self.metrics.queue_wait.observe
        self.metrics.index_ready.set_function(lambda: float(self.ready()))

    def is_admin(self, user_id: str) -> bool:
        return user_id in self.settings.admins

    def submit(self, fn: Callable[[], object]) -> Future[None] | None:
        return self.workers.submit(fn)
