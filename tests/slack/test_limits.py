"""The longest answer and the longest lookup stay within Slack's limits on a message (50 blocks,
about 12,000 characters of blocks), split across messages with nothing cut but what the quote
budget names; and they reach Slack that way, through the fake Web API that enforces the limits.
First with a synthetic worst case, then with the longest clauses of the real default corpus."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import pytest

from licensebot import prompts
from licensebot.answering.answer import Answer, Lead, Quote
from licensebot.answering.lookup import lookup
from licensebot.index.documents import Chunk, Document
from licensebot.index.reindex import Indexer
from licensebot.index.search import RetrievalConfig, Retriever
from licensebot.index.sources import load_all, read_selection
from licensebot.index.text import chunk_document
from licensebot.slack.blocks import answer_messages, lookup_messages
from licensebot.slack.deps import SlackDeps
from licensebot.slack.limits import BLOCK_LIMIT, MESSAGE_CHARS, MESSAGE_QUOTE_BUDGET, SECTION_LIMIT, size
from tests.fakes import HashEmbedder, MemoryStore
from tests.slack.fake_slack import Bot, FakeSlack
from tests.slack.verbatim import quotes_in

CLAUSE = ("You must *not* use _Llama_ ~outputs~ to `train` models <except> as <@U123> & <!channel> allow; "
          "see **Section 2** and \\escaped\\ text > 700 million.\n\n  Indented   spacing  stays. ")


def _within_limits(messages: list[list[dict[str, Any]]]) -> None:
    for blocks in messages:
        assert len(blocks) <= BLOCK_LIMIT and size(blocks) <= MESSAGE_CHARS
        for b in blocks:
            if b["type"] == "section":
                assert len(b["text"]["text"]) <= SECTION_LIMIT


def within_budget(quotes: list[str]) -> list[str]:
    """The quotes an answer shows whole: each that still fits the quote budget, in order."""
    budget, whole = MESSAGE_QUOTE_BUDGET, []
    for text in quotes:
        if len(text) <= budget:
            whole.append(text)
            budget -= len(text)
    return whole


def _quote(n: int, text: str, context: str = "") -> Quote:
    return Quote(doc=f"doc-{n}", title=f"License {n}", section=f"§{n}", text=text, start=0, end=len(text),
                 url=f"https://licenses.example/{n}", section_id=str(n), context=context)


def _giant_answer() -> Answer:
    """Ten clauses of 20,000 characters each, every character Slack could misread."""
    body = (CLAUSE * 200)[:20_000]
    lead = Lead(doc="doc-1", title="License 1", section="§1", url="", text=body[:1400], start=0, end=1400,
                rule="prohibition", context=CLAUSE * 3)
    return Answer(question="q" * 2000, answer="a", abstained=False, lead=lead, paraphrase="p" * 500,
                  notes=("note " * 100,) * 3, notice="Not legal advice.",
                  quotes=tuple(_quote(n, body, CLAUSE * 3) for n in range(1, 11)))


def test_the_longest_possible_answer_is_split_within_the_limits_and_loses_no_quoted_character() -> None:
    answer = _giant_answer()
    messages = answer_messages(answer, feedback_id="k" * 32, share_value="id:" + "k" * 32 + ":" + "q" * 1900)
    assert len(messages) > 1
    _within_limits(messages)
    everything = [b for m in messages for b in m]
    # Quotes up to the budget arrive whole and in order (a quote longer than a message goes on
    # in the next one); the rest are named with their lookup.
    assert answer.lead is not None
    whole = within_budget([q.context + q.text for q in answer.quotes])
    assert whole and "".join(quotes_in(everything)) == answer.lead.context + answer.lead.text + "".join(whole)
    text = json.dumps(everything)
    assert all(f"/license lookup doc-{n} {n}" in text for n in range(len(whole) + 1, 11))
    assert [b.get("block_id") for b in messages[-1][-2:]] == ["licensebot_feedback", "licensebot_share"]


def _reply_parts(calls: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    return [c["blocks"] for c in calls]


def test_a_long_answer_reaches_slack_as_several_messages_in_order(
    bot: Bot, fake_slack: FakeSlack, deps: SlackDeps
) -> None:
    answer = _giant_answer()
    deps.service.ask = lambda *args, **kwargs: answer  # type: ignore[method-assign]
    mention = {"type": "app_mention", "user": "U1", "channel": "C1", "ts": "1700000000.000100", "text": "<@UBOT> q"}
    assert bot.event(mention, event_id="EvLong")[0] == 200
    expected = answer_messages(answer, feedback_id="x")
    posts = fake_slack.wait_for("chat.postMessage", count=len(expected))
    assert all(p["thread_ts"] == mention["ts"] for p in posts) and not fake_slack.failed("chat.postMessage")
    assert quotes_in([b for m in _reply_parts(posts) for b in m]) == quotes_in([b for m in expected for b in m])
    assert posts[1]["text"] == prompts.message("continued", n=2, total=len(expected))

    bot.command("q", "U1", fake_slack.url + "/response/long")
    replies = fake_slack.wait_for("/response/long", count=len(expected))
    assert replies[0]["replace_original"] is True and all(r["replace_original"] is False for r in replies[1:])
    assert not fake_slack.failed("/response/long")


def _longest_lookup(docs: list[Document]) -> tuple[Document, str]:
    """The document and top-level section whose lookup quotes the most text."""
    best: tuple[int, Document | None, str] = (0, None, "")
    for doc in docs:
        totals: dict[str, int] = defaultdict(int)
        chunks = chunk_document(doc)
        tops = {c.section_id.split(".")[0] for c in chunks if c.section_id}
        for top in tops:
            totals[top] = sum(len(c.text) for c in chunks if c.section_id.startswith(top))
        for top, total in totals.items():
            if total > best[0]:
                best = (total, doc, top)
    assert best[1] is not None
    return best[1], best[2]


@pytest.fixture(scope="module")
def default_docs() -> list[Document]:
    return list(load_all(scancode_patterns=read_selection(None), folders=()).documents)


def test_the_longest_clauses_of_the_default_corpus_fit_in_slack(default_docs: list[Document]) -> None:
    chunks: list[Chunk] = [c for d in default_docs for c in chunk_document(d)]
    longest = sorted(chunks, key=lambda c: len(c.context) + len(c.text), reverse=True)[:10]
    top = longest[0]
    lead = Lead(doc=top.doc, title=top.title, section=top.section, url=top.url, text=top.text, start=top.start,
                end=top.end, rule="condition", context=top.context)
    answer = Answer(question="q", answer="a", abstained=False, lead=lead, quotes=tuple(Quote.of(c) for c in longest))
    messages = answer_messages(answer, feedback_id="k" * 32)
    _within_limits(messages)
    whole = within_budget([c.context + c.text for c in longest])
    assert "".join(quotes_in([b for m in messages for b in m])) == top.context + top.text + "".join(whole)


def test_the_longest_lookup_of_the_default_corpus_fits_and_links_its_source(default_docs: list[Document]) -> None:
    doc, section = _longest_lookup(default_docs)
    embedder, store = HashEmbedder(), MemoryStore()
    Indexer(embedder, store).run([doc])
    found = lookup(Retriever(embedder, store, RetrievalConfig()).snapshot(), f"{doc.key} {section}")
    assert found.status == "clause"
    messages = lookup_messages(found)
    _within_limits(messages)
    everything = [b for m in messages for b in m]
    shown = quotes_in(everything)
    total = sum(len(c.text) for c in found.clauses)
    # Every clause verbatim (the last cut only past the budget, then a note links the source).
    assert shown == [c.text for c in found.clauses][: len(shown) - 1] + [shown[-1]]
    assert found.clauses[len(shown) - 1].text.startswith(shown[-1])
    cut = total > MESSAGE_QUOTE_BUDGET
    assert ("cut here" in json.dumps(everything)) is cut
    if found.clauses[0].url:
        assert f"<{found.clauses[0].url}|source>" in json.dumps(everything)


def test_a_lookup_past_the_quote_budget_is_cut_with_a_note_linking_the_source() -> None:
    from licensebot.answering.lookup import Lookup

    chunk = Chunk(id="c", doc="big", title="Big License", kind="license", category="", url="https://big.example/l",
                  section="§1", section_id="1", heading="", start=0, end=30_000, text=(CLAUSE * 300)[:30_000])
    found = Lookup("big 1", "clause", doc="big", title="Big License", section="1", clauses=(chunk,))
    messages = lookup_messages(found)
    _within_limits(messages)
    everything = [b for m in messages for b in m]
    assert "".join(quotes_in(everything)) == chunk.text[:MESSAGE_QUOTE_BUDGET]
    note = json.dumps(everything[-1])
    assert "cut here" in note and "<https://big.example/l|source>" in note


def test_the_later_messages_of_a_split_answer_say_they_continue_it() -> None:
    from licensebot.slack.replies import is_continuation, split_reply

    reply = split_reply("the answer", answer_messages(_giant_answer()))
    assert not is_continuation(reply.messages[0].text)
    assert len(reply.messages) > 1 and all(is_continuation(m.text) for m in reply.messages[1:])
