"""Feedback buttons under every answer."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, Respond

from licensebot.slack.deps import SlackDeps

VOTES = {"feedback_helpful": "helpful", "feedback_not_helpful": "not_helpful"}


def record_vote(deps: SlackDeps, body: dict[str, Any], respond: Respond) -> None:
    action = body["actions"][0]
    vote = VOTES.get(action.get("action_id", ""), "")
    user = body.get("user", {}).get("id", "")
    if vote and deps.feedback.vote(action.get("value", ""), vote, user):
        respond(text="Thanks, your feedback was recorded.", response_type="ephemeral", replace_original=False)


def register(app: App, deps: SlackDeps) -> None:
    def on_vote(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        deps.submit(lambda: record_vote(deps, body, respond))

    app.action(re.compile("^(" + "|".join(VOTES) + ")$"))(on_vote)
