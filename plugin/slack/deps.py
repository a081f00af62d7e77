"""What the Slack listeners need, built once per process and passed to every register()."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from licensebot.answering.answer import Answer
from licensebot.answering.service import AnswerService
from licensebot.errors import BadQuestion, LicensebotError, StoreUnavailable
from licensebot.index.indexer import Progress
from licensebot.index.models import IndexReport
from licensebot.llm.guard import ModelInfo
from licensebot.settings import Settings
from licensebot.slack.blocks import answer_blocks, answer_fallback, text_blocks
from licensebot.slack.dedupe import SeenEvents
from licensebot.slack.feedback import FeedbackStore

log = logging.getLogger("licensebot.slack")

UNAVAILABLE = "The license index is unavailable right now; please try again in a few minutes."
APOLOGY = "Sorry, something went wrong while answering. The team has been told; please try again later."


@dataclass
class SlackDeps:
    settings: Settings
    service: AnswerService
    feedback: FeedbackStore
    reindex: Callable[[Progress], IndexReport]
    status: Callable[[], dict[str, Any]]
    model: ModelInfo | None = None
    ready: Callable[[], bool] = lambda: True
    """Whether the index can be searched (the HTTP server's /healthz)."""
    seen: SeenEvents = field(default_factory=SeenEvents)
    reindex_lock: threading.Lock = field(default_factory=threading.Lock)
    # Answers and reindexes run here, not on Bolt's listener threads: a queue of slow answers
    # must never hold up the 3-second acknowledgement of the next request.
    worker: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=2, thread_name_prefix="licensebot-work")
    )

    def is_admin(self, user_id: str) -> bool:
        return user_id in self.settings.admins

    def submit(self, fn: Callable[[], object]) -> Future[None]:
        def run() -> None:
            try:
                fn()
            except Exception:
                log.exception("background work failed")

        return self.worker.submit(run)


@dataclass(frozen=True)
class Reply:
    text: str
    blocks: list[dict[str, Any]]
    answered: bool


def answer_reply(deps: SlackDeps, question: str, context: list[str] | None = None) -> Reply:
    """Answer and render; every failure becomes a friendly message, never exception text."""
    started = time.perf_counter()
    try:
        answer: Answer = deps.service.ask(question, context=context or [])
    except BadQuestion as exc:
        return Reply(str(exc), text_blocks(str(exc)), False)
    except StoreUnavailable:
        log.exception("vector store unavailable")
        return Reply(UNAVAILABLE, text_blocks(UNAVAILABLE), False)
    except LicensebotError:
        log.exception("answering failed")
        return Reply(APOLOGY, text_blocks(APOLOGY), False)
    log.info("answered in %.2f s (%d quotes)", time.perf_counter() - started, len(answer.quotes))
    key = deps.feedback.record_answer(answer)
    return Reply(answer_fallback(answer), answer_blocks(answer, feedback_id=key), True)
