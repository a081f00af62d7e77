"""The Slack app: a Bolt App wired to the answering service. Kept thin on purpose."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.error import BoltError

from licensebot.errors import ConfigError
from licensebot.settings import Settings
from licensebot.slack.client import check_token, web_client
from licensebot.slack.deps import SlackDeps
from licensebot.slack.listeners import actions, agent, assistant, commands, events, home, shortcuts

__all__ = ["check_slack_settings", "check_token", "create_app", "web_client"]
log = logging.getLogger("licensebot.slack")


def check_slack_settings(settings: Settings, *, http_mode: bool) -> None:
    """Fail before loading anything heavy when a required Slack secret is missing."""
    if not settings.slack_bot_token:
        raise ConfigError("SLACK_BOT_TOKEN is not set; create the app from deploy/ and copy its bot token")
    if http_mode and not settings.slack_signing_secret:
        raise ConfigError("SLACK_SIGNING_SECRET is needed in HTTP mode (Basic Information > Signing Secret)")


def create_app(deps: SlackDeps, *, http_mode: bool = True) -> App:
    settings = deps.settings
    check_slack_settings(settings, http_mode=http_mode)
    client = web_client(settings.slack_bot_token, settings.slack_api_url, on_error=deps.metrics.slack_error,
                        on_rate_limit=deps.metrics.slack_rate_limited)
    check_token(client)
    try:
        app = App(
            signing_secret=settings.slack_signing_secret or "socket-mode-does-not-sign",
            client=client,
            request_verification_enabled=http_mode,
        )
    except BoltError as exc:
        raise ConfigError(f"cannot start the Slack app: {exc}") from exc

    @app.middleware
    def drop_repeated_events(body: dict[str, Any], next: Any) -> Any:
        # Retries and duplicate deliveries carry the same event_id; answer it once.
        event_id = body.get("event_id")
        if event_id and not deps.seen.first_time(str(event_id)):
            log.info("dropping repeated event %s", event_id)
            deps.metrics.duplicates.inc()
            return BoltResponse(status=200, body="")
        return next()

    # The assistant middleware first: it takes the messages inside DM threads (the assistant
    # pane's, and follow-ups in the agent DM), so the agent listener sees top-level ones only.
    assistant.register(app, deps)
    agent.register(app, deps)
    events.register(app, deps)
    home.register(app, deps)
    commands.register(app, deps)
    actions.register(app, deps)
    shortcuts.register(app, deps)
    return app
