"""Housekeeping clauses (warranty and liability, trademarks, law and disputes, interpretation)
neither lead nor rank first for a question that is not about them."""

from __future__ import annotations

import pytest

from licensebot.answering.answer import Quote
from licensebot.answering.lead import choose_lead
from licensebot.index.documents import Chunk, Hit
from licensebot.index.search import Retriever
from licensebot.index.search.housekeeping import housekeeping, housekeeping_last, leads_for
from tests.fakes import query_of, terms_of

LIABILITY = ("IN NO EVENT WILL THE LICENSOR BE LIABLE TO YOU FOR DAMAGES OF ANY KIND ARISING OUT OF THE USE "
             "OF THE SOFTWARE IN A COMMERCIAL PRODUCT.")
GRANT = "You may use the Software in a commercial product, solely for your internal business purposes."


def _chunk(cid: str, section: str, text: str) -> Chunk:
    return Chunk(id=cid, doc="x", title="Example License", kind="license", category="", url="", section=section,
                 section_id="", heading="", start=0, end=len(text), text=text)


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
    hits = [Hit(_chunk("a", "§7 Disclaimer of Warranty", "THE SOFTWARE IS PROVIDED AS IS, WITHOUT WARRANTY."), 0.3),
            Hit(_chunk("b", "§2 Grant", GRANT), 0.2),
            Hit(_chunk("c", "§10 Governing Law", "This License is governed by the laws of Ireland."), 0.1),
            Hit(_chunk("d", "§3 Conditions", "You must give recipients a copy of this License."), 0.05)]
    order = [h.chunk.id for h in housekeeping_last(hits, "Can we ship it in our product?")]
    assert order == ["b", "d", "a", "c"]
    asked = [h.chunk.id for h in housekeeping_last(hits, "Which country's law governs it?")]
    assert asked == ["b", "c", "d", "a"], "a clause the question is about keeps its place among the others"


def test_the_search_puts_a_housekeeping_clause_after_what_the_question_asks(fake_retriever: Retriever) -> None:
    # Apache 2.0 §6 (Trademarks) shares "use ... in connection with ... product" with this question.
    hits = fake_retriever.search("Apache 2.0: can we use the Work in connection with our product?").hits
    assert hits and hits[0].chunk.doc == "apache-2.0"
    assert housekeeping(hits[0].chunk.section, hits[0].chunk.text) is None
    assert any(h.chunk.section == "§6 Trademarks" for h in hits), "still there to quote, lower down"
    asked = fake_retriever.search("Apache 2.0: can we use the Licensor's trademarks in connection with our product?")
    assert asked.hits[0].chunk.section == "§6 Trademarks"
