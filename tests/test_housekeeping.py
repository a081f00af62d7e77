"""Housekeeping clauses (warranty and liability, trademarks, law and disputes, interpretation)
neither lead nor rank first for a question that is not about them."""

from __future__ import annotations

import pytest

from licensebot.answering.answer import Quote
from licensebot.answering.lead import choose_lead
from licensebot.answering.service import AnswerService
from licensebot.index.documents import Hit
from licensebot.index.search import Retriever
from licensebot.index.search.housekeeping import housekeeping, housekeeping_last, leads_for
from tests.conftest import chunks_of, licensedb_docs
from tests.fakes import clause, query_of, terms_of

LIABILITY = ("IN NO EVENT WILL THE LICENSOR BE LIABLE TO YOU FOR DAMAGES OF ANY KIND ARISING OUT OF THE USE "
             "OF THE SOFTWARE IN A COMMERCIAL PRODUCT.")
GRANT = "You may use the Software in a commercial product, solely for your internal business purposes."


@pytest.mark.parametrize(("label", "sentence", "topic"), [
    ("§5 LIMITATION ON LIABILITY", LIABILITY, "warranty and liability"),
    ("§6.1 Disclaimer", "You are solely responsible for determining the appropriateness of using the Model.",
     "warranty and liability"),
    ("§6 Trademarks", "This License does not grant permission to use the trade names of the Licensor.", "trademarks"),
    ("§8.1 Governing laws", "This Agreement will be governed by the laws of France.", "law and disputes"),
    ("§9.2 Entire Agreement", "This Agreement constitutes the entire agreement between the parties.",
     "interpretation"),
])
def test_a_housekeeping_clause_is_known_by_its_label(label: str, sentence: str, topic: str) -> None:
    found = housekeeping(label, sentence)
    assert found is not None and found.name == topic


@pytest.mark.parametrize(("label", "sentence"), [
    # "Limitations and Disclaimers" opens with a limitation on what is waived, not a disclaimer.
    ("§4.a Limitations and Disclaimers", "No trademark or patent rights held by Affirmer are waived."),
    ("§3 Grant of Patent License", "Each Contributor hereby grants to You a patent license."),
    ("§4.2 Outputs", "Any Outputs shall be subject to the restrictions set out in Section 3."),
])
def test_operative_clauses_are_not_housekeeping(label: str, sentence: str) -> None:
    assert housekeeping(label, sentence) is None


def test_charging_for_support_leads_a_support_question_not_a_sales_one() -> None:
    label, text = "§9 Accepting Warranty or Additional Liability", "You may choose to offer, and charge a fee for, " \
        "acceptance of support, warranty, indemnity, or other liability obligations."
    assert leads_for(label, text, "Can we charge customers for support when we redistribute it?")
    assert not leads_for(label, text, "Can we sell a product built on it and charge a subscription fee?")


def test_a_question_about_risk_defects_or_which_law_is_about_housekeeping() -> None:
    assert leads_for("§7 Disclaimer of Warranty", "THE SOFTWARE IS PROVIDED AS IS, WITHOUT WARRANTY.",
                     "Do we bear all the risk of using it?")
    assert leads_for("§7 Disclaimer of Warranty", "THE SOFTWARE IS PROVIDED AS IS, WITHOUT WARRANTY.",
                     "Is the licensor responsible for defects?")
    assert leads_for("§8.1 Governing laws", "This Agreement will be governed by the laws of France.",
                     "Under which law is the license?")


def test_housekeeping_leads_only_a_question_about_it() -> None:
    assert not leads_for("§5 LIMITATION ON LIABILITY", LIABILITY, "Can we use it in a commercial product?")
    assert leads_for("§5 LIMITATION ON LIABILITY", LIABILITY, "Is the licensor liable for damages?")
    assert leads_for("§6 Trademarks", "You may not use the Licensor's logo.", "May we put their logo on our site?")
    assert leads_for("§4 Grant", GRANT, "Can we use it in a commercial product?")


def test_a_housekeeping_quote_does_not_lead_when_an_operative_one_is_quoted() -> None:
    question = "Can we use the software in a commercial product?"
    liability = Quote(doc="x", title="Example License", section="§5 LIMITATION ON LIABILITY", text=LIABILITY,
                      start=0, end=len(LIABILITY), url="")
    grant = Quote(doc="x", title="Example License", section="§1 Grant", text=GRANT, start=200,
                  end=200 + len(GRANT), url="")
    lead = choose_lead([liability, grant], query_of(question), question_vector=None, embedder=None,
                       terms=terms_of(question))
    assert lead.section == "§1 Grant"
    about = "Is the licensor liable to us for damages of any kind?"
    lead = choose_lead([liability, grant], query_of(about), question_vector=None, embedder=None,
                       terms=terms_of(about))
    assert lead.section == "§5 LIMITATION ON LIABILITY"


