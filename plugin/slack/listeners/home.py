"""The App Home tab: what the bot does, how to ask, index status, model and license."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from licensebot.errors import LicensebotError
from licensebot.slack.blocks import escape
from licensebot.slack.deps import SlackDeps, log

NOTICE = "Not legal advice; ask Legal before relying on an answer."


def home_view(deps: SlackDeps) -> dict[str, Any]:
    try:
        status = deps.status()
        index_line = (
            f"*Index:* {status['documents']} documents, {status['chunks']} clauses, "
            f"last reindexed {status.get('indexed_at') or 'never'}"
        )
    except LicensebotError:
        index_line = "*Index:* unavailable right now"
    model = deps.model
    model_line = "*Model:* none"
    if model:
        model_line = f"*Model:* {escape(model.name)} ({model.license}, {model.license_source})"
    text = (
        "*licensebot* answers questions about software and AI-model licenses by quoting the exact clauses "
        "(license, section, link). It says when the indexed documents do not cover a question.\n\n"
        "*How to ask:* mention me in a channel (`@licensebot can we use Llama 3.1 outputs to train a model?`), "
        "send me a direct message, or use `/license <question>`. `/license help` lists every command."
    )
    return {
        "type": "home",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": text}},
            {"type": "section", "text": {"type": "mrkdwn", "text": f"{index_line}\n{model_line}"}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": NOTICE}]},
        ],
    }


def publish_home(deps: SlackDeps, client: WebClient, user_id: str) -> None:
    try:
        client.views_publish(user_id=user_id, view=home_view(deps))
    except SlackApiError as exc:
        log.warning("views.publish failed: %s", exc.response.get("error"))
