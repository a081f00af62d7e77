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
