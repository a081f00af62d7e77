"""Questions the license texts do not settle (what a licensor charges, how fast it replies, taxes,
hardware, insurance) are answered "not found" with the closest clauses named; a question that only
mentions such a thing, or a clause that speaks of it, is answered as usual."""

from __future__ import annotations

import pytest

from licensebot.answering.outside import load_outside, unsettled
from licensebot.answering.service import AnswerService
from licensebot.index.documents import Chunk, Hit
from licensebot.index.search import Retriever


def _chunk(cid: str, section: str, text: str) -> Chunk:
    return Chunk(id=cid, doc="x", title="Example License", kind="license", category="", url="", section=section,
                 section_id="", heading="", start=0, end=len(text), text=text)


@pytest.mark.parametrize(("question", "topic"), [
    ("How much does the vendor charge for a commercial license?", "price"),
    ("How long does Meta usually take to answer a license request?", "response_time"),
    ("What VAT rate applies when we resell it in Germany?", "tax"),
    ("How many H100 GPUs do we need to serve it?", "hardware"),
    ("Does our insurance policy cover claims from AI-generated code?", "insurance"),
])
def test_questions_the_texts_do_not_settle_are_recognised(question: str, topic: str) -> None:
    found = unsettled(question, [])
    assert found is not None and found.key == topic


@pytest.mark.parametrize("question", [
    "We run the model on our own GPUs and sell API access. Does the license allow a hosted service?",
    "Our hardware product ships GPL-3.0 firmware. What must we do about source code?",
    "Claims ops wants an agent that approves insurance claims on its own. Allowed?",
    "Can we charge customers for a product built on it?",
])
def test_a_mention_is_not_an_ask(question: str) -> None:
    assert unsettled(question, []) is None


def test_a_clause_that_speaks_of_the_topic_is_still_quoted() -> None:
    text = "The Licensor may charge a fee of USD 500 per year for the Commercial License."
    hit = Hit(_chunk("p", "§4 Fees", text), 0.5)
    assert unsettled("How much does the vendor charge for a commercial license?", [hit]) is None
    assert {t.key for t in load_outside()} == {"price", "response_time", "tax", "hardware", "insurance"}


def test_an_unsettled_question_gets_not_found_with_the_closest_clauses(fake_retriever: Retriever) -> None:
    answer = AnswerService(fake_retriever, None).ask(
        "How much does Meta charge for the separate Llama 3.1 license above 700 million monthly active users?")
    assert answer.abstained and not answer.quotes
    assert answer.answer.startswith("Not found: the license texts do not say what the licensor charges")
    assert "Llama 3.1 Community License Agreement 2024, §" in answer.answer
    kept = AnswerService(fake_retriever, None).ask(
        "Do we need a license from Meta above 700 million monthly active users under Llama 3.1?")
    assert not kept.abstained, "the same license asked what it does say is answered"
