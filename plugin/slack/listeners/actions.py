"""Buttons under answers: Slack's feedback buttons, "Share in channel" on private answers, and
the licenses to choose from when a question named none.

Both read the question log, which every replica shares when it is in PostgreSQL: the click may
land on a replica other than the one that answered. A vote is thanked only once it is stored;
a log that cannot be reached says so (try again) instead of dropping the vote.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App, Respond

from licensebot import prompts
from licensebot.errors import QuestionLogError, SlackPostFailed
from licensebot.slack.blocks import without_actions
from licensebot.slack.deps import SlackDeps
from licensebot.slack.posting import apologise, respond, respond_reply
from licensebot.slack.questions import Asked
from licensebot.slack.replies import Message, Reply, answer_reply, count_failure, error_text

log = logging.getLogger("licensebot.slack")
VOTES = {"up": "helpful", "down": "not_helpful"}
KEY_CHARS = 32
"""A log id is a uuid4 in hex."""


def record_vote(deps: SlackDeps, body: dict[str, Any], to: Respond) -> None:
    """feedback_buttons send "up:<log id>" or "down:<log id>"."""
    action = body["actions"][0]
    direction, _, key = str(action.get("value", "")).partition(":")
    vote = VOTES.get(direction)
    if vote is None:
        log.warning("unknown feedback value %r", action.get("value"))
        return
    user = body.get("user", {}).get("id", "")
    try:
        stored = deps.questions.vote(key, vote, user)
    except QuestionLogError as exc:
        log.error("vote not stored: %s", exc)
        count_failure(deps, exc)
        text = error_text(exc)
    else:
        deps.metrics.feedback.labels(vote).inc()
        if stored:
            text = prompts.message("feedback_thanks")
        elif not deps.questions.keeps_anything:
            text = prompts.message("feedback_not_kept")
        else:
            text = prompts.message("feedback_gone", days=deps.questions.retention_days)
    try:
        respond(deps, to, text=text, response_type="ephemeral", replace_original=False)
    except SlackPostFailed as exc:
        log.error("could not confirm the vote: %s", exc)


def parse_share(value: str) -> tuple[str, str]:
    """(log id, question) from a share button: "id:<key>:<question>", "q:<question>", or
    "id:<key>" from buttons posted before the question rode along."""
    kind, _, rest = value.partition(":")
    if kind == "id":
        return rest[:KEY_CHARS], rest[KEY_CHARS + 1:]
    return "", rest if kind == "q" else ""


def stored_reply(deps: SlackDeps, key: str) -> Reply | None:
    try:
        data = deps.questions.reply(key)
    except QuestionLogError as exc:
        log.error("stored reply unavailable, answering again: %s", exc)
        count_failure(deps, exc)
        return None
    return Reply.from_json(data) if data is not None else None


def share_answer(deps: SlackDeps, body: dict[str, Any], to: Respond) -> None:
    """Post a private /license answer into the channel, as it was shown, without the button."""
    key, question = parse_share(str(body["actions"][0].get("value", "")))
    user = body.get("user", {}).get("id", "")
    reply = stored_reply(deps, key) if key else None
    if reply is None and question:
        channel = body.get("channel", {}).get("id", "")
        reply = answer_reply(deps, question, asked=Asked(user, channel, "share"))
    if reply is None:
        try:
            respond(deps, to, text=prompts.message("share_gone", days=deps.questions.retention_days),
                    response_type="ephemeral", replace_original=False)
        except SlackPostFailed as exc:
            log.error("could not say the answer is gone: %s", exc)
        return
    shared = Reply(tuple(Message(m.text, without_actions(m.blocks, "licensebot_share")) for m in reply.messages),
                   True)
    try:
        # The response_url posts as the bot where the command was run, even in channels the bot
        # has not joined, so sharing needs no chat:write.public.
        respond_reply(deps, shared, to, response_type="in_channel", delete_original=True)
    except SlackPostFailed as exc:
        apologise(deps, exc, to=to, replace=False)


def reask(deps: SlackDeps, body: dict[str, Any], to: Respond) -> None:
    """A choice under "Which model or license do you mean?": the question asked again under the
    license chosen, answered where the choice was offered."""
    question = str(body["actions"][0].get("value", ""))
    user = body.get("user", {}).get("id", "")
    channel = body.get("channel", {}).get("id", "")
    reply = answer_reply(deps, question, asked=Asked(user, channel, "choice"))
    try:
        respond_reply(deps, reply, to, response_type="ephemeral", replace_original=False)
    except SlackPostFailed as exc:
        apologise(deps, exc, to=to, replace=False)


def register(app: App, deps: SlackDeps) -> None:
    def on_feedback(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        deps.submit(lambda: record_vote(deps, body, respond))

    def on_share(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        deps.submit(lambda: share_answer(deps, body, respond))

    app.action("feedback")(on_feedback)
    app.action("share_answer")(on_share)

    def on_choice(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        deps.submit(lambda: reask(deps, body, respond))

    app.action(re.compile(r"^reask_\d+$"))(on_choice)
