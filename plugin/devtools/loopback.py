"""Slack's side of the protocol on loopback, for the benchmark, the soak run and tests: a Web API
that records every call (and answers response_url posts), and a sender of signed requests."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode


def free_port() -> int:
    """A port nothing listens on right now, on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class SlackStub:
    """Records (method, params) for every call; auth.test succeeds, the rest say ok."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._lock = threading.Lock()
        self._ts = 1000
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
                return

            def do_POST(self) -> None:  # noqa: N802 - http.server naming
                raw = self.rfile.read(int(self.headers.get("content-length", 0) or 0)).decode()
                if "json" in (self.headers.get("content-type") or ""):
                    params = json.loads(raw or "{}")
                else:
                    params = {k: v[0] for k, v in parse_qs(raw).items()}
                    for key in ("blocks", "view", "prompts", "chunks"):
                        if isinstance(params.get(key), str):
                            params[key] = json.loads(params[key])
                method = self.path.rsplit("/", 1)[-1] if self.path.startswith("/api/") else self.path
                body = stub.handle(method, params)
                status = int(body.pop("__status__", 200))
                headers: dict[str, str] = {}
                if status == 429:  # what Slack sends when rate limiting
                    body, headers = {"ok": False, "error": "ratelimited"}, {"retry-after": "1"}
                data = json.dumps(body).encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.api_url = self.url + "/api/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def record(self, method: str, params: dict[str, Any]) -> str:
        """Store the call; returns a fresh message timestamp."""
        with self._lock:
            self.calls.append((method, params))
            self._ts += 1
            return f"{self._ts}.000100"

    def handle(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        ts = self.record(method, params)
        if method == "auth.test":
            return {"ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "T1", "user": "licensebot"}
        if method in ("chat.postMessage", "chat.update", "chat.startStream", "chat.stopStream"):
            return {"ok": True, "ts": params.get("ts", ts), "channel": params.get("channel")}
        if method == "conversations.replies":
            return {"ok": True, "messages": []}
        return {"ok": True}

    def start(self) -> SlackStub:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def called(self, method: str) -> list[dict[str, Any]]:
        with self._lock:
            return [p for m, p in self.calls if m == method]


class SignedSender:
    """Sends requests to a Bolt app signed the way Slack signs them."""

    def __init__(self, url: str, secret: str) -> None:
        self.url = url
        self.secret = secret

    def post(self, body: str, content_type: str, *, secret: str | None = None, age: int = 0,
             headers: dict[str, str] | None = None, timeout: float = 10) -> tuple[int, str, float]:
        """(status, body, seconds); ``age`` backdates the timestamp."""
        ts = str(int(time.time()) - age)
        key = (self.secret if secret is None else secret).encode()
        sig = "v0=" + hmac.new(key, f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
        req = urllib.request.Request(self.url, data=body.encode(), method="POST", headers={
            "content-type": content_type, "x-slack-request-timestamp": ts, "x-slack-signature": sig,
            **(headers or {}),
        })
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return resp.status, resp.read().decode(), time.perf_counter() - started
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(), time.perf_counter() - started

    def event(self, event: dict[str, Any], event_id: str = "Ev1", **kw: Any) -> tuple[int, str, float]:
        body = json.dumps({"type": "event_callback", "team_id": "T1", "api_app_id": "A1", "event_id": event_id,
                           "event_time": int(time.time()), "event": event})
        return self.post(body, "application/json", **kw)

    def command(self, text: str, user: str, response_url: str, **kw: Any) -> tuple[int, str, float]:
        body = urlencode({"command": "/license", "text": text, "user_id": user, "channel_id": "C1",
                          "team_id": "T1", "response_url": response_url, "trigger_id": "x"})
        return self.post(body, "application/x-www-form-urlencoded", **kw)
