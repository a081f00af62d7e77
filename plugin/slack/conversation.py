"""One question asked in a conversation, answered where it was asked, on the same path for every
surface: the agent DM (agent_view), the assistant pane (assistant_view), a direct message and a
mention in a channel thread.

A status shows while the bot searches, the answer is streamed where Bolt offers ``say_stream``
(posted otherwise), a follow-up in a thread is read with the thread's earlier questions, and
any failure puts an apology where the answer should have been and clears the status.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from licensebot import prompts
from licensebot.answering.question import USER_MENTION
from licensebot.slack.deps import SlackDeps
from licensebot.slack.posting import SetStatus, StartStream, apologise, set_status, stream
from licensebot.slack.questions import Asked
from licensebot.slack.replies import answer_reply

log = logging.getLogger("licensebot.slack")
TITLE_CHARS = 80
EARLIER_QUESTIONS = 3


@dataclass(frozen=True)
class Turn:
    """A question and where its answer goes."""

    channel: str
    ts: str
    """The question's own message."""
    thread_ts: str
    """The thread the answer goes to (the question's own ts when it started one)."""
    user: str
    team: str
    question: str
    surface: str
    """agent | assistant | dm | mention (the question log's audit trail)."""
    follow_up: bool = False
    """Asked inside an existing thread: earlier questions there give it context."""
    bot_user: str = ""
    """In channels only messages mentioning the bot count as earlier questions."""


@dataclass(frozen=True)
class Tools:
    """Bolt's utilities for the event, where it attaches them (None where it does not)."""

    set_status: SetStatus | None = None
    say_stream: StartStream | None = None
    set_title: Callable[[str], object] | None = None


def strip_mentions(text: str) -> str:
    return USER_MENTION.sub(" ", text or "").strip()


def is_from_a_bot(event: dict[str, Any]) -> bool:
    return bool(event.get("bot_id") or event.get("subtype") in ("bot_message", "message_changed", "message_deleted"))


def turn_of(event: dict[str, Any], surface: str, team: str = "", bot_user: str = "") -> Turn:
    ts = str(event.get("ts", ""))
    thread_ts = str(event.get("thread_ts") or ts)
    return Turn(channel=str(event.get("channel", "")), ts=ts, thread_ts=thread_ts, user=str(event.get("user", "")),
                team=team, question=strip_mentions(event.get("text", "")), surface=surface,
                follow_up=bool(event.get("thread_ts")), bot_user=bot_user)


def thread_questions(client: WebClient, turn: Turn) -> list[str]:
    """Earlier questions asked of the bot in this thread, oldest first (read from Slack, so
    every replica sees the same thread)."""
    try:
        replies = client.conversations_replies(channel=turn.channel, ts=turn.thread_ts, limit=50)
    except (SlackApiError, SlackRequestError):
        return []
    questions = []
    messages: list[dict[str, Any]] = replies.get("messages", []) or []
    for m in messages:
        if m.get("ts") == turn.ts or is_from_a_bot(m):
            continue
        if turn.bot_user and f"<@{turn.bot_user}" not in m.get("text", ""):
            continue
        q = strip_mentions(m.get("text", ""))
        if q:
            questions.append(q)
    return questions[-EARLIER_QUESTIONS:]


def answer_turn(deps: SlackDeps, client: WebClient, turn: Turn, tools: Tools) -> None:
    shown = set_status(tools.set_status, prompts.message("assistant_status"))
    try:
        if tools.set_title is not None:
            with suppress(SlackApiError, SlackRequestError):  # a title is a nicety; the answer matters
                tools.set_title(turn.question[:TITLE_CHARS])
        context = thread_questions(client, turn) if turn.follow_up else []
        reply = answer_reply(deps, turn.question, context, asked=Asked(turn.user, turn.channel, turn.surface))
        stream(tools.say_stream, client, turn.channel, turn.thread_ts, reply)
    except Exception as exc:
        apologise(deps, exc, client=client, channel=turn.channel, thread_ts=turn.thread_ts)
    finally:
        if shown:
            set_status(tools.set_status, "")
