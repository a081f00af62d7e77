"""Questions the license texts do not settle (what a licensor charges, how fast it replies, taxes,
hardware, insurance, service levels, speed, hosting, laws, rulings, dealings) are answered "not
found" with the closest clauses named; a question that only mentions such a thing, or a clause that
speaks of it, is answered as usual."""

from __future__ import annotations

import pytest

from licensebot.answering.outside import load_outside, parse_outside, unsettled
from licensebot.answering.service import AnswerService
from licensebot.errors import SourceError
from licensebot.index.documents import Hit
from licensebot.index.search import Retriever
from tests.fakes import clause


@pytest.mark.parametrize(("question", "topic"), [
    ("How much does the vendor charge for a commercial license?", "price"),
    ("What does a commercial license for FLUX.1 dev cost?", "price"),
    ("How much is a FLUX.1 commercial license?", "price"),
    ("What's the cost of a Llama enterprise license?", "price"),
    ("How long does Meta usually take to answer a license request?", "response_time"),
    ("How quickly does Stability AI respond to enterprise license requests?", "response_time"),
    ("What VAT rate applies when we resell it in Germany?", "tax"),
    ("Do we owe withholding tax in China when we deploy Qwen?", "tax"),
    ("How many H100 GPUs do we need to serve it?", "hardware"),
    ("What is the price for a Stable Diffusion enterprise license?", "price"),
    ("How much does the commercial license for Stable Diffusion 3 cost?", "price"),
    ("What hardware do we need to self-host DeepSeek-V3?", "hardware"),
    ("Does our insurance policy cover claims from AI-generated code?", "insurance"),
    ("Does our insurer cover AGPL claims?", "insurance"),
    ("What's the current per-node list price for an Elastic subscription?", "price"),
    ("If we pay royalties to a French vendor, do we have to withhold tax in Germany?", "tax"),
    ("What uptime SLA does Mistral AI offer with a commercial license?", "service_level"),
    ("What's the guaranteed first-response time on a critical support ticket?", "service_level"),
    ("Does Stability AI guarantee support for enterprise customers?", "service_level"),
    ("How many tokens per second does Qwen2.5-72B do on one H100?", "performance"),
    ("How fast is Gemma 3 27B on a laptop?", "performance"),
    ("Which AWS regions offer Gemma 3 as a managed endpoint?", "availability"),
    ("Is Llama 3.1 available on Bedrock?", "availability"),
    ("Is the EU AI Act's transparency duty already in force for our chatbot?", "law"),
    ("Does GDPR let us keep the prompts users send us?", "law"),
    ("Has the court in the Copilot class action ruled on training yet?", "ruling"),
    ("Did Snap ever get a special Llama license from Meta?", "dealings"),
    ("Has Google ever granted an exception to the Gemma terms?", "dealings"),
    ("What's Meta's SLA for the Llama API?", "service_level"),
    ("Does Mistral have an SLA?", "service_level"),
    ("How fast does Qwen2.5-72B run on one H100?", "performance"),
])
def test_questions_the_texts_do_not_settle_are_recognised(question: str, topic: str) -> None:
    found = unsettled(question, [], load_outside())
    assert found is not None and found.key == topic


@pytest.mark.parametrize("question", [
    # A mention of the topic in a question about something the license does say.
    "We run the model on our own GPUs and sell API access. Does the license allow a hosted service?",
    "Our hardware product ships GPL-3.0 firmware. What must we do about source code?",
    "Claims ops wants an agent that approves insurance claims on its own. Allowed?",
    "Can we build an insurance claims tool with Llama 3.1 that decides what the insurance company pays?",
    "Is it OK to use Qwen in an app that explains what your health insurance covers?",
    "Our VAT-registered subsidiary in Ireland wants to redistribute Llama. Allowed?",
    "Can we use Gemma to build a VAT calculation tool?",
    "Can we use Gemma to compute sales tax for customers?",
    "Can we publish latency benchmarks of Gemma against Llama 3.1?",
    "Does the OpenAI agreement restrict publishing throughput results?",
    "How many machines can we deploy the Mistral research model on?",
    "Can we use Llama 3 to reduce first-response times in our support desk?",
    # What the asker pays or must do, which licenses do say.
    "How much do we have to pay to use Llama 3.1 commercially?",
    "Can we charge customers for a product built on it?",
    "Does the Llama license limit the price of our product?",
    "How long does it take for our Llama 3.1 license to terminate if we breach it?",
    "How long do we have to respond to a written offer request under GPL-2.0?",
    "How soon must we answer a customer's request for the source code under AGPL-3.0?",
    "How many GPUs does the Llama 3 license allow us to deploy on?",
    "How many H100s does the Llama 3 license permit?",
    "Do we get a patent license when we download Apache-2.0 code?",
    "Did we get a license to the patents when we accepted the EPL-2.0?",
    "Can our legal team use Gemma to draft litigation strategy and predict a judge's ruling?",
    "Can we use Qwen to summarise court rulings for clients?",
    "Can we build an SLA monitoring dashboard with Llama 3.1?",
    "When does the termination of our Llama license take effect?",
    "When does the Change License take effect under the BSL?",
    "Can we host the model on AWS for our customers?",
    # Found by the cold review: a right, a price the asker sets, a clause, a change of terms.
    "How fast can Meta terminate our Llama 3.1 license if we breach it?",
    "Can we charge a per-seat price for an app built on Llama 3.1?",
    "Does Apache-2.0 let us set a subscription price for our SaaS?",
    "Which cloud providers are allowed to offer MongoDB under the SSPL?",
    "Is MongoDB offered on AWS allowed under SSPL section 13?",
    "Did the Gemma terms ever get updated to allow this?",
    "Does the governing law clause take effect in the EU?",
])
def test_a_mention_or_a_question_the_license_answers_is_not_refused(question: str) -> None:
    assert unsettled(question, [], load_outside()) is None


