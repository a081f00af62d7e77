"""Two `licensebot serve` processes in HTTP mode sharing one Chroma server and one PostgreSQL
question log, as replicas behind a load balancer: a Slack event delivered to both is answered
once, an answer asked through one replica is shared and voted on through the other, and a
reindex is refused while another process holds the lock."""

from __future__ import annotations

import json
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from licensebot.index.store import ReindexLock
from licensebot.index.store.chroma import ChromaStore
from tests.integration.processes import free_port, licensebot, start_chroma, start_licensebot
from tests.postgres import PostgresServer
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
def database_url(postgres_server: PostgresServer) -> str:
    return postgres_server.new_database()


@pytest.fixture(scope="module")
def replicas(
    chroma_url: str, database_url: str, selection_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[list[Bot], FakeSlack]]:
    tmp_path = tmp_path_factory.mktemp("replicas")
    slack = FakeSlack().start()
    shared = {"LICENSEBOT_CHROMA_URL": chroma_url, "LICENSEBOT_SELECTION": str(selection_file),
              "LICENSEBOT_DATA_DIR": str(tmp_path / "indexer"), "HOME": str(tmp_path),
              "LICENSEBOT_DATABASE_URL": database_url}
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


def _button(blocks: list[dict[str, Any]], block_id: str) -> dict[str, Any]:
    element: dict[str, Any] = next(b for b in blocks if b.get("block_id") == block_id)["elements"][0]
    return element


def test_an_answer_asked_through_one_replica_is_shared_and_voted_on_through_the_other(
    replicas: tuple[list[Bot], FakeSlack], database_url: str
) -> None:
    (a, b), slack = replicas
    asked = slack.url + "/response/asked-on-a"
    assert a.command("What does the MIT license require in copies?", "U1", asked)[0] == 200
    private = slack.wait_for("/response/asked-on-a", timeout=120)[0]
    assert private["response_type"] == "ephemeral" and "MIT" in json.dumps(private["blocks"])

    # Share in channel, clicked on the other replica: the stored reply, as it was shown.
    shared_url = slack.url + "/response/shared-on-b"
    share = _button(private["blocks"], "licensebot_share")
    assert b.action(share | {"action_id": "share_answer", "block_id": "licensebot_share"}, "U1", shared_url)[0] == 200
    shared = slack.wait_for("/response/shared-on-b", timeout=60)[0]
    assert shared["response_type"] == "in_channel" and shared["delete_original"] is True
    assert shared["blocks"] == [blk for blk in private["blocks"] if blk.get("block_id") != "licensebot_share"]

    # A vote on the other replica is stored in the one log, and thanked only then.
    feedback = _button(private["blocks"], "licensebot_feedback")
    vote = {"action_id": "feedback", "block_id": "licensebot_feedback", "type": "feedback_buttons",
            "value": feedback["negative_button"]["value"]}
    assert b.action(vote, "U2", slack.url + "/response/voted-on-b")[0] == 200
    assert "Thanks" in slack.wait_for("/response/voted-on-b", timeout=60)[0]["text"]
    key = feedback["negative_button"]["value"].split(":", 1)[1]
    with psycopg.connect(database_url) as conn:
        row = conn.execute('SELECT vote, voter, "user", surface FROM questions WHERE id = %s', (key,)).fetchone()
    assert row == ("not_helpful", "U2", "U1", "command")
    # And the admins see it from the first replica.
    assert a.command("feedback", "UADMIN", slack.url + "/response/feedback-on-a")[0] == 200
    assert "<@U2>" in slack.wait_for("/response/feedback-on-a", timeout=60)[0]["text"]


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
