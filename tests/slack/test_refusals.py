"""When Slack refuses: a reply that cannot be posted is replaced by an apology (nobody is left
looking at "Searching…"), a 429 is waited out and retried, and /metrics counts refusals, rate
limits, dropped duplicates and how long work waited, with bounded labels. Through the real Bolt
app over HTTP against the fake Slack Web API."""

from __future__ import annotations

import json
import time
import urllib.request

from licensebot import prompts
from licensebot.slack.server import BackgroundServer
from tests.slack.conftest import metric
from tests.slack.fake_slack import Bot, FakeSlack

QUESTION = "What does Apache 2.0 say about patent litigation?"
MENTION = {"type": "app_mention", "user": "U1", "channel": "C1", "ts": "1700000000.000100",
           "text": f"<@UBOT> {QUESTION}"}


def test_a_refused_answer_to_a_mention_is_replaced_by_an_apology_in_its_thread(
    bot: Bot, fake_slack: FakeSlack, server: BackgroundServer
) -> None:
    fake_slack.fail_next("chat.postMessage", "msg_blocks_too_long")
    assert bot.event(MENTION, event_id="EvR1")[0] == 200
    apology = fake_slack.wait_for("chat.postMessage")[0]
    assert apology["text"] == prompts.message("post_failed") and apology["thread_ts"] == MENTION["ts"]
    assert "msg_blocks_too_long" not in json.dumps(apology)
    assert fake_slack.wait_for("assistant.threads.setStatus", 2)[-1]["status"] == ""
    assert metric(server.url, 'licensebot_slack_api_errors_total{error="msg_blocks_too_long",'
                              'method="chat.postMessage"}') == 1
    assert metric(server.url, 'licensebot_errors_total{kind="SlackPostFailed"}') == 1


def test_a_refused_slash_command_answer_replaces_searching_with_an_apology(
    bot: Bot, fake_slack: FakeSlack, server: BackgroundServer
) -> None:
    url = fake_slack.url + "/response/refused"
    fake_slack.fail_next("/response/refused", "expired_url", status=404)
    assert "Searching" in bot.command(QUESTION, "U1", url)[1]
    apology = fake_slack.wait_for("/response/refused")[0]
    assert apology["text"] == prompts.message("post_failed") and apology["replace_original"] is True
    assert len(fake_slack.failed("/response/refused")) == 1
    assert metric(server.url, 'licensebot_slack_api_errors_total{error="http_4xx",method="response_url"}') == 1


def test_a_rate_limited_post_is_retried_not_lost_and_counted(
    bot: Bot, fake_slack: FakeSlack, server: BackgroundServer
) -> None:
    fake_slack.fail_next("chat.postMessage", "ratelimited", status=429)
    assert bot.event(MENTION, event_id="EvR429")[0] == 200
    posts = fake_slack.wait_for("chat.postMessage", timeout=20)
    assert len(posts) == 1 and len(fake_slack.failed("chat.postMessage")) == 1
    assert "Apache License 2.0" in json.dumps(posts[0]["blocks"])
    assert metric(server.url, 'licensebot_slack_rate_limited_total{method="chat.postMessage"}') == 1


def test_metrics_count_duplicates_queue_wait_and_the_process_with_bounded_labels(
    bot: Bot, fake_slack: FakeSlack, server: BackgroundServer
) -> None:
    assert bot.event(MENTION, event_id="EvDup")[0] == 200
    assert bot.event(MENTION, event_id="EvDup", headers={"x-slack-retry-num": "1"})[0] == 200
    fake_slack.wait_for("chat.postMessage")
    for n in range(3):  # refusals with error codes nobody listed
        fake_slack.fail_next("views.publish", f"brand_new_error_{n}")
        bot.event({"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"}, event_id=f"EvH{n}")
    fake_slack.wait_for("views.publish:refused", count=3)
    time.sleep(0.3)
    assert metric(server.url, "licensebot_duplicate_events_total") == 1
    assert metric(server.url, "licensebot_queue_wait_seconds_count") >= 4
    assert metric(server.url, 'licensebot_slack_api_errors_total{error="other",method="views.publish"}') == 3
    assert metric(server.url, "process_resident_memory_bytes") > 10_000_000
    with urllib.request.urlopen(server.url + "/metrics", timeout=5) as resp:
        assert "brand_new_error" not in resp.read().decode()
