"""The agent messaging experience (``agent_view``, the default for Slack apps since 2026-06-30):
conversations happen in the app's Messages tab. Suggested prompts are set when someone opens
that tab (listeners/home.py); each top-level direct message is a question answered with a
status while searching and a streamed answer, the clause's own sentence first.

Messages inside a DM thread carry ``thread_ts``: Bolt's Assistant middleware takes those
(listeners/assistant.py) and answers them on the same path, so this listener sees top-level
messages, and every direct message of an app without the AI features.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, SayStream, SetStatus
from slack_sdk import WebClient

from licensebot.slack.conversation import Tools, answer_turn, is_from_a_bot, turn_of
from licensebot.slack.deps import SlackDeps


def register(app: App, deps: SlackDeps) -> None:
    def on_message(ack: Ack, event: dict[str, Any], client: WebClient, context: BoltContext,
                   set_status: SetStatus | None, say_stream: SayStream | None) -> None:
        ack()
        if event.get("channel_type") != "im" or is_from_a_bot(event) or event.get("subtype"):
            return
        turn = turn_of(event, "agent", context.team_id or "")

        def set_title(title: str) -> object:
            return client.assistant_threads_setTitle(channel_id=turn.channel, thread_ts=turn.thread_ts, title=title)

        tools = Tools(set_status=set_status, say_stream=say_stream, set_title=set_title)
        deps.submit(lambda: answer_turn(deps, client, turn, tools))

    app.event("message")(on_message)
