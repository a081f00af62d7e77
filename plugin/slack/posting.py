"""Posting replies: streamed into assistant threads where the workspace allows it (the lead
shows first), a plain chat.postMessage otherwise; the "searching" status, best effort."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from licensebot import prompts
from licensebot.slack.replies import Reply

log = logging.getLogger("licensebot.slack")


def set_status(client: WebClient, channel: str, thread_ts: str, status: str) -> bool:
    """The assistant's "is searching…" line under the thread ("" clears it). Never costs an answer."""
    try:
        client.assistant_threads_setStatus(channel_id=channel, thread_ts=thread_ts, status=status)
        return True
    except SlackApiError as exc:
        log.debug("assistant.threads.setStatus failed: %s", exc.response.get("error"))
        return False


def post(client: WebClient, channel: str, reply: Reply, thread_ts: str = "") -> None:
    kwargs: dict[str, Any] = {"thread_ts": thread_ts} if thread_ts else {}
    client.chat_postMessage(channel=channel, text=reply.text, blocks=reply.blocks, unfurl_links=False, **kwargs)


def stream(client: WebClient, channel: str, thread_ts: str, reply: Reply, *, team: str, user: str) -> None:
    """Stream the answer: its source line first as text, then the verbatim blocks (lead first).

    Falls back to chat.postMessage when streaming is refused (older workspaces, missing scope)
    or the reply is not an answer with a lead."""
    lead = reply.answer.lead if reply.answer is not None else None
    if lead is None:
        post(client, channel, reply, thread_ts)
        return
    where = f", {lead.section}" if lead.section else ""
    try:
        streamer = client.chat_stream(channel=channel, thread_ts=thread_ts, recipient_team_id=team or None,
                                      recipient_user_id=user or None)
        streamer.append(markdown_text=prompts.message("stream_header", title=lead.title, where=where))
        # The stream's text is the source line; the blocks below it start with the lead's quote.
        streamer.stop(blocks=reply.blocks[1:])
    except (SlackApiError, SlackRequestError) as exc:
        error = exc.response.get("error") if isinstance(exc, SlackApiError) else str(exc)
        log.info("streaming refused (%s); posting the answer instead", error)
        post(client, channel, reply, thread_ts)
