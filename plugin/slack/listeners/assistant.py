"""Slack's assistant pane (AI app surface): suggested prompts when a thread starts, then every
message answered on the same path as mentions, with a status while searching, a thread title,
and the answer streamed so that the lead shows first."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from slack_bolt import App, Assistant, BoltContext, SetSuggestedPrompts
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from licensebot import prompts
from licensebot.slack.deps import SlackDeps
from licensebot.slack.posting import post, set_status, stream
from licensebot.slack.questions import Asked
from licensebot.slack.replies import answer_reply, text_reply

TITLE_CHARS = 80


def thread_started(set_suggested_prompts: SetSuggestedPrompts, say: Any) -> None:
    say(prompts.message("assistant_greeting"))
    set_suggested_prompts(prompts=prompts.messages("suggested_prompts"))


def context_changed() -> None:
    """The channel the user is looking at does not change what a license says; ignore it
    (Bolt's default would store it in message metadata, an extra API call per switch)."""


def answer_in_thread(deps: SlackDeps, client: WebClient, event: dict[str, Any], team: str) -> None:
    channel, thread_ts = event["channel"], event.get("thread_ts") or event["ts"]
    user, question = event.get("user", ""), event.get("text", "")
    set_status(client, channel, thread_ts, prompts.message("assistant_status"))
    try:
        with suppress(SlackApiError):  # a title is a nicety; the answer matters
            client.assistant_threads_setTitle(channel_id=channel, thread_ts=thread_ts, title=question[:TITLE_CHARS])
        reply = answer_reply(deps, question, asked=Asked(user, channel, "assistant"))
        stream(client, channel, thread_ts, reply, team=team, user=user)
    except Exception:
        deps.metrics.errors.labels("post").inc()
        post(client, channel, text_reply(prompts.message("apology")), thread_ts)
        raise
    finally:
        set_status(client, channel, thread_ts, "")


def register(app: App, deps: SlackDeps) -> None:
    assistant = Assistant()

    def on_user_message(payload: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        # The status shows at once, from the listener; the answer runs on the worker pool so a
        # shutdown can wait for it.
        deps.submit(lambda: answer_in_thread(deps, client, payload, context.team_id or ""))

    assistant.thread_started(thread_started)
    assistant.thread_context_changed(context_changed)
    assistant.user_message(on_user_message)
    app.use(assistant)
