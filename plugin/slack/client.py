"""The Slack Web API client: rate limits waited out and retried, and every refusal and 429
counted in the metrics, whichever listener made the call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web import SlackResponse

from licensebot.errors import ConfigError

OnError = Callable[[str, str], None]
OnRateLimit = Callable[[str], None]


def _ignore(*args: str) -> None:
    return None


class _CountedRateLimitRetries(RateLimitErrorRetryHandler):
    """HTTP 429 with Retry-After: wait and retry instead of losing the answer; count each one."""

    def __init__(self, on_rate_limit: OnRateLimit) -> None:
        super().__init__(max_retry_count=3)
        self._on_rate_limit = on_rate_limit

    def _can_retry(self, *, state: RetryState, request: HttpRequest, response: HttpResponse | None = None,
                   error: Exception | None = None) -> bool:
        limited = super()._can_retry(state=state, request=request, response=response, error=error)
        if limited:
            self._on_rate_limit(request.url.rsplit("/", 1)[-1])
        return limited


class CountingWebClient(WebClient):
    """A WebClient that reports each API error (by method and Slack's error code) before raising it."""

    def __init__(self, *args: Any, on_error: OnError = _ignore, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._on_error = on_error

    def api_call(self, api_method: str, **kwargs: Any) -> SlackResponse:
        try:
            return super().api_call(api_method, **kwargs)
        except SlackApiError as exc:
            self._on_error(api_method, str(exc.response.get("error") or f"http_{exc.response.status_code // 100}xx"))
            raise


def web_client(token: str, api_url: str = "", *, on_error: OnError = _ignore,
               on_rate_limit: OnRateLimit = _ignore) -> WebClient:
    base = api_url.rstrip("/") + "/" if api_url else WebClient.BASE_URL
    client = CountingWebClient(token=token, base_url=base, on_error=on_error)
    client.retry_handlers.append(_CountedRateLimitRetries(on_rate_limit))
    return client


def check_token(client: WebClient) -> dict[str, Any]:
    """auth.test: who the token belongs to, or a ConfigError saying why Slack refused it."""
    try:
        return dict(client.auth_test().data)  # type: ignore[arg-type]
    except SlackApiError as exc:
        raise ConfigError(f"Slack rejected SLACK_BOT_TOKEN ({exc.response.get('error')})") from exc
    except OSError as exc:
        raise ConfigError(f"cannot reach the Slack API at {client.base_url}: {exc}") from exc
