"""The loopback Slack of licensebot.devtools.loopback with test controls: canned responses, a failing
auth.test, calls that fail the next times they are made, Slack's limits on a message's blocks
(msg_blocks_too_long), and waiting for calls."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

from licensebot.devtools.loopback import SignedSender, SlackStub
from licensebot.slack.limits import BLOCK_LIMIT, MESSAGE_CHARS, size

SECRET = "test-signing-secret"
POSTING = ("chat.postMessage", "chat.update", "chat.stopStream", "chat.postEphemeral")


class FakeSlack(SlackStub):
    def __init__(self) -> None:
        super().__init__()
        self.responses: dict[str, Any] = {}
        self.fail_auth = False
        self._failures: dict[str, list[dict[str, Any]]] = {}

    def fail_next(self, method: str, error: str, *, times: int = 1, status: int = 200) -> None:
        """The next ``times`` calls of ``method`` (an API method or a response_url path) are
        refused with ``error``: as Slack's Web API does (HTTP 200, ok false) or, with a
        ``status``, as a response_url does (HTTP 4xx/5xx)."""
        self._failures.setdefault(method, []).extend(
            [{"ok": False, "error": error, "__status__": status}] * times
        )

    @staticmethod
    def _too_long(method: str, params: dict[str, Any]) -> bool:
        """Slack's limits on a message's blocks, enforced where messages are posted."""
        blocks = params.get("blocks")
        if not isinstance(blocks, list) or not (method.startswith("/") or method in POSTING):
            return False
        return len(blocks) > BLOCK_LIMIT or size(blocks) > MESSAGE_CHARS

    def failed(self, method: str) -> list[dict[str, Any]]:
        return self.called(method + ":refused")

    def handle(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test" and self.fail_auth:
            self.record(method, params)
            return {"ok": False, "error": "invalid_auth"}
        if self._failures.get(method):
            self.record(method + ":refused", params)
            return dict(self._failures[method].pop(0))
        if self._too_long(method, params):
            self.record(method + ":refused", params)
            return {"ok": False, "error": "msg_blocks_too_long", "__status__": 400 if method.startswith("/") else 200}
        if method in self.responses:
            self.record(method, params)
            return dict(self.responses[method])
        return super().handle(method, params)

    def start(self) -> FakeSlack:
        super().start()
        return self

    def wait_for(self, method: str, count: int = 1, timeout: float = 15.0) -> list[dict[str, Any]]:
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = self.called(method)
            if len(found) >= count:
                return found
            time.sleep(0.02)
        raise AssertionError(f"{method} was called {len(self.called(method))} times, expected {count}: {self.calls}")


class Bot(SignedSender):
    """Signed requests with the tests' signing secret."""

    def __init__(self, url: str, secret: str = SECRET) -> None:
        super().__init__(url, secret)

    def action(self, action: dict[str, Any], user: str, response_url: str,
               channel: str = "C1") -> tuple[int, str, float]:
        """A button press (block_actions), as Slack posts it to the request URL."""
        payload = {"type": "block_actions", "team": {"id": "T1"}, "user": {"id": user}, "api_app_id": "A1",
                   "channel": {"id": channel}, "trigger_id": "t", "response_url": response_url, "actions": [action]}
        return self.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")
