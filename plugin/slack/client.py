"""The Slack Web API client: rate limits waited out and retried, and every refusal and 429
counted in the metrics, whichever listener made the call.

Bolt builds a new WebClient for each request, copying the app client's retry handlers and
nothing else of it; so the counting is done by a retry handler that sees every response and
never asks for a retry itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from licensebot.errors import ConfigError

OnError = Callable[[str, str], None]
OnRateLimit = Callable[[str], None]


def _ignore(*args: str) -> None:
    return None


def _error_of(response: HttpResponse) -> str:
    """Slack's error code from a refusal: ``ok: false`` in the body, else the HTTP status class."""
    body: Any = response.body
    if not body and response.data:
        try:
            body = json.loads(response.data)
        except ValueError:
            body = {}
    if isinstance(body, dict) and body.get("ok") is False:
        return str(body.get("error") or "")
    return f"http_{response.status_code // 100}xx" if response.status_code >= 400 else ""


class _Counter(RetryHandler):
    """Sees every response (first in the list of handlers) and counts refusals and 429s."""

    def __init__(self, on_error: OnError, on_rate_limit: OnRateLimit) -> None:
        super().__init__(max_retry_count=0)
        self._on_error = on_error
        self._on_rate_limit = on_rate_limit

    def can_retry(self, *, state: RetryState, request: HttpRequest, response: HttpResponse | None = None,
                  error: Exception | None = None) -> bool:
        if response is not None:
            method = request.url.rsplit("/", 1)[-1]
            if response.status_code == 429:
                self._on_rate_limit(method)
            elif error_code := _error_of(response):
                self._on_error(method, error_code)
        return False


def web_client(token: str, api_url: str = "", *, on_error: OnError = _ignore,
               on_rate_limit: OnRateLimit = _ignore) -> WebClient:
    base = api_url.rstrip("/") + "/" if api_url else WebClient.BASE_URL
    client = WebClient(token=token, base_url=base)
    client.retry_handlers.insert(0, _Counter(on_error, on_rate_limit))
    # HTTP 429 with Retry-After: wait and retry instead of losing the answer.
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=3))
    return client


def check_token(client: WebClient) -> dict[str, Any]:
    """auth.test: who the token belongs to, or a ConfigError saying why Slack refused it."""
    try:
        return dict(client.auth_test().data)  # type: ignore[arg-type]
    except SlackApiError as exc:
        raise ConfigError(f"Slack rejected SLACK_BOT_TOKEN ({exc.response.get('error')})") from exc
    except OSError as exc:
        raise ConfigError(f"cannot reach the Slack API at {client.base_url}: {exc}") from exc