def test_what_use_costs_the_asker_is_not_a_price_question() -> None:
    # "royalty-free" in the grant answers these; only what the licensor charges is outside.
    for question in ("How much does it cost to use the software in a commercial product?",
                     "How much will it cost us to use Llama 3 commercially?"):
        assert unsettled(question, [], load_outside()) is None, question


def test_a_royalty_free_grant_is_no_price() -> None:
    grant = "Each Contributor hereby grants to You a perpetual, worldwide, no-charge, royalty-free copyright license."
    hit = Hit(clause("g", "§2 Grant of Copyright License", grant), 0.5)
    found = unsettled("How much does Meta charge for a Llama 3 license?", [hit], load_outside())
    assert found is not None and found.key == "price"


@pytest.mark.parametrize(("data", "says"), [
    ({"topics": {"price": {"label": "what it costs", "asked": ["cost", "price"], "evidence": "fee"}}}, "asked"),
    ({"topics": {"price": {"label": "what it costs", "asked": "  ", "evidence": "fee"}}}, "asked"),
    ({"topics": {"price": {"label": "what it costs", "asked": "cost", "evidence": "(fee"}}}, "evidence"),
    ({"topics": {"tax": {"label": "what taxes apply", "asked": "\\bVAT\\b|", "evidence": "tax"}}}, "empty"),
    ({"topics": {"price": {"label": "what it costs", "asked": "cost", "evidence": "(?:fee)?"}}}, "empty"),
    ({"topics": {"price": {"asked": "cost", "evidence": "fee"}}}, "label"),
    (None, "topics"),
    ({"topics": ["price"]}, "topics"),
])
def test_a_broken_outside_file_is_refused_with_what_is_wrong(data: object, says: str) -> None:
    with pytest.raises(SourceError, match=says):
        parse_outside(data)


def test_a_clause_that_speaks_of_the_topic_is_still_quoted() -> None:
    text = "The Licensor may charge a fee of USD 500 per year for the Commercial License."
    hit = Hit(clause("p", "§4 Fees", text), 0.5)
    assert unsettled("How much does the vendor charge for a commercial license?", [hit], load_outside()) is None
    offer = "You may choose to offer, and charge a fee for, acceptance of support, warranty ..."
    support = Hit(clause("w", "§9", offer), 0.5)
    question = "Does the licensor offer any warranty or support under Apache-2.0?"
    assert unsettled(question, [support], load_outside()) is None
    assert {t.key for t in load_outside()} == {"price", "response_time", "tax", "hardware", "insurance",
                                              "service_level", "performance", "availability", "law", "ruling",
                                              "dealings"}


def test_an_unsettled_question_gets_not_found_with_the_closest_clauses(fake_retriever: Retriever) -> None:
    answer = AnswerService(fake_retriever, None).ask(
        "How much does Meta charge for the separate Llama 3.1 license above 700 million monthly active users?")
    assert answer.abstained and not answer.quotes
    assert answer.answer.startswith("Not found: the license texts do not say what the licensor charges")
    assert "Llama 3.1 Community License Agreement 2024, §" in answer.answer
    kept = AnswerService(fake_retriever, None).ask(
        "Do we need a license from Meta above 700 million monthly active users under Llama 3.1?")
    assert not kept.abstained, "the same license asked what it does say is answered"
