"""The agent messaging experience (agent_view, the default for new Slack apps) through the real
Bolt app over HTTP, against the fake Slack Web API. The event payloads have the shapes of
Slack's docs and of bolt-python's own tests (tests/slack_bolt/request/test_payload_utils.py):
``app_home_opened`` with ``tab`` "messages" or "home", and a top-level ``message.im`` without
``thread_ts``."""

from __future__ import annotations

import json
import time

from licensebot import prompts
from licensebot.slack.deps import SlackDeps
from tests.slack.fake_slack import Bot, FakeSlack
from tests.slack.verbatim import assert_quotes_verbatim

QUESTION = "What does Apache 2.0 say about patent litigation?"
MESSAGES_TAB = {"type": "app_home_opened", "user": "U1", "channel": "D111", "tab": "messages",
                "event_ts": "1726133700.887259"}
HOME_TAB = MESSAGES_TAB | {"tab": "home", "event_ts": "1726133701.887259"}


def _dm(text: str, ts: str = "1726133702.887259", **extra: str) -> dict[str, str]:
    return {"user": "U1", "type": "message", "ts": ts, "text": text, "channel": "D111", "event_ts": ts,
            "channel_type": "im", **extra}


def test_an_agent_dm_session_gets_prompts_a_status_and_a_streamed_verbatim_answer(
    bot: Bot, fake_slack: FakeSlack, deps: SlackDeps
) -> None:
    assert bot.event(MESSAGES_TAB, event_id="EvM1")[0] == 200
    suggested = fake_slack.wait_for("assistant.threads.setSuggestedPrompts")[0]
    # Pinned to the top of the Messages tab: the DM channel and no thread.
    assert suggested["channel_id"] == "D111" and "thread_ts" not in suggested
    assert suggested["title"] == prompts.message("prompts_title")
    assert [p["message"] for p in suggested["prompts"]] == [p["message"] for p in prompts.messages("suggested_prompts")]

    dm = _dm(QUESTION)
    assert bot.event(dm, event_id="EvM2")[0] == 200
    stop = fake_slack.wait_for("chat.stopStream")[0]
    start = fake_slack.called("chat.startStream")[0]
    # Streamed as a reply to the question, to the person who asked.
    assert start["channel"] == "D111" and start["thread_ts"] == dm["ts"]
    assert start["recipient_user_id"] == "U1" and start["recipient_team_id"] == "T1"
    assert "Apache License 2.0" in json.dumps(stop["chunks"])
    assert_quotes_verbatim(stop["blocks"], deps.service.ask(QUESTION))
    assert any(b.get("block_id") == "licensebot_feedback" for b in stop["blocks"])
    statuses = fake_slack.wait_for("assistant.threads.setStatus", 2)
    assert [s["status"] for s in statuses] == [prompts.message("assistant_status"), ""]
    assert all(s["channel_id"] == "D111" and s["thread_ts"] == dm["ts"] for s in statuses)
    time.sleep(0.3)
    # The Messages tab is not the Home tab, and the question is answered once.
    assert fake_slack.called("views.publish") == [] and fake_slack.called("chat.postMessage") == []
    assert len(fake_slack.called("chat.stopStream")) == 1
    assert deps.questions.get(stop["blocks"][-1]["elements"][0]["positive_button"]["value"][3:]) is not None


def test_the_home_tab_shows_the_home_view_and_no_prompts(bot: Bot, fake_slack: FakeSlack) -> None:
    assert bot.event(HOME_TAB, event_id="EvH1")[0] == 200
    view = fake_slack.wait_for("views.publish")[0]
    assert view["user_id"] == "U1" and view["view"]["type"] == "home"
    time.sleep(0.3)
    assert fake_slack.called("assistant.threads.setSuggestedPrompts") == []


def test_an_app_still_on_assistant_view_ignores_the_refused_prompts(bot: Bot, fake_slack: FakeSlack) -> None:
    fake_slack.fail_next("assistant.threads.setSuggestedPrompts", "invalid_arguments")
    assert bot.event(MESSAGES_TAB, event_id="EvM3")[0] == 200
    fake_slack.wait_for("assistant.threads.setSuggestedPrompts:refused")
    # Nothing else happens: no apology in a DM nobody wrote in, no Home view.
    time.sleep(0.3)
    assert fake_slack.called("chat.postMessage") == [] and fake_slack.called("views.publish") == []


def test_a_follow_up_in_the_dm_thread_is_read_with_the_earlier_question(bot: Bot, fake_slack: FakeSlack) -> None:
    first = _dm("Do we need a license from Meta to use Llama 2 above 700 million monthly active users?")
    fake_slack.responses["conversations.replies"] = {"ok": True, "messages": [
        first, {"bot_id": "BBOT", "ts": "1726133703.000100", "text": "an answer"},
    ]}
    follow = _dm("and who decides whether to grant it?", ts="1726133704.887259", thread_ts=first["ts"])
    assert bot.event(follow, event_id="EvM4")[0] == 200
    stop = fake_slack.wait_for("chat.stopStream")[0]
    assert fake_slack.called("chat.startStream")[0]["thread_ts"] == first["ts"]
    assert fake_slack.called("conversations.replies")[0]["ts"] == first["ts"]
    assert "Llama 2" in json.dumps(stop["chunks"]) + json.dumps(stop["blocks"])


def test_where_streaming_is_refused_the_answer_is_posted_in_the_thread(bot: Bot, fake_slack: FakeSlack) -> None:
    fake_slack.fail_next("chat.startStream", "not_allowed_token_type")
    dm = _dm(QUESTION)
    assert bot.event(dm, event_id="EvM5")[0] == 200
    post = fake_slack.wait_for("chat.postMessage")[0]
    assert post["channel"] == "D111" and post["thread_ts"] == dm["ts"]
    assert post["blocks"][0]["type"] == "section" and post["blocks"][1]["type"] == "rich_text"
    assert fake_slack.wait_for("assistant.threads.setStatus", 2)[-1]["status"] == ""


def test_a_refused_answer_is_replaced_by_an_apology_and_the_status_cleared(bot: Bot, fake_slack: FakeSlack) -> None:
    fake_slack.fail_next("chat.startStream", "not_allowed_token_type")
    fake_slack.fail_next("chat.postMessage", "msg_blocks_too_long")
    assert bot.event(_dm(QUESTION), event_id="EvM6")[0] == 200
    apology = fake_slack.wait_for("chat.postMessage")[0]
    assert apology["text"] == prompts.message("post_failed") and apology["thread_ts"] == "1726133702.887259"
    assert len(fake_slack.failed("chat.postMessage")) == 1
    assert fake_slack.wait_for("assistant.threads.setStatus", 2)[-1]["status"] == ""
