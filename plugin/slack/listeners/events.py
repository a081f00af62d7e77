"""@mentions in channels (answered in the thread) and direct messages."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from licensebot.answering.question import USER_MENTION
from licensebot.slack.deps import APOLOGY, SlackDeps, answer_reply, log
from licensebot.slack.listeners.home import publish_home

WORKING = "hourglass_flowing_sand"


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


def _react(client: WebClient, name: str, channel: str, ts: str, *, add: bool) -> None:
    try:
        if add:
            client.reactions_add(channel=channel, timestamp=ts, name=name)
        else:
            client.reactions_remove(channel=channel, timestamp=ts, name=name)
    except SlackApiError as exc:  # a missing reaction scope must not cost the answer
        log.warning("reaction %s failed: %s", "add" if add else "remove", exc.response.get("error"))


def answer_event(deps: SlackDeps, client: WebClient, event: dict[str, Any], *, in_thread: bool, bot_user: str) -> None:
    channel = event["channel"]
    ts = event["ts"]
    thread_ts = event.get("thread_ts") or ts
    question = strip_mentions(event.get("text", ""))
    _react(client, WORKING, channel, ts, add=True)
    try:
        context = thread_questions(client, channel, thread_ts, ts, bot_user) if event.get("thread_ts") else []
        reply = answer_reply(deps, question, context)
        kwargs = {"thread_ts": thread_ts} if in_thread else {}
        client.chat_postMessage(channel=channel, text=reply.text, blocks=reply.blocks, unfurl_links=False, **kwargs)
    except Exception:
        log.exception("could not answer event %s", ts)
        try:
            client.chat_postMessage(channel=channel, text=APOLOGY, **({"thread_ts": thread_ts} if in_thread else {}))
        except SlackApiError:
            log.exception("could not post the apology either")
    finally:
        _react(client, WORKING, channel, ts, add=False)


def register(app: App, deps: SlackDeps) -> None:
    def on_mention(ack: Ack, event: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
        ack()
        if not is_from_a_bot(event):
            bot_user = context.get("bot_user_id") or ""
            deps.submit(lambda: answer_event(deps, client, event, in_thread=True, bot_user=bot_user))

    def on_message(ack: Ack, event: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
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
