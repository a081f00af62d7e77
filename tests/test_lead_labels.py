"""One label per sentence: a lead's kind is never computed over sentences of different kinds, and
the CLI, Slack and `ask --json` show the same label for the same sentence."""

from __future__ import annotations

import json
from dataclasses import replace

from licensebot import render
from licensebot.answering.amounts import amounts_asked
from licensebot.answering.rules import classify
from licensebot.answering.service import AnswerService
from licensebot.index.search import Retriever
from licensebot.index.text import sentence_spans
from licensebot.slack.blocks import answer_blocks
from tests.fakes import lead_for, quote_of

QUESTIONS = [
    "Can we use Llama 2 outputs to improve a model that is not Llama?",
    "Do we need a license from Meta above 700 million monthly active users under Llama 2?",
    "What does Apache 2.0 say about patent litigation?",
    "Does the MIT license come with any warranty?",
    "Under the Gemma terms, may Google restrict our use remotely?",
    "Does the Qwen license require a license above 100 million monthly active users?",
]


def test_every_lead_sentence_is_labelled_on_its_own_words(fake_retriever: Retriever) -> None:
    service = AnswerService(fake_retriever, None)
    for question in QUESTIONS:
        lead = service.ask(question).lead
        assert lead is not None and lead.sentences, question
        for s in lead.sentences:
            assert lead.text[s.start - lead.start : s.end - lead.start] == s.text, "an exact span of the lead"
            assert len(sentence_spans(s.text)) == 1, f"a label over several sentences: {s.text!r}"
            assert s.rule == (classify(s.text, lead.context) or ""), question
        assert lead.rule == lead.sentences[0].rule


def test_a_permission_beside_a_prohibition_shows_each_kind_everywhere(fake_retriever: Retriever) -> None:
    # A short first sentence takes the next one into the lead: two rules of different kinds.
    text = "You may use Output for any purpose. You may not use the Output to train a competing model."
    quote = quote_of(text, "§4 Outputs", title="Example Model License")
    question = "May we use the outputs commercially?"
    lead = lead_for([quote], question)
    assert [s.rule for s in lead.sentences] == ["permission", "prohibition"]
    assert lead.mixed and lead.rule == "permission"

    answer = AnswerService(fake_retriever, None).ask("What does Apache 2.0 say about patent litigation?")
    shown = replace(answer, lead=lead, answer=AnswerService._lead_text(lead, "", answer.quotes))
    cli = render.answer_text(shown)
    slack = json.dumps(answer_blocks(shown))
    data = shown.to_json()
    assert "(permission) “You may use Output for any purpose.”" in cli
    assert "(prohibition) “You may not use the Output" in cli
    for s in lead.sentences:
        assert f"_{s.rule}_" in slack
        assert any(x["rule"] == s.rule and x["text"] == s.text for x in data["lead"]["sentences"])



def test_a_list_item_leads_on_its_own_and_is_read_with_its_lead_in() -> None:
    # The question's words are split between an item ("weapons") and its lead-in ("use", "Model"):
    # read with its lead-in, as the lead shows it, the item beats a sentence holding "use Model".
    text = ("You may use the Model for research and teaching purposes. You agree not to use the Model:\n"
            "- to harm minors or other vulnerable groups in any way;\n"
            "- for the development of weapons of any kind.")
    quote = quote_of(text, "§3 Use", title="Example Model License")
    question = "Can we use the Model for weapons?"
    lead = lead_for([quote], question)
    assert lead.text == "for the development of weapons of any kind.", "one item leads, not the list"
    assert [s.rule for s in lead.sentences] == ["prohibition"], "labelled with the lead-in it completes"
    assert lead.context == "You agree not to use the Model:", "shown with the lead-in it completes"
    assert text[lead.context_start : lead.context_end] == lead.context, "an exact span"


