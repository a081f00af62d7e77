"""From a question to what Slack shows: the answer's blocks, or the friendly wording of an error.
Never exception text: the error class names its message in prompts/messages.yaml."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from licensebot import prompts
from licensebot.answering.answer import Answer
from licensebot.errors import BadQuestion, LicensebotError, ReindexInProgress
from licensebot.slack.blocks import Block, answer_blocks, answer_fallback, text_blocks
from licensebot.slack.comparison_blocks import is_pair, pair_blocks, pair_fallback
from licensebot.slack.deps import SlackDeps
from licensebot.slack.metrics import outcome
from licensebot.slack.questions import Asked

log = logging.getLogger("licensebot.slack")


@dataclass(frozen=True)
class Reply:
    text: str
    blocks: list[Block]
    answered: bool
    answer: Answer | None = None
    log_id: str = ""


def error_text(exc: BaseException) -> str:
    """What people are told about a failure (the logs have the details)."""
    if isinstance(exc, BadQuestion):
        return str(exc)  # written for people: "Please ask a question..."
    if isinstance(exc, ReindexInProgress):
        return prompts.message("reindex_busy", detail=exc.who)
    key = exc.chat if isinstance(exc, LicensebotError) and exc.chat else "apology"
    return prompts.message(key)


def text_reply(text: str) -> Reply:
    return Reply(text, text_blocks(text), False)


def answer_reply(
    deps: SlackDeps, question: str, context: list[str] | None = None, *, asked: Asked | None = None,
    shareable: bool = False,
) -> Reply:
    """Answer, log and render; every failure becomes a friendly message and a metric."""
    started = time.perf_counter()
    try:
        answer: Answer = deps.service.ask(question, context=context or [])
    except BadQuestion as exc:
        deps.metrics.answers.labels("rejected").inc()
        return text_reply(error_text(exc))
    except Exception as exc:
        log.exception("answering failed")
        deps.metrics.answers.labels("error").inc()
        deps.metrics.errors.labels(type(exc).__name__).inc()
        return text_reply(error_text(exc))
    seconds = time.perf_counter() - started
    deps.metrics.answers.labels(outcome(answer)).inc()
    deps.metrics.latency.observe(seconds)
    log.info("answered in %.2f s (%s, %d quotes)", seconds, outcome(answer), len(answer.quotes))
    key = deps.questions.record(answer, asked or Asked())
    share = ""
    if shareable and not answer.abstained:
        # The log id when the reply is kept; otherwise the question, answered again on share.
        share = f"id:{key}" if key else "q:" + answer.question[:1900]
    if is_pair(answer):  # two licenses at once: comparison_blocks.py
        blocks, text = pair_blocks(answer, feedback_id=key, share_value=share), pair_fallback(answer)
    else:
        blocks, text = answer_blocks(answer, feedback_id=key, share_value=share), answer_fallback(answer)
    if key:
        deps.questions.store_reply(key, {"text": text, "blocks": blocks})
    return Reply(text, blocks, True, answer, key)
