"""Listener callbacks called directly, as plain functions."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.webhook import WebhookResponse

from licensebot import prompts
from licensebot.answering.answer import Answer, Lead, Quote, Subject
from licensebot.errors import QuestionLogUnavailable, StoreUnavailable
from licensebot.llm.guard import ModelInfo
from licensebot.slack.blocks import answer_blocks, answer_messages, escape, quoted_text
from licensebot.slack.conversation import is_from_a_bot, strip_mentions
from licensebot.slack.deps import SlackDeps
from licensebot.slack.limits import BLOCK_LIMIT, MESSAGE_CHARS, PIECE, SECTION_LIMIT, size
from licensebot.slack.listeners import actions, commands
from licensebot.slack.listeners.home import home_view
from licensebot.slack.questions import QuestionLog
from licensebot.slack.stores import question_log


class Recorder:
    """Stands in for ack and respond: records the calls, answers as Slack's response_url does."""

    def __init__(self, status: int = 200) -> None:
        self.calls: list[dict[str, Any]] = []
        self.status = status

    def __call__(self, **kwargs: Any) -> WebhookResponse:
        self.calls.append(kwargs)
        return WebhookResponse(url="", status_code=self.status, body="ok" if self.status == 200 else "bad", headers={})


def _lookup(deps: SlackDeps, query: str) -> str:
    """Everything a `/license lookup` reply shows, as one string."""
    reply = commands.lookup_reply(deps, query)
    return "\n".join(m.text + json.dumps(m.blocks, ensure_ascii=False) for m in reply.messages)


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
    text = _lookup(deps, "llama-2 1.b.v")
    assert "Llama 2" in text and "improve any other large language model" in text
    listing = _lookup(deps, "apache-2.0")
    assert "§4(d)" in listing and "§3 Grant of Patent License" in listing
    assert "do not know" in _lookup(deps, "no-such-license")
    assert "No section" in _lookup(deps, "mit 99")


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
    deps.questions = question_log(replace(deps.settings, data_dir=tmp_path / "none", retention_days=0))
    blocks = _private_answer(deps, "What does Apache 2.0 say about patent litigation?")
    assert not (tmp_path / "none").exists()
    assert "licensebot_feedback" not in {b.get("block_id") for b in blocks}
    respond = Recorder()
    actions.share_answer(deps, {"actions": [_button(blocks, "licensebot_share")], "user": {"id": "U1"},
                                "channel": {"id": "C7"}}, respond)  # type: ignore[arg-type]
    assert respond.calls[0]["response_type"] == "in_channel"
    assert "Apache License 2.0" in json.dumps(respond.calls[0]["blocks"])


def test_mentions_are_stripped_and_bots_ignored() -> None:
    assert strip_mentions("<@UBOT> can we use MIT?") == "can we use MIT?"
    assert is_from_a_bot({"bot_id": "B1", "text": "hi"})
    assert not is_from_a_bot({"user": "U1", "text": "hi"})


def _answer(text: str, quote_text: str, n: int = 60) -> Answer:
    q = Quote(doc="d", title="Doc <b>", section="§1", text=quote_text, start=0, end=len(quote_text),
              url="https://x.example/l", section_id="1")
    return Answer(question="q", answer=text, abstained=False, quotes=(q,) * n, notice="Not legal advice.")


def test_blocks_escape_mrkdwn_and_respect_limits() -> None:
    answer = _answer("<!channel> see <@U123> & co", "Clause text <!here> " + "word " * 2000)
    messages = answer_messages(answer, feedback_id="k", share_value="id:k")
    assert len(messages) > 1, "24,000 quoted characters do not fit one message"
    assert all(len(m) <= BLOCK_LIMIT and size(m) <= MESSAGE_CHARS for m in messages)
    last = messages[-1]
    assert last[-2]["block_id"] == "licensebot_feedback" and last[-1]["block_id"] == "licensebot_share"
    blocks = [b for m in messages for b in m]
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


