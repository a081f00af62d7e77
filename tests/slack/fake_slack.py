"""A local fake of the Slack Web API (and of response_url endpoints) that records every call."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.responses: dict[str, Any] = {}
        self.fail_auth = False
        self._lock = threading.Lock()
        self._ts = 1000
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

            def do_POST(self) -> None:  # noqa: N802 - http.server naming
                raw = self.rfile.read(int(self.headers.get("content-length", 0) or 0)).decode()
                if "json" in (self.headers.get("content-type") or ""):
                    params = json.loads(raw or "{}")
                else:
                    params = {k: v[0] for k, v in parse_qs(raw).items()}
                    for key in ("blocks", "view"):
                        if isinstance(params.get(key), str):
                            params[key] = json.loads(params[key])
                method = self.path.rsplit("/", 1)[-1] if self.path.startswith("/api/") else self.path
                body = fake.handle(method, params)
                status = int(body.pop("__status__", 200)) if isinstance(body, dict) else 200
                if status == 429:
                    body = {"ok": False, "error": "ratelimited"}
                data = json.dumps(body).encode()
                self.send_response(status)
                if status == 429:
                    self.send_header("retry-after", "1")
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def handle(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self.calls.append((method, params))
            self._ts += 1
            ts = f"{self._ts}.000100"
        if method == "auth.test":
            if self.fail_auth:
                return {"ok": False, "error": "invalid_auth"}
            return {"ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "T1", "user": "licensebot"}
        if method in self.responses:
            return self.responses[method]
        if method in ("chat.postMessage", "chat.update"):
            return {"ok": True, "ts": params.get("ts", ts), "channel": params.get("channel")}
        if method == "conversations.replies":
            return {"ok": True, "messages": []}
        return {"ok": True}

    def start(self) -> FakeSlack:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def called(self, method: str) -> list[dict[str, Any]]:
        with self._lock:
            return [p for m, p in self.calls if m == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 15.0) -> list[dict[str, Any]]:
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = self.called(method)
            if len(found) >= count:
                return found
            time.sleep(0.02)
        raise AssertionError(f"{method} was called {len(self.called(method))} times, expected {count}: {self.calls}")


SECRET = "test-signing-secret"


class Bot:
    """Sends signed requests to a Bolt app the way Slack does."""

    def __init__(self, url: str) -> None:
        self.url = url

    def post(self, body: str, content_type: str, *, secret: str = SECRET, age: int = 0,
             headers: dict[str, str] | None = None) -> tuple[int, str, float]:
        ts = str(int(time.time()) - age)
        sig = "v0=" + hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
        req = urllib.request.Request(self.url, data=body.encode(), method="POST", headers={
            "content-type": content_type, "x-slack-request-timestamp": ts, "x-slack-signature": sig,
            **(headers or {}),
        })
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, resp.read().decode(), time.perf_counter() - started
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(), time.perf_counter() - started

    def event(self, event: dict, event_id: str = "Ev1", **kw) -> tuple[int, str, float]:  # type: ignore[type-arg]
        body = json.dumps({"type": "event_callback", "team_id": "T1", "api_app_id": "A1", "event_id": event_id,
                           "event_time": int(time.time()), "event": event})
        return self.post(body, "application/json", **kw)

    def command(self, text: str, user: str, response_url: str) -> tuple[int, str, float]:
        body = urlencode({"command": "/license", "text": text, "user_id": user, "channel_id": "C1",
                          "team_id": "T1", "response_url": response_url, "trigger_id": "x"})
        return self.post(body, "application/x-www-form-urlencoded")
