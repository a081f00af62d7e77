"""@mentions in channels: answered in the message's thread, a follow-up read with the thread's
earlier questions addressed to the bot."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, SetStatus
from slack_sdk import WebClient

from licensebot.slack.conversation import Tools, answer_turn, is_from_a_bot, turn_of
from licensebot.slack.deps import SlackDeps


def register(app: App, deps: SlackDeps) -> None:
    def on_mention(ack: Ack, event: dict[str, Any], client: WebClient, context: BoltContext,
                   set_status: SetStatus | None) -> None:
        ack()
        if not is_from_a_bot(event):
            turn = turn_of(event, "mention", context.team_id or "", bot_user=context.bot_user_id or "")
            # Posted, not streamed: in a channel everyone reads the thread, and a post is one
            # message the whole channel sees complete.
            deps.submit(lambda: answer_turn(deps, client, turn, Tools(set_status=set_status)))

    app.event("app_mention")(on_mention)
