"""@mentions in channels (answered in the thread), direct messages outside the assistant pane,
and the App Home tab."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from licensebot import prompts
from licensebot.answering.question import USER_MENTION
from licensebot.slack.deps import SlackDeps
from licensebot.slack.listeners.home import publish_home
from licensebot.slack.posting import post, set_status
from licensebot.slack.questions import Asked
from licensebot.slack.replies import answer_reply, text_reply

log = logging.getLogger("licensebot.slack")


def strip_mentions(text: str) -> str:
    return USER_MENTION.sub(" ", text or "").strip()


def is_from_a_bot(event: dict[str, Any]) -> bool:
    return bool(event.get("bot_id") or event.get("subtype") in ("bot_message", "message_changed", "message_deleted"))


def thread_questions(client: WebClient, channel: str, thread_ts: str, current_ts: str, bot_user: str) -> list[str]:
    """Earlier questions asked of the bot in this thread, oldest first."""
    try:
        replies = client.conversations_replies(channel=channel, ts=thread_ts, limit=50)
    except SlackApiError:
        return []
    questions = []
    messages: list[dict[str, Any]] = replies.get("messages", []) or []
    for m in messages:
        if m.get("ts") == current_ts or is_from_a_bot(m):
            continue
        if bot_user and f"<@{bot_user}" not in m.get("text", ""):
            continue
        q = strip_mentions(m.get("text", ""))
        if q:
            questions.append(q)
    return questions[-3:]


def answer_event(deps: SlackDeps, client: WebClient, event: dict[str, Any], *, in_thread: bool, bot_user: str) -> None:
    channel = event["channel"]
    ts = event["ts"]
    thread_ts = event.get("thread_ts") or ts
    question = strip_mentions(event.get("text", ""))
    reply_in = thread_ts if in_thread else ""
    status = in_thread and set_status(client, channel, thread_ts, prompts.message("assistant_status"))
    try:
        context = thread_questions(client, channel, thread_ts, ts, bot_user) if event.get("thread_ts") else []
        asked = Asked(event.get("user", ""), channel, "mention" if in_thread else "dm")
        post(client, channel, answer_reply(deps, question, context, asked=asked), reply_in)
    except Exception:
        log.exception("could not answer event %s", ts)
        deps.metrics.errors.labels("post").inc()
        try:
            post(client, channel, text_reply(prompts.message("apology")), reply_in)
        except SlackApiError:
            log.exception("could not post the apology either")
    finally:
        if status:
            set_status(client, channel, thread_ts, "")


def register(app: App, deps: SlackDeps) -> None:
    def on_mention(ack: Ack, event: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
        ack()
        if not is_from_a_bot(event):
            bot_user = context.get("bot_user_id") or ""
            deps.submit(lambda: answer_event(deps, client, event, in_thread=True, bot_user=bot_user))

    def on_message(ack: Ack, event: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
        # Messages in assistant threads are the Assistant middleware's (listeners/assistant.py);
        # it runs first and never passes them on.
        ack()
        if event.get("channel_type") == "im" and not is_from_a_bot(event) and not event.get("subtype"):
            bot_user = context.get("bot_user_id") or ""
            deps.submit(lambda: answer_event(deps, client, event, in_thread=False, bot_user=bot_user))

    def on_home(ack: Ack, event: dict[str, Any], client: WebClient) -> None:
        ack()
        deps.submit(lambda: publish_home(deps, client, event["user"]))

    app.event("app_mention")(on_mention)
    app.event("message")(on_message)
    app.event("app_home_opened")(on_home)
