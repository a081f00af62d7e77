"""Delivering replies, every result checked: chat.postMessage for each of a reply's messages,
streaming (the lead shows first) where the workspace allows it, replies through a response_url,
and the "searching" status, best effort.

Slack's refusals are converted here, at the boundary, into SlackPostFailed: whoever showed
"Searching…" catches it and replaces that with an apology (``apologise``), so nothing waits
forever for an answer that will not come.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.chat_stream import ChatStream

from licensebot import prompts
from licensebot.errors import SlackPostFailed
from licensebot.slack.blocks import lead_blocks
from licensebot.slack.deps import SlackDeps
from licensebot.slack.replies import Reply, text_reply

log = logging.getLogger("licensebot.slack")

StartStream = Callable[[], ChatStream]
SetStatus = Callable[[str], object]


def _failure(what: str, exc: Exception) -> SlackPostFailed:
    detail = exc.response.get("error") if isinstance(exc, SlackApiError) else str(exc)
    return SlackPostFailed(f"Slack refused {what}: {detail}")


def set_status(status: SetStatus | None, text: str) -> bool:
    """The assistant's "is searching…" line under the thread ("" clears it). Never costs an
    answer: where the conversation has no status (a channel without the AI features), False."""
    if status is None:
        return False
    try:
        status(text)
        return True
    except (SlackApiError, SlackRequestError) as exc:
        log.debug("assistant.threads.setStatus failed: %s", _failure("the status", exc))
        return False


def post(client: WebClient, channel: str, reply: Reply, thread_ts: str = "") -> None:
    """Each message of the reply, in order, as the bot."""
    kwargs: dict[str, Any] = {"thread_ts": thread_ts} if thread_ts else {}
    for message in reply.messages:
        try:
            client.chat_postMessage(channel=channel, text=message.text, blocks=message.blocks, unfurl_links=False,
                                    **kwargs)
        except (SlackApiError, SlackRequestError) as exc:
            raise _failure("chat.postMessage", exc) from exc


def stream(start: StartStream | None, client: WebClient, channel: str, thread_ts: str, reply: Reply) -> None:
    """Stream the answer: its source line first as text, then the verbatim blocks (lead first);
    further messages of a long answer follow as posts in the thread.

    Falls back to chat.postMessage when streaming is refused (older workspaces, missing scope),
    unavailable, or the reply is not an answer with a lead."""
    lead = reply.answer.lead if reply.answer is not None else None
    if lead is None or start is None:
        post(client, channel, reply, thread_ts)
        return
    first, rest = reply.messages[0], Reply(reply.messages[1:], reply.answered)
    where = f", {lead.section}" if lead.section else ""
    try:
        streamer = start()
        streamer.append(markdown_text=prompts.message("stream_header", title=lead.title, where=where))
        # The stream's text is the lead's source line; every other block (the model's line, the
        # "closest clauses" warning, the quote) follows it.
        blocks = list(first.blocks)
        if (source := lead_blocks(lead)[0]) in blocks:
            blocks.remove(source)
        streamer.stop(blocks=blocks)
    except (SlackApiError, SlackRequestError, ValueError) as exc:
        log.info("streaming refused (%s); posting the answer instead", _failure("the stream", exc))
        post(client, channel, reply, thread_ts)
        return
    post(client, channel, rest, thread_ts)


def respond(deps: SlackDeps, to: Respond, **kwargs: Any) -> None:
    """One reply through a response_url, its HTTP status checked (Respond does not raise) and
    a refusal counted as the Web API client counts its own."""
    try:
        result = to(**kwargs)
    except (OSError, SlackRequestError) as exc:
        deps.metrics.slack_error("response_url", "request_timeout")
        raise _failure("the response_url reply", exc) from exc
    if not 200 <= result.status_code < 300:
        deps.metrics.slack_error("response_url", f"http_{result.status_code // 100}xx")
        raise SlackPostFailed(f"Slack refused the response_url reply: HTTP {result.status_code} {result.body[:200]}")


def respond_reply(deps: SlackDeps, reply: Reply, to: Respond, *, response_type: str, **first: Any) -> None:
    """Each message of the reply through the response_url: the first with ``first`` (replacing
    "Searching…" or the message with the button), the rest after it."""
    for n, message in enumerate(reply.messages):
        extra = first if n == 0 else {"replace_original": False}
        respond(deps, to, text=message.text, blocks=message.blocks, response_type=response_type, **extra)


def apologise(deps: SlackDeps, exc: Exception, *, to: Respond | None = None, replace: bool = True,
              client: WebClient | None = None, channel: str = "", thread_ts: str = "") -> None:
    """After a failure, put an apology where the answer should have been: through the
    response_url (replacing "Searching…") or as a post. If even that is refused, it is logged."""
    # Slack's refusal says it all; anything else is a bug, worth its traceback.
    log.error("reply failed: %s", exc, exc_info=not isinstance(exc, SlackPostFailed))
    deps.metrics.errors.labels(type(exc).__name__).inc()
    sorry = text_reply(prompts.message("post_failed") if isinstance(exc, SlackPostFailed) else
                       prompts.message("apology"))
    try:
        if to is not None:
            respond(deps, to, text=sorry.text, response_type="ephemeral", replace_original=replace)
        elif client is not None:
            post(client, channel, sorry, thread_ts)
    except SlackPostFailed as again:
        log.error("the apology was refused too: %s", again)
