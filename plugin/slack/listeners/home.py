"""App Home: the Home tab (what the bot does, how to ask, index status, model and license), and
the Messages tab, which under agent_view is the agent DM: opening it sets the suggested prompts.

``app_home_opened`` fires for both tabs (and on every open); ``event["tab"]`` says which."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, SetSuggestedPrompts
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

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


def offer_prompts(set_suggested_prompts: SetSuggestedPrompts) -> None:
    """Suggested prompts pinned to the top of the agent DM (no thread needed). An app still on
    assistant_view has no such place and Slack refuses: nothing is lost, so it is only logged."""
    try:
        set_suggested_prompts(prompts=prompts.messages("suggested_prompts"), title=prompts.message("prompts_title"))
    except (SlackApiError, SlackRequestError) as exc:
        log.info("suggested prompts not set on the Messages tab: %s", exc)


def register(app: App, deps: SlackDeps) -> None:
    def on_home_opened(ack: Ack, event: dict[str, Any], client: WebClient,
                       set_suggested_prompts: SetSuggestedPrompts | None) -> None:
        ack()
        tab = event.get("tab")
        if tab == "home":
            deps.submit(lambda: publish_home(deps, client, event["user"]))
        elif tab == "messages" and set_suggested_prompts is not None:
            deps.submit(lambda: offer_prompts(set_suggested_prompts))

    app.event("app_home_opened")(on_home_opened)
