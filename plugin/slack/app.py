"""The Slack app: a Bolt App wired to the answering service. Kept thin on purpose."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.error import BoltError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from plugin.errors import ConfigError
from plugin.slack.deps import SlackDeps
from plugin.slack.listeners import actions, commands, events, shortcuts

log = logging.getLogger("licensebot.slack")


def web_client(token: str, api_url: str = "") -> WebClient:
    base = api_url.rstrip("/") + "/" if api_url else WebClient.BASE_URL
    return WebClient(token=token, base_url=base)


def create_app(deps: SlackDeps, *, http_mode: bool = True) -> App:
    settings = deps.settings
    api_url = settings.slack_api_url
    if not settings.slack_bot_token:
        raise ConfigError("SLACK_BOT_TOKEN is not set; create the app from deploy/ and copy its bot token")
    if http_mode and not settings.slack_signing_secret:
        raise ConfigError("SLACK_SIGNING_SECRET is needed in HTTP mode (Basic Information > Signing Secret)")
    client = web_client(settings.slack_bot_token, api_url)
    try:
        client.auth_test()
    except SlackApiError as exc:
        raise ConfigError(f"Slack rejected SLACK_BOT_TOKEN ({exc.response.get('error')})") from exc
    except OSError as exc:
        raise ConfigError(f"cannot reach the Slack API at {client.base_url}: {exc}") from exc
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
            return BoltResponse(status=200, body="")
        return next()

    events.register(app, deps)
    commands.register(app, deps)
    actions.register(app, deps)
    shortcuts.register(app, deps)
    return app
