"""The loopback Slack of licensebot.devtools.loopback with test controls: canned responses, a failing
auth.test, rate limiting, and waiting for calls."""

from __future__ import annotations

import time
from typing import Any

from licensebot.devtools.loopback import SignedSender, SlackStub

SECRET = "test-signing-secret"


class FakeSlack(SlackStub):
    def __init__(self) -> None:
        super().__init__()
        self.responses: dict[str, Any] = {}
        self.fail_auth = False

    def handle(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test" and self.fail_auth:
            self.record(method, params)
            return {"ok": False, "error": "invalid_auth"}
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
