"""Two `licensebot serve` processes in HTTP mode sharing one Chroma server, as replicas behind
a load balancer: a Slack event delivered to both is answered once, and a reindex refused while
another process holds the lock."""

from __future__ import annotations

import json
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from licensebot.index.store import ReindexLock
from licensebot.index.store.chroma import ChromaStore
from tests.integration.processes import free_port, licensebot, start_chroma, start_licensebot
from tests.slack.fake_slack import SECRET, Bot, FakeSlack

pytestmark = pytest.mark.integration


def _wait_listening(port: int, proc: subprocess.Popen[str], timeout: float = 180) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"serve exited: {proc.communicate()[1][-3000:]}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/slack/events", timeout=1)
        except urllib.error.HTTPError:
            return  # Bolt answered (a GET is refused): the server is up
        except OSError:
            time.sleep(0.3)
    raise AssertionError("serve did not start listening")


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    proc = start_chroma(tmp_path_factory.mktemp("chroma"), port)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def replicas(
    chroma_url: str, selection_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[list[Bot], FakeSlack]]:
    tmp_path = tmp_path_factory.mktemp("replicas")
    slack = FakeSlack().start()
    shared = {"LICENSEBOT_CHROMA_URL": chroma_url, "LICENSEBOT_SELECTION": str(selection_file),
              "LICENSEBOT_DATA_DIR": str(tmp_path / "indexer"), "HOME": str(tmp_path)}
    built = licensebot(["index"], shared)
    assert built.returncode == 0, built.stderr
    procs, bots = [], []
    try:
        for name in ("a", "b"):
            port = free_port()
            proc = start_licensebot(["serve"], shared | {
                "LICENSEBOT_DATA_DIR": str(tmp_path / f"replica-{name}"),
                "LICENSEBOT_PORT": str(port),
                "LICENSEBOT_ADMINS": "UADMIN",
                "SLACK_BOT_TOKEN": "xoxb-test",
                "SLACK_SIGNING_SECRET": SECRET,
                "SLACK_API_URL": slack.url + "/api/",
            })
            procs.append((proc, port))
        for proc, port in procs:
            _wait_listening(port, proc)
            bots.append(Bot(f"http://127.0.0.1:{port}/slack/events"))
        yield bots, slack
    finally:
        for proc, _ in procs:
            proc.terminate()
        for proc, _ in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        slack.stop()


def _mention(text: str, ts: str) -> dict[str, str]:
    return {"type": "app_mention", "user": "U1", "channel": "C1", "ts": ts, "text": f"<@UBOT> {text}"}


def test_an_event_delivered_to_both_replicas_is_answered_once(replicas: tuple[list[Bot], FakeSlack]) -> None:
    (a, b), slack = replicas
    event = _mention("What does the MIT license require in copies?", "1700000000.000100")
    statuses: list[int] = []
    threads = [threading.Thread(target=lambda bot=bot: statuses.append(bot.event(event, event_id="EvShared")[0]))
               for bot in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200, 200]
    # A different event to the second replica is answered too: it is not simply deaf.
    assert b.event(_mention("What does Apache 2.0 say about patents?", "1700000001.000100"), event_id="EvB")[0] == 200
    posts = slack.wait_for("chat.postMessage", count=2, timeout=60)
    time.sleep(3.0)  # give a duplicate time to show up
    threads_answered = [str(p.get("thread_ts")) for p in slack.called("chat.postMessage")]
    assert sorted(threads_answered) == ["1700000000.000100", "1700000001.000100"], posts
    assert any("MIT" in json.dumps(p["blocks"]) for p in posts if p.get("thread_ts") == "1700000000.000100")


def test_a_reindex_is_refused_while_another_process_holds_the_lock(
    replicas: tuple[list[Bot], FakeSlack], chroma_url: str
) -> None:
    (a, b), slack = replicas
    response_url = slack.url + "/respond"
    slack.calls.clear()
    lock = ReindexLock(ChromaStore(url=chroma_url).control)
    lock.acquire()
    try:
        for bot in (a, b):
            assert bot.command("reindex", "UADMIN", response_url)[0] == 200
        updates = slack.wait_for("/respond", count=2, timeout=60)
        assert all("already running" in u["text"] and "process" in u["text"] for u in updates)
        assert all(u["response_type"] == "ephemeral" for u in updates)
    finally:
        lock.release()
    assert a.command("reindex", "UADMIN", response_url)[0] == 200
    deadline = time.time() + 120
    while not any("Reindex finished" in u["text"] for u in slack.called("/respond")):
        assert time.time() < deadline, slack.called("/respond")
        time.sleep(0.2)