def test_a_question_for_every_duty_leads_with_the_whole_list_and_one_for_a_duty_with_its_item() -> None:
    text = ("You may distribute copies of the Work in any medium, provided that you meet these conditions:\n"
            "- you give every recipient of the Work a copy of this License;\n"
            "- you mark every modified file with a prominent notice of the changes you made.")
    quote = quote_of(text, "§4 Redistribution")
    every = "What do we have to do if we give modified files to a partner?"
    lead = lead_for([quote], every)
    assert "a copy of this License" in lead.text and "prominent notice" in lead.text, lead.text
    assert lead.text.startswith("You may distribute copies")
    assert len(lead.sentences) == 3, "each item keeps a label of its own"

    one = "Must we mark modified files with a notice?"
    lead = lead_for([quote], one)
    assert lead.text == "you mark every modified file with a prominent notice of the changes you made."


def test_labels_are_exact_spans_of_a_lead_that_starts_inside_its_quote() -> None:
    # "e.g. Reports" is no sentence end for the splitter but is one for the label's prose cut.
    text = ("Each party keeps the rights it had before this agreement was signed. "
            "You may sell Output to customers for any purpose, e.g. Reports and marketing material you make.")
    quote = quote_of(text, "§3", start=500, title="Example Model License")
    question = "May we sell Output to customers?"
    lead = lead_for([quote], question)
    assert lead.start > quote.start and lead.sentences
    for s in lead.sentences:
        assert text[s.start - quote.start : s.end - quote.start] == s.text, s
        assert lead.start <= s.start and s.end <= lead.end


def test_an_item_is_not_read_with_the_lead_in_of_an_earlier_list() -> None:
    text = ("You may use the Model for any of the following purposes:\n"
            "- research and teaching in schools and universities;\n"
            "You must never use the Model for the uses listed below\n"
            "- the development of weapons of any kind.")
    quote = quote_of(text, "§3", title="Example Model License")
    question = "Can we use it to develop weapons?"
    lead = lead_for([quote], question)
    assert "weapons" in lead.text
    assert lead.context != "You may use the Model for any of the following purposes:"
    assert all(s.rule != "permission" for s in lead.sentences), lead.sentences


def test_the_lead_in_of_a_nested_list_may_be_an_item_itself() -> None:
    text = ("d) Do one of the following:\n"
            "   0) Convey the Minimal Corresponding Source under the terms of this License.\n"
            "   1) Use a suitable shared library mechanism for linking with the Library.\n"
            "e) Provide Installation Information, but only if you would otherwise be required to.")
    quote = quote_of(text, "§4.d")
    every = "What do we need to do if we link the Library?"
    lead = lead_for([quote], every)
    assert "0) Convey" in lead.text and "1) Use a suitable" in lead.text and "Installation" not in lead.text
    one = "May we use a shared library mechanism for linking?"
    lead = lead_for([quote], one)
    assert lead.text.startswith("Use a suitable shared library") and lead.context == "Do one of the following:"


def test_an_item_of_a_nested_list_is_read_with_every_lead_in_it_completes() -> None:
    # 1) completes "d) Do one of the following:", which completes the clause's own lead-in: the
    # question's words are in those two and in 1), and not in a) alone.
    text = ("You may convey a Combined Work under terms of your choice if you also do each of the following:\n"
            "a) Give prominent notice with each copy of the Combined Work.\n"
            "d) Do one of the following:\n"
            "   0) Convey the Minimal Corresponding Source.\n"
            "   1) Use a suitable shared library mechanism.\n"
            "e) Provide Installation Information.")
    quote = quote_of(text, "§4")
    question = "May we convey a Combined Work under terms of our choice with a shared library mechanism?"
    lead = lead_for([quote], question)
    assert lead.text.startswith("Use a suitable shared library mechanism"), lead.text


def test_a_question_that_says_how_big_the_asker_is_leads_with_the_threshold() -> None:
    text = ("Stability AI grants You a license to use the Stability AI Materials for any Commercial Purpose. "
            "You must register with Stability AI on its website before any commercial use. "
            "If You generate more than USD $1,000,000 in annual revenue, You must request an enterprise license.")
    quote = quote_of(text, "§III", title="Example Community License")
    question = "Our company makes $3M a year. Does the license still apply to us?"
    lead = lead_for([quote], question)
    assert lead.text.startswith("If You generate more than USD $1,000,000"), lead.text
    plain = "Our company is growing. Does the license still apply to us?"
    lead = lead_for([quote], plain)
    assert lead.text.startswith("Stability AI grants You"), "no amount stated, no threshold lead"
    assert amounts_asked("We have about 800 million monthly users") == {"users"}
    assert amounts_asked("Revenue is €5M; 20 employees") == {"money"}
    assert not amounts_asked("Can we use Llama 3.1 405B in 2025?"), "a model size or a year is no amount"


