"""Slack's assistant pane (``assistant_view``, the legacy AI-app surface with Chat and History
tabs, kept for apps installed before agent_view): suggested prompts when a thread starts, then
every message answered on the same path as the agent DM (conversation.py), with a status, a
thread title and the answer streamed so that the lead shows first.

Bolt's Assistant middleware also takes every reply inside a DM thread, under agent_view too:
they are answered here, as follow-ups read with the thread's earlier questions."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, Assistant, BoltContext, SayStream, SetStatus, SetSuggestedPrompts, SetTitle
from slack_sdk import WebClient

from licensebot import prompts
from licensebot.slack.conversation import Tools, answer_turn, turn_of
from licensebot.slack.deps import SlackDeps


def thread_started(set_suggested_prompts: SetSuggestedPrompts, say: Any) -> None:
    say(prompts.message("assistant_greeting"))
    set_suggested_prompts(prompts=prompts.messages("suggested_prompts"), title=prompts.message("prompts_title"))


def context_changed() -> None:
    """The channel the user is looking at does not change what a license says; ignore it
    (Bolt's default would store it in message metadata, an extra API call per switch)."""


def register(app: App, deps: SlackDeps) -> None:
    assistant = Assistant()

    def on_user_message(payload: dict[str, Any], client: WebClient, context: BoltContext,
                        set_status: SetStatus | None, say_stream: SayStream | None, set_title: SetTitle | None) -> None:
        # The answer runs on the worker pool so a shutdown can wait for it.
        turn = turn_of(payload, "assistant", context.team_id or "")
        tools = Tools(set_status=set_status, say_stream=say_stream, set_title=set_title)
        deps.submit(lambda: answer_turn(deps, client, turn, tools))

    assistant.thread_started(thread_started)
    assistant.thread_context_changed(context_changed)
    assistant.user_message(on_user_message)
    app.use(assistant)
