"""The Slack app: a Bolt App wired to the answering service. Kept thin on purpose."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.error import BoltError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from licensebot.errors import ConfigError
from licensebot.settings import Settings
from licensebot.slack.deps import SlackDeps
from licensebot.slack.listeners import actions, assistant, commands, events, shortcuts

log = logging.getLogger("licensebot.slack")


def web_client(token: str, api_url: str = "") -> WebClient:
    base = api_url.rstrip("/") + "/" if api_url else WebClient.BASE_URL
    client = WebClient(token=token, base_url=base)
    # HTTP 429 with Retry-After: wait and retry instead of losing the answer.
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=3))
    return client


def check_slack_settings(settings: Settings, *, http_mode: bool) -> None:
    """Fail before loading anything heavy when a required Slack secret is missing."""
    if not settings.slack_bot_token:
        raise ConfigError("SLACK_BOT_TOKEN is not set; create the app from deploy/ and copy its bot token")
    if http_mode and not settings.slack_signing_secret:
        raise ConfigError("SLACK_SIGNING_SECRET is needed in HTTP mode (Basic Information > Signing Secret)")


def check_token(client: WebClient) -> dict[str, Any]:
    """auth.test: who the token belongs to, or a ConfigError saying why Slack refused it."""
    try:
        return dict(client.auth_test().data)  # type: ignore[arg-type]
    except SlackApiError as exc:
        raise ConfigError(f"Slack rejected SLACK_BOT_TOKEN ({exc.response.get('error')})") from exc
    except OSError as exc:
        raise ConfigError(f"cannot reach the Slack API at {client.base_url}: {exc}") from exc


def create_app(deps: SlackDeps, *, http_mode: bool = True) -> App:
    settings = deps.settings
    check_slack_settings(settings, http_mode=http_mode)
    client = web_client(settings.slack_bot_token, settings.slack_api_url)
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
            return BoltResponse(status=200, body="")
        return next()

    # The assistant pane's middleware first: it takes the messages of assistant threads, so the
    # DM listener in events never answers them a second time.
    assistant.register(app, deps)
    events.register(app, deps)
    commands.register(app, deps)
    actions.register(app, deps)
    shortcuts.register(app, deps)
    return app