def test_a_not_found_answer_names_the_model_once() -> None:
    subject = Subject(name="Qwen2.5-7B-Instruct", kind="model", license="apache-2.0", source="https://example.test",
                      license_title="Apache License 2.0")
    text = "Qwen2.5-7B-Instruct is released under Apache License 2.0 (https://example.test).\nNot found: ..."
    blocks = answer_blocks(Answer(question="q", answer=text, abstained=True, subject=subject))
    assert json.dumps(blocks).count("is released under") == 1


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
    assert "Llama 3.1 Community License" in _lookup(deps, "llama 3.1").splitlines()[0]
    clause = _lookup(deps, "llama 3.1 1.b.i")
    assert "Llama 3.1" in clause.splitlines()[0] and "Built with Llama" in clause
    assert "§4(d)" in _lookup(deps, "apache-2.0 4(d)")


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


class DownStore:
    """A question store whose database cannot be reached."""

    def __getattr__(self, name: str) -> Any:
        def unavailable(*args: Any) -> Any:
            raise QuestionLogUnavailable("the question log database at postgresql://db:5432/q is unavailable")

        return unavailable


def test_with_the_question_log_down_answers_still_come_and_no_vote_is_thanked_and_lost(deps: SlackDeps) -> None:
    deps.questions = QuestionLog(DownStore())
    blocks = _private_answer(deps, "What does Apache 2.0 say about patent litigation?")
    assert any(b["type"] == "rich_text" for b in blocks), "the answer is shown"
    # No feedback buttons: a vote on an answer that is not logged could not be kept.
    assert "licensebot_feedback" not in {b.get("block_id") for b in blocks}
    respond = Recorder()
    actions.record_vote(deps, {"actions": [{"value": "up:" + "a" * 32}], "user": {"id": "U9"}},
                        respond)  # type: ignore[arg-type]
    assert respond.calls[0]["text"] == prompts.message("question_log_unavailable")
    # Sharing answers the question again from the button's value.
    share = _button(blocks, "licensebot_share")
    actions.share_answer(deps, {"actions": [share], "user": {"id": "U1"}, "channel": {"id": "C7"}},
                         respond)  # type: ignore[arg-type]
    assert respond.calls[1]["response_type"] == "in_channel" and "Apache License 2.0" in json.dumps(respond.calls[1])
    assert deps.metrics.errors.labels("QuestionLogUnavailable")._value.get() >= 3


def test_a_refused_slash_command_reply_is_replaced_by_an_apology(deps: SlackDeps) -> None:
    class RefusesFirst(Recorder):
        def __call__(self, **kwargs: Any) -> WebhookResponse:
            self.status = 400 if not self.calls else 200
            return super().__call__(**kwargs)

    respond = RefusesFirst()
    commands.run_command(deps, {"text": "What does Apache 2.0 say about patent litigation?", "user_id": "U1"},
                         respond)  # type: ignore[arg-type]
    assert len(respond.calls) == 2 and respond.calls[0]["blocks"]
    apology = respond.calls[1]
    assert apology["text"] == prompts.message("post_failed") and apology["replace_original"] is True


def test_a_model_named_is_said_first_with_its_license_and_source(deps: SlackDeps) -> None:
    answer = deps.service.ask("Can we ship Mistral 7B inside our desktop app? What notices are needed?")
    assert answer.subject is not None and (answer.subject.kind, answer.subject.license) == ("model", "apache-2.0")
    assert answer.answer.startswith("Mistral 7B is released under Apache License 2.0 (https://")
    blocks = answer_blocks(answer)
    assert blocks[0]["type"] == "section"
    assert "Mistral 7B is released under Apache License 2.0" in blocks[0]["text"]["text"]
    assert answer.to_json()["subject"]["source"].startswith("https://")


def test_a_question_naming_no_license_offers_buttons_that_ask_again(deps: SlackDeps) -> None:
    answer = deps.service.ask("Can we use the model for commercial purposes?")
    assert answer.abstained and len(answer.choices) >= 2
    block = next(b for b in answer_blocks(answer) if b.get("block_id") == "licensebot_choices")
    values = [e["value"] for e in block["elements"]]
    assert all(v.startswith("Under the ") and v.endswith("Can we use the model for commercial purposes?")
               for v in values)
    respond = Recorder()
    body = {"actions": [{"action_id": "reask_0", "value": values[0]}], "user": {"id": "U1"}, "channel": {"id": "C1"}}
    actions.reask(deps, body, respond)  # type: ignore[arg-type]
    chosen = deps.service.ask(values[0])
    assert not chosen.abstained and not chosen.choices
    assert respond.calls and respond.calls[-1]["response_type"] == "ephemeral"
    assert chosen.quotes[0].doc == answer.choices[0].key
