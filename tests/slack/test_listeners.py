"""Listener callbacks called directly, as plain functions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from licensebot import prompts
from licensebot.answering.answer import Answer, Lead, Quote
from licensebot.errors import StoreUnavailable
from licensebot.llm.guard import ModelInfo
from licensebot.slack.blocks import BLOCK_LIMIT, PIECE, SECTION_LIMIT, answer_blocks, escape, quoted_text
from licensebot.slack.deps import SlackDeps
from licensebot.slack.listeners import actions, commands, events
from licensebot.slack.listeners.home import home_view
from licensebot.slack.questions import DAY, Asked, QuestionLog


class Recorder:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(self, **kwargs: Any) -> None:
        self.calls.append(kwargs)


def test_parse_subcommands() -> None:
    assert commands.parse("share can we use MIT?") == ("share", "can we use MIT?")
    assert commands.parse("lookup llama-3.1 1.b.i") == ("lookup", "llama-3.1 1.b.i")
    assert commands.parse("") == ("help", "")
    assert commands.parse("Can we use Gemma?") == ("ask", "Can we use Gemma?")


def test_non_admin_reindex_is_refused_politely(deps: SlackDeps) -> None:
    ack = Recorder()
    commands.ack_command(deps, {"text": "reindex", "user_id": "UOTHER"}, ack)  # type: ignore[arg-type]
    assert "for licensebot admins" in ack.calls[0]["text"]
    respond = Recorder()
    commands.run_command(deps, {"text": "reindex", "user_id": "UOTHER"}, respond)  # type: ignore[arg-type]
    assert respond.calls == []


def test_question_is_acknowledged_with_a_searching_state(deps: SlackDeps) -> None:
    ack = Recorder()
    commands.ack_command(deps, {"text": "What does Apache 2.0 say about patents?", "user_id": "U1"}, ack)  # type: ignore[arg-type]
    assert ack.calls == [{"text": prompts.message("searching")}]


def test_ask_responds_privately_and_share_in_channel(deps: SlackDeps) -> None:
    respond = Recorder()
    body = {"text": "What does Apache 2.0 say about patent litigation?", "user_id": "U1"}
    commands.run_command(deps, body, respond)  # type: ignore[arg-type]
    assert respond.calls[0]["response_type"] == "ephemeral"
    private = {b.get("block_id") for b in respond.calls[0]["blocks"]}
    assert {"licensebot_feedback", "licensebot_share"} <= private
    commands.run_command(deps, body | {"text": "share " + body["text"]}, respond)  # type: ignore[arg-type]
    assert respond.calls[1]["response_type"] == "in_channel"
    assert "licensebot_share" not in {b.get("block_id") for b in respond.calls[1]["blocks"]}


def test_lookup_shows_a_clause_verbatim_and_lists_sections(deps: SlackDeps) -> None:
    text = commands.lookup_text(deps, "llama-2 1.b.v")
    assert "Llama 2" in text and "improve any other large language model" in text
    listing = commands.lookup_text(deps, "apache-2.0")
    assert "§4(d)" in listing and "§3 Grant of Patent License" in listing
    assert "do not know" in commands.lookup_text(deps, "no-such-license")
    assert "No section" in commands.lookup_text(deps, "mit 99")


def test_list_groups_by_kind_and_category(deps: SlackDeps) -> None:
    text = commands.list_text(deps)
    assert "license · Permissive" in text and "apache-2.0" in text


def _private_answer(deps: SlackDeps, question: str) -> list[dict[str, Any]]:
    respond = Recorder()
    commands.run_command(deps, {"text": question, "user_id": "U1", "channel_id": "C7"}, respond)  # type: ignore[arg-type]
    blocks: list[dict[str, Any]] = respond.calls[0]["blocks"]
    return blocks


def _button(blocks: list[dict[str, Any]], block_id: str) -> dict[str, Any]:
    block = next(b for b in blocks if b.get("block_id") == block_id)
    element: dict[str, Any] = block["elements"][0]
    return element


def test_feedback_buttons_are_stored_with_who_asked_and_listed(deps: SlackDeps) -> None:
    blocks = _private_answer(deps, "What does Apache 2.0 say about patent litigation?")
    buttons = _button(blocks, "licensebot_feedback")
    assert buttons["type"] == "feedback_buttons" and buttons["action_id"] == "feedback"
    down = buttons["negative_button"]["value"]
    respond = Recorder()
    actions.record_vote(deps, {"actions": [{"action_id": "feedback", "value": down}], "user": {"id": "U9"}},
                        respond)  # type: ignore[arg-type]
    assert "Thanks" in respond.calls[0]["text"]
    row = deps.questions.recent_feedback()[0]
    assert row.vote == "not_helpful" and row.voter == "U9" and row.cited
    assert row.user == "U1" and row.channel == "C7" and row.surface == "command"
    assert "U9" in commands.feedback_text(deps)


def test_share_posts_the_private_answer_in_the_channel_as_shown(deps: SlackDeps) -> None:
    blocks = _private_answer(deps, "What does Apache 2.0 say about patent litigation?")
    share = _button(blocks, "licensebot_share")
    respond = Recorder()
    actions.share_answer(deps, {"actions": [share], "user": {"id": "U1"}, "channel": {"id": "C7"}},
                         respond)  # type: ignore[arg-type]
    shared = respond.calls[0]
    assert shared["response_type"] == "in_channel" and shared["delete_original"] is True
    assert shared["blocks"] == [b for b in blocks if b.get("block_id") != "licensebot_share"]


def test_with_retention_zero_nothing_is_kept_but_share_still_works(deps: SlackDeps, tmp_path: Path) -> None:
    deps.questions = QuestionLog(tmp_path / "none.sqlite3", retention_days=0)
    blocks = _private_answer(deps, "What does Apache 2.0 say about patent litigation?")
    assert not (tmp_path / "none.sqlite3").exists()
    assert "licensebot_feedback" not in {b.get("block_id") for b in blocks}
    respond = Recorder()
    actions.share_answer(deps, {"actions": [_button(blocks, "licensebot_share")], "user": {"id": "U1"},
                                "channel": {"id": "C7"}}, respond)  # type: ignore[arg-type]
    assert respond.calls[0]["response_type"] == "in_channel"
    assert "Apache License 2.0" in json.dumps(respond.calls[0]["blocks"])


def test_the_question_log_forgets_after_the_retention_period(tmp_path: Path) -> None:
    now = [1_000_000.0]
    log = QuestionLog(tmp_path / "q.sqlite3", retention_days=90, clock=lambda: now[0])
    answer = Answer(question="q", answer="a", abstained=True)
    old = log.record(answer, Asked("U1", "C1", "dm"))
    now[0] += 89 * DAY
    recent = log.record(answer, Asked("U2", "C1", "dm"))
    assert log.get(old) is not None
    now[0] += 2 * DAY
    assert log.purge() == 1
    assert log.get(old) is None and log.get(recent) is not None


def test_mentions_are_stripped_and_bots_ignored() -> None:
    assert events.strip_mentions("<@UBOT> can we use MIT?") == "can we use MIT?"
    assert events.is_from_a_bot({"bot_id": "B1", "text": "hi"})
    assert not events.is_from_a_bot({"user": "U1", "text": "hi"})


def _answer(text: str, quote_text: str, n: int = 60) -> Answer:
    q = Quote(doc="d", title="Doc <b>", section="§1", text=quote_text, start=0, end=len(quote_text),
              url="https://x.example/l", section_id="1")
    return Answer(question="q", answer=text, abstained=False, quotes=(q,) * n, notice="Not legal advice.")


def test_blocks_escape_mrkdwn_and_respect_limits() -> None:
    answer = _answer("<!channel> see <@U123> & co", "Clause text <!here> " + "word " * 2000)
    blocks = answer_blocks(answer, feedback_id="k", share_value="id:k")
    assert len(blocks) <= BLOCK_LIMIT
    assert blocks[-2]["block_id"] == "licensebot_feedback" and blocks[-1]["block_id"] == "licensebot_share"
    for b in blocks:
        if b["type"] == "section":
            assert len(b["text"]["text"]) <= SECTION_LIMIT
        if b["type"] == "rich_text":
            assert all(len(q["elements"][0]["text"]) <= PIECE for q in b["elements"])
    assert "<!channel>" not in blocks[0]["text"]["text"] and "&lt;!channel&gt;" in blocks[0]["text"]["text"]
    # Past the message's quote budget a clause is named with the command that shows it.
    assert "/license lookup d 1" in json.dumps(blocks)
    assert escape("a<b>&c") == "a&lt;b&gt;&amp;c"


CLAUSE = ("You must *not* use _Llama_ ~outputs~ to `train` models <except> as <@U123> & <!channel> "
          "allow; see **Section 2** and \\escaped\\ text > 700 million.\n\n  Indented   spacing  stays. ")


def test_a_quote_with_markdown_characters_arrives_verbatim() -> None:
    body = "Preamble.\n" + CLAUSE * 40 + "End."
    start = body.index("You must")
    end = body.rindex("End.")
    quote = Quote(doc="d", title="T", section="§2", text=body[start:end], start=start, end=end, url="",
                  section_id="2")
    blocks = answer_blocks(Answer(question="q", answer="a", abstained=False, quotes=(quote,)))
    rich = [b for b in blocks if b["type"] == "rich_text"]
    assert len(rich) == 1 and len(rich[0]["elements"]) > 1, "a long clause is split, not cut"
    # Through JSON, as Slack receives it, and back: every character of the source span.
    sent = json.loads(json.dumps(rich[0]))
    assert quoted_text(sent) == body[start:end]
    assert all(e["type"] == "text" and "style" not in e for q in sent["elements"] for e in q["elements"])


def test_the_lead_comes_first_verbatim_with_its_parent_lead_in() -> None:
    lead = Lead(doc="d", title="GPL", section="§6(a)", url="", text="Convey the object code ...", start=5, end=31,
                rule="condition", context="You may convey a covered work in object code form ... in one of these ways:")
    answer = Answer(question="q", answer="x", abstained=False, lead=lead)
    blocks = answer_blocks(answer)
    assert "GPL" in blocks[0]["text"]["text"] and "condition" in blocks[0]["text"]["text"]
    assert quoted_text(blocks[1]) == lead.context + lead.text


def test_home_view_shows_status_model_and_a_local_date(deps: SlackDeps) -> None:
    view = home_view(deps)
    text = json.dumps(view)
    assert view["type"] == "home" and "6 documents" in text and "120 clauses" in text
    assert "<!date^1795341600^{date_short_pretty} at {time}|2026-11-22 10:00 UTC>" in text
    assert "*Model:* none" in text
    deps.model = ModelInfo(name="SmolLM2-135M-Instruct", license="apache-2.0", license_source="GGUF metadata",
                           path=None)
    assert "SmolLM2-135M-Instruct (apache-2.0, GGUF metadata)" in json.dumps(home_view(deps))


def test_lookup_tells_versions_from_sections(deps: SlackDeps) -> None:
    assert "Llama 3.1 Community License" in commands.lookup_text(deps, "llama 3.1").splitlines()[0]
    clause = commands.lookup_text(deps, "llama 3.1 1.b.i")
    assert "Llama 3.1" in clause.splitlines()[0] and "Built with Llama" in clause
    assert "§4(d)" in commands.lookup_text(deps, "apache-2.0 4(d)")


@pytest.mark.parametrize(
    ("error", "shown", "hidden"),
    [
        (RuntimeError("secret internal detail"), "Sorry", "secret"),
        (StoreUnavailable("connection refused at 10.0.0.5:8000"), "unavailable right now", "10.0.0.5"),
    ],
    ids=["a failure replaces searching with an apology", "index down gives a try-again reply"],
)
def test_a_failed_answer_gets_a_friendly_reply_without_the_error_text(
    deps: SlackDeps, error: Exception, shown: str, hidden: str
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise error

    deps.service.ask = broken  # type: ignore[method-assign]
    respond = Recorder()
    commands.run_command(deps, {"text": "What about MIT?", "user_id": "U1"}, respond)  # type: ignore[arg-type]
    assert shown in respond.calls[0]["text"] and hidden not in respond.calls[0]["text"]
