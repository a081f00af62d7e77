"""Listener callbacks called directly, as plain functions."""

from __future__ import annotations

from typing import Any

import pytest

from licensebot.answering.answer import Answer, Quote
from licensebot.errors import StoreUnavailable
from licensebot.slack.blocks import BLOCK_LIMIT, SECTION_LIMIT, answer_blocks, escape
from licensebot.slack.deps import SlackDeps
from licensebot.slack.listeners import actions, commands, events
from licensebot.slack.listeners.home import home_view


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
    commands.run_command(deps, {"text": "reindex", "user_id": "UOTHER"}, respond, None)  # type: ignore[arg-type]
    assert respond.calls == []


def test_question_is_acknowledged_with_a_searching_state(deps: SlackDeps) -> None:
    ack = Recorder()
    commands.ack_command(deps, {"text": "What does Apache 2.0 say about patents?", "user_id": "U1"}, ack)  # type: ignore[arg-type]
    assert ack.calls == [{"text": commands.SEARCHING}]


def test_ask_responds_privately_and_share_in_channel(deps: SlackDeps) -> None:
    respond = Recorder()
    body = {"text": "What does Apache 2.0 say about patent litigation?", "user_id": "U1"}
    commands.run_command(deps, body, respond, None)  # type: ignore[arg-type]
    assert respond.calls[0]["response_type"] == "ephemeral"
    assert any(b["type"] == "actions" for b in respond.calls[0]["blocks"])
    commands.run_command(deps, body | {"text": "share " + body["text"]}, respond, None)  # type: ignore[arg-type]
    assert respond.calls[1]["response_type"] == "in_channel"


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


def test_feedback_vote_is_stored_and_listed(deps: SlackDeps) -> None:
    answer = deps.service.ask("What does Apache 2.0 say about patent litigation?")
    key = deps.feedback.record_answer(answer)
    respond = Recorder()
    actions.record_vote(deps, {"actions": [{"action_id": "feedback_helpful", "value": key}], "user": {"id": "U9"}},
                        respond)  # type: ignore[arg-type]
    assert "Thanks" in respond.calls[0]["text"]
    rows = deps.feedback.recent()
    assert rows[0].vote == "helpful" and rows[0].user == "U9" and rows[0].cited
    assert "U9" in commands.feedback_text(deps)


def test_mentions_are_stripped_and_bots_ignored() -> None:
    assert events.strip_mentions("<@UBOT> can we use MIT?") == "can we use MIT?"
    assert events.is_from_a_bot({"bot_id": "B1", "text": "hi"})
    assert not events.is_from_a_bot({"user": "U1", "text": "hi"})


def _answer(text: str, quote_text: str) -> Answer:
    q = Quote(doc="d", title="Doc <b>", section="§1", text=quote_text, start=0, end=len(quote_text),
              url="https://x.example/l", section_id="1")
    return Answer(question="q", answer=text, abstained=False, quotes=(q,) * 60, notice="Not legal advice.")


def test_blocks_escape_markup_and_respect_limits() -> None:
    answer = _answer("<!channel> see <@U123> & co", "Clause text <!here> " + "word " * 2000)
    blocks = answer_blocks(answer, feedback_id="k")
    assert len(blocks) <= BLOCK_LIMIT
    for b in blocks:
        if b["type"] == "section":
            assert len(b["text"]["text"]) <= SECTION_LIMIT
    assert "<!channel>" not in blocks[0]["text"]["text"] and "&lt;!channel&gt;" in blocks[0]["text"]["text"]
    assert "/license lookup d 1" in blocks[1]["text"]["text"]
    assert escape("a<b>&c") == "a&lt;b&gt;&amp;c"


def test_home_view_shows_status_and_model(deps: SlackDeps) -> None:
    view = home_view(deps)
    text = str(view)
    assert view["type"] == "home" and "6 documents" in text and "120 clauses" in text


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
    commands.run_command(deps, {"text": "What about MIT?", "user_id": "U1"}, respond, None)  # type: ignore[arg-type]
    assert shown in respond.calls[0]["text"] and hidden not in respond.calls[0]["text"]