def test_the_provided_of_a_proviso_is_not_the_word_provide() -> None:
    text = ("If You distribute Covered Software in Executable Form then:\n"
            "(a) such Covered Software must also be made available in Source Code Form; and\n"
            "(b) You may distribute such Executable Form under the terms of this License, provided that the "
            "license for the Executable Form does not limit the recipients' rights in the Source Code Form.")
    quote = quote_of(text, "§3.2")
    question = "If we distribute the Executable Form, do we have to provide the Source Code Form?"
    lead = lead_for([quote], question)
    assert lead.text.startswith("such Covered Software must also be made available"), lead.text


def test_of_a_permission_and_a_duty_in_the_same_words_a_duty_question_leads_with_the_duty() -> None:
    text = ("You may give recipients a copy of the Source Code Form in any medium. "
            "You must give recipients a copy of the Source Code Form.")
    quote = quote_of(text, "§3")
    duty = "Do we have to give recipients a copy of the Source Code Form?"
    lead = lead_for([quote], duty)
    assert lead.text == "You must give recipients a copy of the Source Code Form."
    may = "Can we give recipients a copy of the Source Code Form?"
    lead = lead_for([quote], may)
    assert lead.text.startswith("You may give recipients")


def test_a_question_for_every_duty_leads_with_the_best_clauses_list_not_another_clauses_sentence() -> None:
    items = "".join(f"- You must meet condition number {n} of this section, in full and in writing, "
                    f"for every copy;\n" for n in range(1, 8))
    text = f"You may Distribute Derivatives under different terms, provided that:\n{items}"
    conditions = quote_of(text, "§2.3")
    other_text = "You must not misrepresent a modified version of a fine-tuned model You Distribute."
    other = quote_of(other_text, "§3.1", start=5000)
    question = "What do we have to do if we distribute a fine-tuned modified version?"
    lead = lead_for([conditions, other], question)
    assert lead.text.startswith("You may Distribute Derivatives"), lead.text
    assert "condition number 7" in lead.text, "the whole list, longer than one sentence's lead"


def test_an_outer_item_after_a_nested_list_is_led_in_by_the_outer_lead_in() -> None:
    text = ("You may convey a Combined Work if you also do each of the following:\n"
            "a) Give prominent notice with each copy of the Combined Work.\n"
            "d) Do one of the following:\n"
            "   0) Convey the Minimal Corresponding Source.\n"
            "   1) Use a suitable shared library mechanism.\n"
            "e) Provide Installation Information for the Combined Work.")
    quote = quote_of(text, "§4")
    question = "Must we provide Installation Information?"
    lead = lead_for([quote], question)
    assert lead.text.startswith("Provide Installation Information"), lead.text
    assert lead.context.startswith("You may convey a Combined Work"), "not 'd) Do one of the following:'"


def test_duty_questions_are_recognised_in_their_usual_phrasings() -> None:
    text = ("You may give recipients a copy of the Source Code Form in any medium. "
            "You must give recipients a copy of the Source Code Form.")
    quote = quote_of(text, "§3")
    for duty in ("Is it required to give recipients a copy of the Source Code Form?",
                 "Does the license require that recipients get a copy of the Source Code Form?"):
        lead = lead_for([quote], duty)
        assert lead.text == "You must give recipients a copy of the Source Code Form.", duty
    assert not amounts_asked("Can Llama 3 users fine-tune the model? Qwen 2.5 customers too?"), "versions, not counts"
    assert amounts_asked("We make 5 million in annual revenue") == {"money"}


def test_what_to_do_with_one_thing_is_not_a_question_for_every_duty() -> None:
    from licensebot.answering.lead import _ASKS_EVERY_DUTY

    assert _ASKS_EVERY_DUTY.search("What do we have to do if we distribute a fine-tuned version?")
    assert not _ASKS_EVERY_DUTY.search("What do we have to do with the NOTICE file?")
