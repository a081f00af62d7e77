"""Prometheus metrics for /metrics: answers by outcome, answer latency, errors, Slack API errors
and rate limits, dropped duplicate events, queue depth and wait, reindex state, and the
process itself (resident memory against the pod's limit, CPU, open files). One registry per
app, so tests and several apps in one process never collide.

Every label value comes from a fixed set: anything else is counted as "other", so a new Slack
error code or method can never grow the number of series without bound.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from licensebot.answering.answer import Answer

CONTENT_TYPE = CONTENT_TYPE_LATEST
# Answers take 0.3-3 s with the local model; a slow served model or a cold index can take 30 s.
LATENCY_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0)
# Waiting for a worker: nothing when idle, answers' worth when questions queue.
WAIT_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0)
SLACK_METHODS = frozenset({
    "auth.test", "chat.postMessage", "chat.startStream", "chat.appendStream", "chat.stopStream",
    "assistant.threads.setStatus", "assistant.threads.setSuggestedPrompts", "assistant.threads.setTitle",
    "views.publish", "conversations.replies", "chat.getPermalink", "response_url",
})
SLACK_ERRORS = frozenset({
    "ratelimited", "msg_blocks_too_long", "invalid_blocks", "msg_too_long", "not_in_channel", "channel_not_found",
    "is_archived", "not_allowed_token_type", "missing_scope", "invalid_auth", "not_authed", "account_inactive",
    "token_revoked", "no_permission", "message_not_found", "expired_url", "internal_error", "fatal_error",
    "service_unavailable", "request_timeout", "http_4xx", "http_5xx",
})


def bounded(value: str, known: frozenset[str]) -> str:
    return value if value in known else "other"


def outcome(answer: Answer) -> str:
    """answered | not_indexed (names a license the index lacks) | abstained (nothing found)."""
    if not answer.abstained:
        return "answered"
    return "not_indexed" if answer.not_indexed else "abstained"


class Metrics:
    """Also the reindexer's observer (``started``/``finished``), whoever starts the reindex."""

    def __init__(self, queue_depth: Callable[[], int] = lambda: 0) -> None:
        self.registry = CollectorRegistry()
        # What the default registry has: resident memory is what the pod's limit is measured against.
        ProcessCollector(registry=self.registry)
        self.registry.register(PLATFORM_COLLECTOR)
        self.registry.register(GC_COLLECTOR)
        self.answers = Counter(
            "licensebot_answers", "Questions answered, by outcome (answered, abstained, not_indexed, rejected, error).",
            ["outcome"], registry=self.registry,
        )
        self.latency = Histogram(
            "licensebot_answer_seconds", "Time from question to rendered answer.",
            buckets=LATENCY_BUCKETS, registry=self.registry,
        )
        self.errors = Counter(
            "licensebot_errors", "Failures shown to people as an apology or 'unavailable', by kind.",
            ["kind"], registry=self.registry,
        )
        self.slack_errors = Counter(
            "licensebot_slack_api_errors", "Slack API calls and response_url replies Slack refused, by method "
            "and error.", ["method", "error"], registry=self.registry,
        )
        self.rate_limited = Counter(
            "licensebot_slack_rate_limited", "HTTP 429 answers from Slack (each is waited out and retried).",
            ["method"], registry=self.registry,
        )
        self.duplicates = Counter(
            "licensebot_duplicate_events", "Slack events dropped as repeats (retries, redeliveries, another "
            "replica's).", registry=self.registry,
        )
        self.feedback = Counter(
            "licensebot_feedback", "Feedback button presses, by vote.", ["vote"], registry=self.registry,
        )
        self.queue = Gauge(
            "licensebot_queue_depth", "Answers and reindexes submitted and not finished.", registry=self.registry,
        )
        self.watch_queue(queue_depth)
        self.index_ready = Gauge(
            "licensebot_index_ready", "1 when the index can be searched; 0 while questions get the try-again reply.",
            registry=self.registry,
        )
        self.queue_wait = Histogram(
            "licensebot_queue_wait_seconds", "Time work waited for a free worker.", buckets=WAIT_BUCKETS,
            registry=self.registry,
        )
        self.reindex_running = Gauge(
            "licensebot_reindex_running", "1 while a reindex runs in this process.", registry=self.registry,
        )
        self.reindexes = Counter(
            "licensebot_reindexes", "Reindexes run by this process, by result.", ["result"], registry=self.registry,
        )
        self.last_reindex = Gauge(
            "licensebot_last_reindex_success_timestamp_seconds", "When the last reindex of this process succeeded.",
            registry=self.registry,
        )
        for name in ("answered", "abstained", "not_indexed", "rejected", "error"):
            self.answers.labels(name)  # every outcome shows, at 0, from the first scrape

    def watch_queue(self, depth: Callable[[], int]) -> None:
        self.queue.set_function(lambda: float(depth()))

    def started(self) -> None:
        self.reindex_running.set(1)

    def finished(self, result: Literal["succeeded", "refused", "failed"]) -> None:
        self.reindexes.labels(result).inc()
        if result == "succeeded":
            self.last_reindex.set_to_current_time()
        self.reindex_running.set(0)

    def slack_error(self, method: str, error: str) -> None:
        self.slack_errors.labels(bounded(method, SLACK_METHODS), bounded(error, SLACK_ERRORS)).inc()

    def slack_rate_limited(self, method: str) -> None:
        self.rate_limited.labels(bounded(method, SLACK_METHODS)).inc()

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
