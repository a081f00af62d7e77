"""Slack's legacy assistant pane (assistant_view, kept for apps installed before agent_view)
through the real Bolt app over HTTP, against the fake Slack Web API: suggested prompts when a
thread starts, then a status, a title and streamed answers (lead first, quotes verbatim)."""

from __future__ import annotations

import json
import time

from licensebot import prompts
from licensebot.slack.deps import SlackDeps
from tests.slack.fake_slack import Bot, FakeSlack
from tests.slack.verbatim import assert_quotes_verbatim

THREAD = {"channel": "D1", "thread_ts": "1700000900.000100"}


def _question(text: str, ts: str = "1700000901.000100") -> dict[str, object]:
    return {"type": "message", "channel_type": "im", "user": "U1", "channel": THREAD["channel"], "ts": ts,
            "thread_ts": THREAD["thread_ts"], "text": text}


def test_a_new_assistant_thread_gets_a_greeting_and_suggested_prompts(bot: Bot, fake_slack: FakeSlack) -> None:
    started = {"type": "assistant_thread_started", "event_ts": "1700000900.000200",
               "assistant_thread": {"user_id": "U1", "channel_id": "D1", "thread_ts": THREAD["thread_ts"],
                                    "context": {"channel_id": "C1", "team_id": "T1"}}}
    assert bot.event(started, event_id="EvA1")[0] == 200
    suggested = fake_slack.wait_for("assistant.threads.setSuggestedPrompts")[0]
    assert suggested["channel_id"] == "D1" and suggested["thread_ts"] == THREAD["thread_ts"]
    messages = [p["message"] for p in suggested["prompts"]]
    assert "Can we use Llama 3.1 outputs to train our own model?" in messages
    assert suggested["title"] == prompts.message("prompts_title")
    greeting = fake_slack.wait_for("chat.postMessage")[0]
    assert greeting["thread_ts"] == THREAD["thread_ts"] and greeting["text"] == prompts.message("assistant_greeting")


def test_a_question_in_the_pane_is_streamed_lead_first_with_status_set_and_cleared(
    bot: Bot, fake_slack: FakeSlack, deps: SlackDeps
) -> None:
    question = "What does Apache 2.0 say about patent litigation?"
    assert bot.event(_question(question), event_id="EvA2")[0] == 200
    stop = fake_slack.wait_for("chat.stopStream")[0]
    start = fake_slack.called("chat.startStream")[0]
    assert start["channel"] == "D1" and start["thread_ts"] == THREAD["thread_ts"]
    assert start["recipient_user_id"] == "U1" and start["recipient_team_id"] == "T1"
    # The stream's text names the source; the first block is the clause's own sentence, verbatim.
    streamed = json.dumps(stop["chunks"])
    assert "Apache License 2.0" in streamed
    first = stop["blocks"][0]
    assert first["type"] == "rich_text" and first["elements"][0]["type"] == "rich_text_quote"
    assert any(b.get("block_id") == "licensebot_feedback" for b in stop["blocks"])
    assert_quotes_verbatim(stop["blocks"], deps.service.ask(question))
    statuses = [c["status"] for c in fake_slack.wait_for("assistant.threads.setStatus", 2)]
    assert statuses[0] == prompts.message("assistant_status") and statuses[-1] == ""
    title = fake_slack.wait_for("assistant.threads.setTitle")[0]
    assert title["title"].startswith("What does Apache 2.0")
    time.sleep(0.3)
    # Answered once: the DM listener leaves assistant threads to the assistant.
    assert fake_slack.called("chat.postMessage") == [] and len(fake_slack.called("chat.stopStream")) == 1


def test_a_streamed_answer_keeps_the_models_line(bot: Bot, fake_slack: FakeSlack) -> None:
    # Only the lead's source line moves into the stream's text; the model's line stays a block.
    assert bot.event(_question("Qwen2.5-7B-Instruct: what does its license say about patent litigation?"),
                     event_id="EvA9")[0] == 200
    stop = fake_slack.wait_for("chat.stopStream")[0]
    assert "is released under Apache License 2.0" in json.dumps(stop["blocks"])


def test_where_streaming_is_refused_the_answer_is_posted(bot: Bot, fake_slack: FakeSlack) -> None:
    fake_slack.responses["chat.startStream"] = {"ok": False, "error": "not_allowed_token_type"}
    question = "What does Apache 2.0 say about patent litigation?"
    assert bot.event(_question(question), event_id="EvA3")[0] == 200
    post = fake_slack.wait_for("chat.postMessage")[0]
    assert post["thread_ts"] == THREAD["thread_ts"]
    assert post["blocks"][0]["type"] == "section" and "Apache" in post["blocks"][0]["text"]["text"]
    assert post["blocks"][1]["type"] == "rich_text"
    assert fake_slack.wait_for("assistant.threads.setStatus", 2)[-1]["status"] == ""


def test_a_failing_answer_in_the_pane_says_sorry_and_clears_the_status(
    bot: Bot, fake_slack: FakeSlack, deps: SlackDeps
) -> None:
    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("secret internal detail")

    deps.service.ask = broken  # type: ignore[method-assign,assignment]
    assert bot.event(_question("What does the MIT license require?"), event_id="EvA4")[0] == 200
    post = fake_slack.wait_for("chat.postMessage")[0]
    assert post["text"] == prompts.message("apology") and "secret" not in json.dumps(post)
    assert fake_slack.wait_for("assistant.threads.setStatus", 2)[-1]["status"] == ""
