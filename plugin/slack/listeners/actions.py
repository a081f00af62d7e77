"""Buttons under answers: Slack's feedback buttons, and "Share in channel" on private answers."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond

from licensebot import prompts
from licensebot.slack.blocks import without_actions
from licensebot.slack.deps import SlackDeps
from licensebot.slack.questions import Asked
from licensebot.slack.replies import answer_reply

log = logging.getLogger("licensebot.slack")
VOTES = {"up": "helpful", "down": "not_helpful"}


def record_vote(deps: SlackDeps, body: dict[str, Any], respond: Respond) -> None:
    """feedback_buttons send "up:<log id>" or "down:<log id>"."""
    action = body["actions"][0]
    direction, _, key = str(action.get("value", "")).partition(":")
    vote = VOTES.get(direction)
    if vote is None:
        log.warning("unknown feedback value %r", action.get("value"))
        return
    deps.metrics.feedback.labels(vote).inc()
    user = body.get("user", {}).get("id", "")
    if deps.questions.vote(key, vote, user):
        text = prompts.message("feedback_thanks")
    elif not deps.questions.keeps_anything:
        text = prompts.message("feedback_not_kept")
    else:
        text = prompts.message("feedback_gone", days=deps.questions.retention_days)
    respond(text=text, response_type="ephemeral", replace_original=False)


def share_answer(deps: SlackDeps, body: dict[str, Any], respond: Respond) -> None:
    """Post a private /license answer into the channel, as it was shown, without the button."""
    value = str(body["actions"][0].get("value", ""))
    kind, _, rest = value.partition(":")
    user = body.get("user", {}).get("id", "")
    reply = deps.questions.reply(rest) if kind == "id" else None
    if reply is not None:
        text, blocks = str(reply.get("text", "")), list(reply.get("blocks", []))
    elif kind == "q" and rest:
        channel = body.get("channel", {}).get("id", "")
        fresh = answer_reply(deps, rest, asked=Asked(user, channel, "share"))
        text, blocks = fresh.text, fresh.blocks
    else:
        respond(text=prompts.message("share_gone", days=deps.questions.retention_days),
                response_type="ephemeral", replace_original=False)
        return
    # The response_url posts as the bot where the command was run, even in channels the bot has
    # not joined, so sharing needs no chat:write.public.
    respond(text=text, blocks=without_actions(blocks, "licensebot_share"), response_type="in_channel",
            delete_original=True)


def register(app: App, deps: SlackDeps) -> None:
    def on_feedback(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        deps.submit(lambda: record_vote(deps, body, respond))

    def on_share(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        deps.submit(lambda: share_answer(deps, body, respond))

    app.action("feedback")(on_feedback)
    app.action("share_answer")(on_share)