def test_housekeeping_hits_go_after_the_others_in_their_order() -> None:
    hits = [Hit(clause("a", "§7 Disclaimer of Warranty", "THE SOFTWARE IS PROVIDED AS IS, WITHOUT WARRANTY."), 0.3),
            Hit(clause("b", "§2 Grant", GRANT), 0.2),
            Hit(clause("c", "§10 Governing Law", "This License is governed by the laws of Ireland."), 0.1),
            Hit(clause("d", "§3 Conditions", "You must give recipients a copy of this License."), 0.05)]
    order = [h.chunk.id for h in housekeeping_last(hits, "Can we ship it in our product?")]
    assert order == ["b", "d", "a", "c"]
    asked = [h.chunk.id for h in housekeeping_last(hits, "Which country's law governs it?")]
    assert asked == ["b", "c", "d", "a"], "a clause the question is about keeps its place among the others"


def test_the_search_puts_housekeeping_the_question_does_not_ask_about_after_the_rest(
        fake_retriever: Retriever) -> None:
    # Without the rule, each disclaimer ranks third for its question (hashing embedder, real texts).
    for question, aside in (("Llama 3.1: any limits on the use of the Llama Materials in our product?",
                             "§3 Disclaimer of Warranty"),
                            ("Apache 2.0: use of the Work in our product, any limits?", "§8 Limitation of Liability")):
        top = [h.chunk.section for h in fake_retriever.search(question).hits]
        assert aside in top and top.index(aside) >= 3, question


def test_a_housekeeping_clause_the_question_picks_out_by_a_rare_word_keeps_its_place_and_leads(
        fake_retriever: Retriever) -> None:
    question = "Under the Gemma terms, what about Santa Clara?"
    found = fake_retriever.search(question)
    assert any("Santa Clara" in h.chunk.text for h in found.hits[:3])
    lead = AnswerService(fake_retriever, None).ask(question).lead
    assert lead is not None and "Santa Clara" in lead.text


def test_a_picked_out_housekeeping_sentence_may_lead_over_another_quote() -> None:
    law = "The courts of Santa Clara County, California shall have exclusive jurisdiction of any dispute."
    question = "Under these terms, what about Santa Clara?"
    first = Quote(doc="x", title="Example Terms", section="§4.6 Governing Law and Jurisdiction", text=law, start=0,
                  end=len(law), url="")
    second = Quote(doc="x", title="Example Terms", section="§2 Use", text=GRANT, start=500, end=500 + len(GRANT),
                   url="")
    plain = choose_lead([first, second], query_of(question), question_vector=None, embedder=None,
                        terms=terms_of(question))
    assert plain.section == "§2 Use", "not picked out: housekeeping gives way to the other quote"
    picked = choose_lead([first, second], query_of(question), question_vector=None, embedder=None,
                         terms=terms_of(question), picked=[("x", 0, len(law))])
    assert picked.section == "§4.6 Governing Law and Jurisdiction"


def test_housekeeping_on_real_texts_is_what_the_labels_name_and_nothing_operative() -> None:
    found = {(d.key, section): topic.name for d in licensedb_docs(["apache-2.0", "artistic-2.0", "cc0-1.0",
                                                                   "fair-ai-public-1.0", "gemma-tou-2025-03-24"])
             for section, text in chunks_of(d).items() if (topic := housekeeping(section, text)) is not None}
    assert found == {
        ("apache-2.0", "§6 Trademarks"): "trademarks",
        ("apache-2.0", "§7 Disclaimer of Warranty"): "warranty and liability",
        ("apache-2.0", "§8 Limitation of Liability"): "warranty and liability",
        ("apache-2.0", "§9 Accepting Warranty or Additional Liability"): "support and warranty offered for a fee",
        ("artistic-2.0", "§(14) Disclaimer of Warranty"): "warranty and liability",
        # §4.a ("No trademark or patent rights ... are waived") is under the same heading, and operative.
        ("cc0-1.0", "§4.b Limitations and Disclaimers"): "warranty and liability",
        ("cc0-1.0", "§4.c Limitations and Disclaimers"): "warranty and liability",
        ("fair-ai-public-1.0", "No Liability"): "warranty and liability",
        ("gemma-tou-2025-03-24", "§4.2 Trademarks"): "trademarks",
        ("gemma-tou-2025-03-24", "§4.3 DISCLAIMER OF WARRANTY"): "warranty and liability",
        ("gemma-tou-2025-03-24", "§4.4 LIMITATION OF LIABILITY"): "warranty and liability",
        ("gemma-tou-2025-03-24", "§4.6 Governing Law and Jurisdiction"): "law and disputes",
        ("gemma-tou-2025-03-24", "§4.7 Severability"): "interpretation",
        ("gemma-tou-2025-03-24", "§4.8 Entire Agreement"): "interpretation",
    }, "Artistic-2.0's General Provisions (its patent grant), CC0's Waiver and FAIPL's Reliability are operative"
