"""Prometheus metrics for /metrics: answers by outcome, answer latency, errors, queue depth and
reindex state. One registry per app, so tests and several apps in one process never collide."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from licensebot.answering.answer import Answer

CONTENT_TYPE = CONTENT_TYPE_LATEST
# Answers take 0.3-3 s with the local model; a slow served model or a cold index can take 30 s.
LATENCY_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0)


def outcome(answer: Answer) -> str:
    """answered | not_indexed (names a license the index lacks) | abstained (nothing found)."""
    if not answer.abstained:
        return "answered"
    return "not_indexed" if answer.not_indexed else "abstained"


class Metrics:
    """Also the reindexer's observer (``started``/``finished``), whoever starts the reindex."""

    def __init__(self, queue_depth: Callable[[], int] = lambda: 0) -> None:
        self.registry = CollectorRegistry()
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
        self.feedback = Counter(
            "licensebot_feedback", "Feedback button presses, by vote.", ["vote"], registry=self.registry,
        )
        self.queue = Gauge(
            "licensebot_queue_depth", "Answers and reindexes submitted and not finished.", registry=self.registry,
        )
        self.watch_queue(queue_depth)
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

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
