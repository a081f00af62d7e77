"""From a question to what Slack shows: the answer's messages, or the friendly wording of an
error. Never exception text: the error class names its message in prompts/messages.yaml."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from licensebot import prompts
from licensebot.answering.answer import Answer
from licensebot.errors import BadQuestion, LicensebotError, QuestionLogError, ReindexInProgress
from licensebot.slack.blocks import Block, answer_fallback, answer_messages, text_blocks
from licensebot.slack.comparison_blocks import is_pair, pair_blocks, pair_fallback
from licensebot.slack.deps import SlackDeps
from licensebot.slack.metrics import outcome
from licensebot.slack.questions import Asked

log = logging.getLogger("licensebot.slack")


@dataclass(frozen=True)
class Message:
    text: str
    """The notification and fallback text."""
    blocks: list[Block]


@dataclass(frozen=True)
class Reply:
    messages: tuple[Message, ...]
    """One, or several when the answer is too big for one Slack message."""
    answered: bool
    answer: Answer | None = None
    log_id: str = ""

    @property
    def text(self) -> str:
        return self.messages[0].text

    def to_json(self) -> dict[str, Any]:
        return {"messages": [{"text": m.text, "blocks": m.blocks} for m in self.messages]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reply:
        """A stored reply; the first release stored one message as {"text", "blocks"}."""
        messages = data.get("messages") or [data]
        return cls(tuple(Message(str(m.get("text", "")), list(m.get("blocks", []))) for m in messages), True)


def error_text(exc: BaseException) -> str:
    """What people are told about a failure (the logs have the details)."""
    if isinstance(exc, BadQuestion):
        return str(exc)  # written for people: "Please ask a question..."
    if isinstance(exc, ReindexInProgress):
        return prompts.message("reindex_busy", detail=exc.who)
    key = exc.chat if isinstance(exc, LicensebotError) and exc.chat else "apology"
    return prompts.message(key)


def text_reply(text: str) -> Reply:
    return Reply((Message(text, text_blocks(text)),), False)


def split_reply(text: str, messages: list[list[Block]], *, answered: bool = True) -> Reply:
    """``messages`` as a Reply: ``text`` notifies for the first, a "continued" line for the rest."""
    total = len(messages)
    return Reply(tuple(
        Message(text if n == 1 else prompts.message("continued", n=n, total=total), blocks)
        for n, blocks in enumerate(messages, 1)
    ), answered)


def is_continuation(text: str) -> bool:
    """Whether ``text`` is the notification text of a later message of a split reply."""
    return text.startswith(prompts.message("continued", n=0, total=0).split("0", 1)[0])


def count_failure(deps: SlackDeps, exc: BaseException) -> None:
    deps.metrics.errors.labels(type(exc).__name__).inc()


def answer_reply(
    deps: SlackDeps, question: str, context: list[str] | None = None, *, asked: Asked | None = None,
    shareable: bool = False,
) -> Reply:
    """Answer, log and render; every failure becomes a friendly message and a metric. A question
    log that is down costs the feedback buttons, never the answer."""
    started = time.perf_counter()
    try:
        answer: Answer = deps.service.ask(question, context=context or [])
    except BadQuestion as exc:
        deps.metrics.answers.labels("rejected").inc()
        return text_reply(error_text(exc))
    except Exception as exc:
        log.exception("answering failed")
        deps.metrics.answers.labels("error").inc()
        count_failure(deps, exc)
        return text_reply(error_text(exc))
    seconds = time.perf_counter() - started
    deps.metrics.answers.labels(outcome(answer)).inc()
    deps.metrics.latency.observe(seconds)
    log.info("answered in %.2f s (%s, %d quotes)", seconds, outcome(answer), len(answer.quotes))
    try:
        key = deps.questions.record(answer, asked or Asked())
    except QuestionLogError as exc:
        log.error("answer not logged (no feedback buttons on it): %s", exc)
        count_failure(deps, exc)
        key = ""
    share = ""
    if shareable and not answer.abstained:
        # The question rides along with the log id: if the stored reply is gone or the log
        # cannot be reached when someone shares, the question is answered again.
        share = (f"id:{key}:" if key else "q:") + answer.question[:1900]
    if is_pair(answer):  # two licenses at once: comparison_blocks.py
        reply = split_reply(pair_fallback(answer), [pair_blocks(answer, feedback_id=key, share_value=share)])
    else:
        reply = split_reply(answer_fallback(answer), answer_messages(answer, feedback_id=key, share_value=share))
    reply = Reply(reply.messages, True, answer, key)
    if key:
        try:
            deps.questions.store_reply(key, reply.to_json())
        except QuestionLogError as exc:
            log.error("reply not stored (sharing will answer again): %s", exc)
            count_failure(deps, exc)
    return reply
