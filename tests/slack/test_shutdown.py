"""SIGTERM while an answer is being written: the answer is still delivered, then the process
exits 0 (HTTP mode and Socket Mode), as `docker stop` and Kubernetes send it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from licensebot.devtools.loopback import free_port
from tests.slack.fake_slack import SECRET, Bot, FakeSlack
from tests.slack.test_socket_mode import FakeSocketMode

ROOT = Path(__file__).resolve().parents[2]
QUESTION = "What does Apache 2.0 say about patent litigation?"


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status, resp.read().decode()
    except OSError:
        return 0, ""


def _wait(predicate: object, timeout: float, what: str) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.parametrize("mode", ["http", "socket"])
def test_sigterm_finishes_the_answer_in_flight_then_exits_0(
    mode: str, tmp_path: Path, fake_slack: FakeSlack
) -> None:
    port = free_port()
    env = {**os.environ, "LICENSEBOT_DATA_DIR": str(tmp_path), "LICENSEBOT_PORT": str(port),
           "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake_slack.api_url,
           "LICENSEBOT_DRAIN_SECONDS": "30", "LICENSEBOT_LOG_FORMAT": "json", "PYTHONPATH": str(ROOT)}
    ws = None
    if mode == "socket":
        ws = FakeSocketMode()
        fake_slack.responses["apps.connections.open"] = {"ok": True, "url": ws.url}
        env["SLACK_APP_TOKEN"] = "xapp-test"
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "tests.slack.serve_fakes"], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(lambda: _get(base + "/healthz")[0] == 200, 60, "/healthz")
        if ws is None:
            status, body, _ = Bot(base + "/slack/events").command(QUESTION, "U1", fake_slack.url + "/response/t")
            assert status == 200 and "Searching" in body
        else:
            payload = {"command": "/license", "text": QUESTION, "user_id": "U1", "channel_id": "C1",
                       "team_id": "T1", "response_url": fake_slack.url + "/response/t", "trigger_id": "x"}
            _wait(lambda: len(ws.received) >= 0 and fake_slack.called("apps.connections.open"), 30, "socket")
            time.sleep(0.5)
            ws.outbox.put({"envelope_id": "env-t", "type": "slash_commands", "accepts_response_payload": True,
                           "payload": payload})
            ws.ack_for("env-t")
        # The answer is being written (the slow model takes 3 s): now the platform stops us.
        _wait(lambda: "licensebot_queue_depth 1.0" in _get(base + "/metrics")[1], 10, "an answer in flight")
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=40)
    finally:
        if proc.poll() is None:
            proc.kill()
        log.close()
        if ws is not None:
            ws.stop()
    output = (tmp_path / "serve.log").read_text()
    assert code == 0, output
    answers = fake_slack.called("/response/t")
    assert len(answers) == 1 and "Apache License 2.0" in str(answers[0]["blocks"]), output
    assert '"stopped"' in output or "stopped" in output
