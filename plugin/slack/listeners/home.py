"""The App Home tab: what the bot does, how to ask, index status, model and license."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from licensebot import prompts
from licensebot.errors import LicensebotError
from licensebot.slack.blocks import context, escape, section
from licensebot.slack.deps import SlackDeps

log = logging.getLogger("licensebot.slack")


def slack_date(iso: str) -> str:
    """``<!date^…>``: Slack shows the time in each reader's own timezone; the fallback is UTC."""
    try:
        when = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return escape(iso)
    fallback = when.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(when.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback}>"


def home_view(deps: SlackDeps) -> dict[str, Any]:
    try:
        status = deps.status()
        counts = {"documents": status["documents"], "chunks": status["chunks"]}
        when = status.get("indexed_at") or ""
        index_line = (prompts.message("home_index", when=slack_date(when), **counts) if when
                      else prompts.message("home_index_never", **counts))
    except LicensebotError:
        index_line = prompts.message("home_index_down")
    model = deps.model
    model_line = (prompts.message("home_model", name=escape(model.name), license=model.license,
                                  source=model.license_source) if model else prompts.message("home_no_model"))
    return {
        "type": "home",
        "blocks": [
            section(prompts.message("home_intro")),
            section(f"{index_line}\n{model_line}"),
            context(prompts.message("home_notice")),
        ],
    }


def publish_home(deps: SlackDeps, client: WebClient, user_id: str) -> None:
    try:
        client.views_publish(user_id=user_id, view=home_view(deps))
    except SlackApiError as exc:
        log.warning("views.publish failed: %s", exc.response.get("error"))
