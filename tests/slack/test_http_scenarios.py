"""The real Bolt app over HTTP on loopback: signed requests in, calls to a fake Slack Web API out."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import replace
from urllib.parse import urlencode

import pytest

from licensebot.errors import ConfigError
from licensebot.slack.app import create_app
from licensebot.slack.deps import SlackDeps
from licensebot.slack.server import BackgroundServer
from tests.slack.conftest import metric
from tests.slack.fake_slack import Bot, FakeSlack

MENTION = {"type": "app_mention", "user": "U1", "channel": "C1", "ts": "1700000000.000100",
           "text": "<@UBOT> What does Apache 2.0 say about patent litigation?"}


def test_mention_is_answered_in_its_thread_once(bot: Bot, fake_slack: FakeSlack) -> None:
    status, _, seconds = bot.event(MENTION)
    assert status == 200 and seconds < 1.0
    post = fake_slack.wait_for("chat.postMessage")[0]
    assert post["channel"] == "C1" and post["thread_ts"] == MENTION["ts"]
    assert any("Apache License 2.0" in json.dumps(b) for b in post["blocks"])
    assert post["text"]
    # Slack's own "is searching…" status while answering, then cleared; no reactions.
    statuses = [c["status"] for c in fake_slack.wait_for("assistant.threads.setStatus", 2)]
    assert statuses[0] and statuses[-1] == ""
    assert not fake_slack.called("reactions.add")
    # Slack retries the same event: no second answer.
    status, _, _ = bot.event(MENTION, headers={"x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout"})
    assert status == 200
    time.sleep(0.5)
    assert len(fake_slack.called("chat.postMessage")) == 1


def test_bot_messages_are_ignored(bot: Bot, fake_slack: FakeSlack) -> None:
    own = {"type": "message", "channel_type": "im", "bot_id": "BBOT", "user": "UBOT", "channel": "D1",
           "ts": "1700000002.000100", "text": "an answer"}
    assert bot.event(own, event_id="Ev3")[0] == 200
    time.sleep(0.5)
    assert fake_slack.called("chat.postMessage") == []


def test_bad_signature_and_replayed_timestamp_are_rejected(bot: Bot, fake_slack: FakeSlack) -> None:
    assert bot.event(MENTION, event_id="Ev4", secret="wrong")[0] == 401
    assert bot.event(MENTION, event_id="Ev5", age=6 * 60)[0] == 401
    time.sleep(0.3)
    assert fake_slack.called("chat.postMessage") == []


def test_slash_command_acks_fast_then_answers_privately(bot: Bot, fake_slack: FakeSlack) -> None:
    status, body, seconds = bot.command("What does Apache 2.0 say about patent litigation?", "U1",
                                        fake_slack.url + "/response/1")
    assert status == 200 and seconds < 0.5
    assert "Searching" in body
    reply = fake_slack.wait_for("/response/1")[0]
    assert reply["response_type"] == "ephemeral" and reply["blocks"]


def test_admin_commands(bot: Bot, fake_slack: FakeSlack) -> None:
    status, body, _ = bot.command("reindex", "UOTHER", fake_slack.url + "/response/2")
    assert status == 200 and "for licensebot admins" in body
    status, body, _ = bot.command("reindex", "UADMIN", fake_slack.url + "/response/3")
    assert status == 200 and "Reindexing" in body
    # Progress reaches the admin alone, through the command's response_url (no channel post,
    # so it works where the bot is not a member), and the summary replaces it.
    deadline = time.time() + 15
    while not any("finished" in u["text"] for u in fake_slack.called("/response/3")) and time.time() < deadline:
        time.sleep(0.05)
    updates = fake_slack.called("/response/3")
    assert all(u["response_type"] == "ephemeral" for u in updates) and len(updates) <= 5
    final = updates[-1]["text"]
    assert "1 added" in final and "broken.md" in final and "not UTF-8" in final
    assert not fake_slack.called("chat.postMessage") and not fake_slack.called("chat.update")


def test_help_is_immediate(bot: Bot, fake_slack: FakeSlack) -> None:
    status, body, _ = bot.command("help", "U1", fake_slack.url + "/response/4")
    assert status == 200 and "/license lookup" in body


def test_rejected_token_is_a_clear_start_up_error(deps: SlackDeps, fake_slack: FakeSlack) -> None:
    fake_slack.fail_auth = True
    with pytest.raises(ConfigError, match="invalid_auth"):
        create_app(deps)
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN"):
        create_app(replace(deps, settings=replace(deps.settings, slack_bot_token="")))


def _shortcut(bot: Bot, user: str, fake_slack: FakeSlack) -> tuple[int, str, float]:
    payload = {"type": "message_action", "callback_id": "add_to_license_kb", "trigger_id": "t",
               "team": {"id": "T1"}, "user": {"id": user}, "channel": {"id": "C1"},
               "message": {"type": "message", "user": "U1", "ts": "1700000500.000100", "text": "Is MNPL ok for demos?"},
               "response_url": fake_slack.url + "/response/shortcut"}
    return bot.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")


def test_shortcut_saves_the_thread_as_a_discussion(bot: Bot, fake_slack: FakeSlack, deps: SlackDeps) -> None:
    fake_slack.responses["conversations.replies"] = {"ok": True, "messages": [
        {"user": "U1", "ts": "1700000500.000100", "text": "Is MNPL ok for demos?"},
        {"user": "U2", "ts": "1700000501.000100", "text": "<@U1> only in non-production settings, says Legal"},
    ]}
    fake_slack.responses["chat.getPermalink"] = {"ok": True, "permalink": "https://acme.slack.com/archives/C1/p1"}
    assert _shortcut(bot, "UOTHER", fake_slack)[0] == 200
    refusal = fake_slack.wait_for("/response/shortcut")[0]
    assert "for licensebot admins" in refusal["text"]

    assert _shortcut(bot, "UADMIN", fake_slack)[0] == 200
    done = fake_slack.wait_for("/response/shortcut", 2)[1]
    assert "knowledge base" in done["text"]
    saved = list((deps.settings.data_dir / "slack-discussions").glob("*.md"))
    assert len(saved) == 1
    from licensebot.index.sources import parse_document

    doc = parse_document(saved[0].read_bytes(), path=saved[0], source="slack")
    assert doc.kind == "discussion" and doc.url == "https://acme.slack.com/archives/C1/p1"
    assert "U2: @U1 only in non-production settings" in doc.body


def test_follow_up_in_a_thread_uses_the_earlier_question(bot: Bot, fake_slack: FakeSlack) -> None:
    fake_slack.responses["conversations.replies"] = {"ok": True, "messages": [
        {"user": "U1", "ts": "1700000600.000100",
         "text": "<@UBOT> Do we need a license from Meta to use Llama 2 above 700 million monthly active users?"},
        {"bot_id": "BBOT", "ts": "1700000601.000100", "text": "an answer"},
        {"user": "U1", "ts": "1700000602.000100", "text": "<@UBOT> and who decides whether to grant it?"},
    ]}
    follow = {"type": "app_mention", "user": "U1", "channel": "C1", "ts": "1700000602.000100",
              "thread_ts": "1700000600.000100", "text": "<@UBOT> and who decides whether to grant it?"}
    assert bot.event(follow, event_id="Ev9")[0] == 200
    post = fake_slack.wait_for("chat.postMessage")[0]
    assert post["thread_ts"] == "1700000600.000100"
    assert "Llama 2" in json.dumps(post["blocks"])


class SlowGenerator:
    name = "slow"

    def generate(self, system: str, user: str, *, max_tokens: int = 96) -> str:
        time.sleep(1.0)
        return "Patent licenses terminate when litigation is filed."


def test_acks_stay_fast_while_answers_queue(bot: Bot, fake_slack: FakeSlack, deps: SlackDeps) -> None:
    deps.service.generator = SlowGenerator()
    times = []
    for i in range(15):
        status, body, seconds = bot.command("What does Apache 2.0 say about patent litigation?", "U1",
                                            fake_slack.url + f"/response/q{i}")
        assert status == 200 and "Searching" in body
        times.append(seconds)
    assert max(times) < 1.0, times
    fake_slack.wait_for("/response/q0", timeout=20)


def _probe(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def test_a_replica_whose_index_is_down_stays_ready_and_only_a_draining_one_is_not(deps: SlackDeps) -> None:
    ready = [True]
    server = BackgroundServer(replace(deps, ready=lambda: ready[0]), None).start()
    try:
        assert _probe(server.url + "/livez") == (200, "ok\n")
        assert _probe(server.url + "/healthz") == (200, "ok\n")
        assert _probe(server.url + "/readyz") == (200, "ready\nindex: ok\n")
        # Chroma down: the replica can still reply ("index unavailable, try again"), so it stays
        # in rotation; the probe's body and the metric say what is wrong.
        ready[0] = False
        assert _probe(server.url + "/livez")[0] == 200
        status, body = _probe(server.url + "/readyz")
        assert status == 200 and "index: unavailable" in body
        assert metric(server.url, "licensebot_index_ready") == 0
        ready[0] = True
        assert metric(server.url, "licensebot_index_ready") == 1
        # Draining after SIGTERM: no new work is taken, so the Service stops sending any.
        server.deps.workers.drain(1)
        assert _probe(server.url + "/readyz")[0] == 503
        assert _probe(server.url + "/livez")[0] == 200
    finally:
        server.stop()


def test_metrics_move_with_questions(deps: SlackDeps, fake_slack: FakeSlack) -> None:
    server = BackgroundServer(deps, create_app(deps)).start()
    bot = Bot(f"{server.url}/slack/events")
    try:
        assert metric(server.url, 'licensebot_answers_total{outcome="answered"}') == 0
        assert metric(server.url, "licensebot_answer_seconds_count") == 0
        bot.command("What does Apache 2.0 say about patent litigation?", "U1", fake_slack.url + "/response/m1")
        bot.command("What's the weather like in Paris today?", "U1", fake_slack.url + "/response/m2")
        bot.command("?!", "U1", fake_slack.url + "/response/m3")
        fake_slack.wait_for("/response/m1"), fake_slack.wait_for("/response/m2"), fake_slack.wait_for("/response/m3")
        assert metric(server.url, 'licensebot_answers_total{outcome="answered"}') == 1
        assert metric(server.url, 'licensebot_answers_total{outcome="abstained"}') == 1
        assert metric(server.url, 'licensebot_answers_total{outcome="rejected"}') == 1
        assert metric(server.url, "licensebot_answer_seconds_count") == 2
        assert metric(server.url, "licensebot_queue_depth") == 0
        assert metric(server.url, "licensebot_reindex_running") == 0
    finally:
        server.stop()
