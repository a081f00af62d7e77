"""Checks that what Slack received quotes the license texts word for word."""

from __future__ import annotations

from typing import Any

from licensebot.answering.answer import Answer
from licensebot.slack.blocks import quoted_text
from tests.conftest import licensedb_docs


def quotes_in(blocks: list[dict[str, Any]]) -> list[str]:
    """The text of every rich_text quote in ``blocks``, in order; each must be a plain quote."""
    out = []
    for block in blocks:
        if block["type"] != "rich_text":
            continue
        for element in block["elements"]:
            assert element["type"] == "rich_text_quote"
            assert all(e["type"] == "text" and "style" not in e for e in element["elements"])
        out.append(quoted_text(block))
    return out


def assert_quotes_verbatim(blocks: list[dict[str, Any]], answer: Answer) -> None:
    """The lead, then each quoted clause, as rich_text quotes holding exactly the document's words."""
    assert answer.lead is not None and answer.quotes
    bodies = {d.key: d.body for d in licensedb_docs(sorted({answer.lead.doc, *(q.doc for q in answer.quotes)}))}
    lead = answer.lead
    assert bodies[lead.doc][lead.start:lead.end] == lead.text
    assert quotes_in(blocks) == [lead.context + lead.text, *(q.context + q.text for q in answer.quotes)]
    for q in answer.quotes:
        assert bodies[q.doc][q.start:q.end] == q.text
