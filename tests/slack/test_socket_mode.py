"""The real Bolt app in Socket Mode against a local websocket server speaking Slack's envelopes."""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from slack_bolt.adapter.socket_mode import SocketModeHandler
from websockets.sync.server import ServerConnection, serve

from licensebot.slack.app import create_app
from licensebot.slack.deps import SlackDeps
from tests.slack.fake_slack import FakeSlack
from tests.slack.verbatim import assert_quotes_verbatim


class FakeSocketMode:
    """Sends envelopes to the connected app and records what it sends back."""

    def __init__(self) -> None:
        self.outbox: queue.Queue[dict[str, Any]] = queue.Queue()
        self.received: list[dict[str, Any]] = []
        self.server = serve(self._handler, "127.0.0.1", 0)
        self.url = f"ws://127.0.0.1:{self.server.socket.getsockname()[1]}/link?ticket=t"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _handler(self, ws: ServerConnection) -> None:
        ws.send(json.dumps({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A1"}}))
        while True:
            try:
                envelope = self.outbox.get(timeout=0.05)
                ws.send(json.dumps(envelope))
            except queue.Empty:
                pass
            try:
                message = ws.recv(timeout=0.05)
            except TimeoutError:
                continue
            except Exception:
                return
            self.received.append(json.loads(message))

    def ack_for(self, envelope_id: str, timeout: float = 10.0) -> dict[str, Any]:
        deadline = time.time() + timeout
        while time.time() < deadline:
            for m in self.received:
                if m.get("envelope_id") == envelope_id:
                    return m
            time.sleep(0.02)
        raise AssertionError(f"no ack for {envelope_id}: {self.received}")

    def stop(self) -> None:
        self.server.shutdown()


@pytest.fixture
def socket_app(deps: SlackDeps, fake_slack: FakeSlack) -> Iterator[FakeSocketMode]:
    ws = FakeSocketMode()
    fake_slack.responses["apps.connections.open"] = {"ok": True, "url": ws.url}
    settings = replace(deps.settings, slack_app_token="xapp-test", slack_signing_secret="")
    app = create_app(replace(deps, settings=settings), http_mode=False)
    handler = SocketModeHandler(app, "xapp-test")
    handler.connect()
    yield ws
    handler.close()
    ws.stop()


def _event(envelope_id: str, event_id: str, event: dict[str, Any]) -> dict[str, Any]:
    return {"envelope_id": envelope_id, "type": "events_api", "accepts_response_payload": False,
            "retry_attempt": 0, "retry_reason": "",
            "payload": {"type": "event_callback", "team_id": "T1", "api_app_id": "A1", "event_id": event_id,
                        "event_time": int(time.time()), "event": event}}


def test_mention_over_socket_mode(socket_app: FakeSocketMode, fake_slack: FakeSlack) -> None:
    event = {"type": "app_mention", "user": "U1", "channel": "C1", "ts": "1700000100.000100",
             "text": "<@UBOT> What does Apache 2.0 say about patent litigation?"}
    envelope = _event("env-1", "EvS1", event)
    socket_app.outbox.put(envelope)
    socket_app.ack_for("env-1")
    post = fake_slack.wait_for("chat.postMessage")[0]
    assert post["thread_ts"] == event["ts"] and post["blocks"]
    # The same event redelivered as a retry is acknowledged but not answered again.
    socket_app.outbox.put(envelope | {"envelope_id": "env-2", "retry_attempt": 1, "retry_reason": "timeout"})
    socket_app.ack_for("env-2")
    time.sleep(0.5)
    assert len(fake_slack.called("chat.postMessage")) == 1


def test_slash_command_over_socket_mode(socket_app: FakeSocketMode, fake_slack: FakeSlack) -> None:
    payload = {"command": "/license", "text": "help", "user_id": "U1", "channel_id": "C1", "team_id": "T1",
               "response_url": fake_slack.url + "/response/9", "trigger_id": "x"}
    started = time.perf_counter()
    socket_app.outbox.put({"envelope_id": "env-3", "type": "slash_commands", "accepts_response_payload": True,
                           "payload": payload})
    ack = socket_app.ack_for("env-3")
    assert time.perf_counter() - started < 2.0
    assert "/license lookup" in ack["payload"]["text"]


def test_an_agent_dm_over_socket_mode(socket_app: FakeSocketMode, fake_slack: FakeSlack, deps: SlackDeps) -> None:
    opened = {"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "messages", "event_ts": "1.1"}
    socket_app.outbox.put(_event("env-a1", "EvSA1", opened))
    socket_app.ack_for("env-a1")
    prompts_set = fake_slack.wait_for("assistant.threads.setSuggestedPrompts")[0]
    assert prompts_set["channel_id"] == "D1" and "thread_ts" not in prompts_set
    question = "What does Apache 2.0 say about patent litigation?"
    dm = {"type": "message", "channel_type": "im", "user": "U1", "channel": "D1", "ts": "1700000200.000100",
          "event_ts": "1700000200.000100", "text": question}
    socket_app.outbox.put(_event("env-a2", "EvSA2", dm))
    socket_app.ack_for("env-a2")
    stop = fake_slack.wait_for("chat.stopStream")[0]
    assert fake_slack.called("chat.startStream")[0]["thread_ts"] == dm["ts"]
    assert_quotes_verbatim(stop["blocks"], deps.service.ask(question))
    assert fake_slack.wait_for("assistant.threads.setStatus", 2)[-1]["status"] == ""
