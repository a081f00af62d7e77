from __future__ import annotations

from licensebot.index.text import sentence_spans


def test_sentences_are_exact_spans_and_not_cut_after_abbreviations_or_inside_parentheses() -> None:
    clause = (
        "You shall only use the Models for testing. You shall not supply the Models in the course of a "
        "commercial activity, including through a hosted service (e.g. SaaS, cloud instances, etc.), or "
        "behind a software layer. Nothing else in this agreement limits the research use of the Models."
    )
    spans = sentence_spans(clause)
    parts = [clause[s:e] for s, e in spans]
    assert len(parts) == 3 and parts[1].startswith("You shall not supply") and parts[1].endswith("layer.")


def test_a_heading_fragment_joins_the_sentence_after_it() -> None:
    text = "3. Grant of Patent License. Subject to the terms of this License, each Contributor grants a license."
    assert [text[s:e] for s, e in sentence_spans(text)] == [text]


def test_whitespace_inside_is_kept_and_around_is_not() -> None:
    text = "  First sentence of the clause, which is long enough.\n\n   The second one is also long enough here.  "
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == ["First sentence of the clause, which is long enough.",
                                              "The second one is also long enough here."]


def test_each_list_item_is_a_sentence_of_its_own_punctuated_or_not() -> None:
    bullets = ("-\tIn any way that violates any applicable national or international law or regulation; \n"
               "-\tFor military use in any way;")
    letters = ("b. You must give any Third Party recipients of the Model a copy of this License; \n"
               "c. You must cause any modified files to carry prominent notices; \n"
               "d. You must retain all notices.")
    bare = ("a. Generating, promoting, or furthering fraud or the creation of disinformation\n"
            "b. Generating, promoting, or furthering defamatory content")
    for text, first_words in ((bullets, ["-\tIn any", "-\tFor military"]),
                              (letters, ["b. You", "c. You", "d. You"]),
                              (bare, ["a. Generating", "b. Generating"])):
        parts = [text[s:e] for s, e in sentence_spans(text)]
        assert [p[: len(w)] for p, w in zip(parts, first_words, strict=True)] == first_words, parts


def test_a_short_rule_is_a_sentence_but_a_short_heading_or_wrapped_line_is_not() -> None:
    rule = "You agree not to use the Model in these ways:\n- For military use in any way;"
    assert [rule[s:e] for s, e in sentence_spans(rule)][-1] == "- For military use in any way;"
    heading = "1. Definitions.\nThe following terms have the meanings given to them in this License below."
    assert len(sentence_spans(heading)) == 1
    wrapped = "You may distribute copies of the Software under Section 4\nof this License, in any medium you like."
    assert len(sentence_spans(wrapped)) == 1


def test_a_hard_wrapped_line_that_starts_like_an_item_does_not_end_the_sentence() -> None:
    for text in ("You may distribute it under Section 4\n(a) of this License, in any medium you choose.",
                 "*  Covered Software is provided under this License on an as is basis, without warranty   *\n"
                 "*  of any kind, either expressed, implied, or statutory, including, without limitation,  *"):
        assert len(sentence_spans(text)) == 1, text
