"""Block Kit rendering of answers and looked-up clauses.

Quoted license text goes into ``rich_text`` blocks as plain ``text`` elements: Slack shows them
exactly as written and never reads ``*``, ``_``, ``~``, backticks, ``<!channel>`` or ``<@U1>`` in
them as formatting, links or mentions. Anything rendered as mrkdwn (titles, notes) is escaped.
Long quotes are split across several elements of at most ``PIECE`` characters, so no character
is lost, and a reply too big for one message is split across messages (limits.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from licensebot import prompts
from licensebot.answering.answer import Answer, Choice, Lead, Quote
from licensebot.answering.lookup import Lookup
from licensebot.answering.subjects import subject_line
from licensebot.slack.limits import (
    BLOCK_LIMIT,
    MESSAGE_QUOTE_BUDGET,
    PIECE,
    SECTION_LIMIT,
    Block,
    split_messages,
)

__all__ = ["BLOCK_LIMIT", "PIECE", "SECTION_LIMIT", "Block"]


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def lookup_hint(doc: str, section_id: str) -> str:
    return f"/license lookup {doc} {section_id}".strip()


def pieces(text: str, size: int = PIECE) -> list[str]:
    """``text`` in consecutive pieces of at most ``size`` characters, cut after whitespace where
    possible; joined, they give ``text`` back exactly."""
    out = []
    while len(text) > size:
        cut = max(text.rfind(" ", 0, size), text.rfind("\n", 0, size)) + 1
        if cut <= size // 2:
            cut = size
        out.append(text[:cut])
        text = text[cut:]
    if text or not out:
        out.append(text)
    return out


def verbatim(*parts: str) -> Block:
    """A rich_text block quoting each non-empty part as it is, one quote element per piece."""
    elements = [
        {"type": "rich_text_quote", "elements": [{"type": "text", "text": piece}]}
        for part in parts if part
        for piece in pieces(part)
    ]
    return {"type": "rich_text", "elements": elements}


def quoted_text(block: Block) -> str:
    """The text of a ``verbatim`` block, pieces joined (what a reader sees, for tests and audits)."""
    return "".join(e["text"] for quote in block["elements"] for e in quote["elements"])


def _where(title: str, section: str, url: str, kind: str = "license") -> str:
    where = f"*{escape(title)}*" + (f", {escape(section)}" if section else "")
    if url:
        where += f" · <{url}|source>"
    if kind == "discussion":
        where += " _" + prompts.message("discussion_label") + "_"
    return where


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:SECTION_LIMIT]}}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:SECTION_LIMIT]}]}


def lead_blocks(lead: Lead) -> list[Block]:
    """The lead under its source and kind; when its sentences state rules of different kinds, each
    under its own kind, so a label never speaks for a sentence of another kind."""
    where = _where(lead.title, lead.section, lead.url)
    if not lead.mixed:
        header = prompts.message("answer_header", where=where, rule=lead.rule) if lead.rule else where
        return [section(header), verbatim(lead.context, lead.text)]
    blocks = [section(where)]
    for i, sentence in enumerate(lead.sentences):
        rule = sentence.rule or prompts.message("no_rule")
        blocks += [context(prompts.message("sentence_kind", rule=rule)),
                   verbatim(lead.context if i == 0 else "", sentence.text)]
    return blocks


def choice_block(question: str, options: Sequence[Choice]) -> Block:
    """Buttons that ask the question again, under each license it may mean."""
    return {
        "type": "actions",
        "block_id": "licensebot_choices",
        "elements": [{"type": "button", "action_id": f"reask_{i}", "text": {"type": "plain_text",
                                                                             "text": c.title[:75]},
                      "value": prompts.message("reask", title=c.title, question=question)[:2000]}
                     for i, c in enumerate(options)],
    }


def quote_blocks(i: int, q: Quote) -> list[Block]:
    return [section(f"[{i}] " + _where(q.title, q.section, q.url, q.kind)), verbatim(q.context, q.text)]


def answer_messages(answer: Answer, *, feedback_id: str = "", share_value: str = "") -> list[list[Block]]:
    """The answer's blocks over as many messages as Slack's limits need, the feedback buttons
    and the share button at the end of the last one."""
    tail = []
    if feedback_id:
        tail.append(feedback_block(feedback_id))
    if share_value:
        tail.append(share_block(share_value))
    return split_messages(answer_blocks(answer), tail)


def answer_blocks(answer: Answer) -> list[Block]:
    """Lead first (the clause's own sentence, verbatim), then the model's checked restatement if
    any, notes, the quoted clauses (up to the quote budget) and the notice."""
    blocks: list[Block] = []
    if answer.lead is not None:
        if answer.subject is not None and answer.subject.kind != "license":
            blocks.append(section(escape(subject_line(answer.subject))))
        if answer.lead.weak:
            blocks.append(section(prompts.message("closest_clauses")))
        blocks += lead_blocks(answer.lead)
    else:
        blocks.append(section(escape(answer.answer)))
    if answer.choices:
        blocks.append(choice_block(answer.question, answer.choices))
    if answer.paraphrase:
        blocks.append(context(prompts.message("in_plain_words", paraphrase=escape(answer.paraphrase))))
    for note in answer.notes:
        blocks.append(context(escape(note)))
    budget = MESSAGE_QUOTE_BUDGET
    for i, q in enumerate(answer.quotes, 1):
        size = len(q.text) + len(q.context)
        if size <= budget:
            blocks += quote_blocks(i, q)
            budget -= size
        else:
            hint = escape(lookup_hint(q.doc, q.section_id))
            blocks.append(section(f"[{i}] " + _where(q.title, q.section, q.url, q.kind) + f"\n`{hint}`"))
    if answer.notice:
        blocks.append(context(escape(answer.notice)))
    return blocks


def feedback_block(feedback_id: str) -> Block:
    """Slack's own thumbs up/down for AI answers; the value carries the vote and the log id."""
    return {
        "type": "context_actions",
        "block_id": "licensebot_feedback",
        "elements": [{
            "type": "feedback_buttons",
            "action_id": "feedback",
            "positive_button": {"text": {"type": "plain_text", "text": prompts.message("feedback_positive")},
                                "value": f"up:{feedback_id}"},
            "negative_button": {"text": {"type": "plain_text", "text": prompts.message("feedback_negative")},
                                "value": f"down:{feedback_id}"},
        }],
    }


def share_block(value: str) -> Block:
    return {
        "type": "actions",
        "block_id": "licensebot_share",
        "elements": [{"type": "button", "action_id": "share_answer", "value": value[:2000],
                      "text": {"type": "plain_text", "text": prompts.message("share_button")}}],
    }


def without_actions(blocks: list[Block], block_id: str) -> list[Block]:
    return [b for b in blocks if b.get("block_id") != block_id]


def answer_fallback(answer: Answer) -> str:
    """Plain text for notifications and clients without Block Kit."""
    parts = [answer.answer]
    for i, q in enumerate(answer.quotes, 1):
        parts.append(f"[{i}] {q.title} {q.section}".strip())
    return escape("\n".join(parts))[:3000]


def text_blocks(text: str) -> list[Block]:
    return [section(text)]


def lookup_messages(found: Lookup) -> list[list[Block]]:
    """A looked-up section: its title, label and source link, then each clause as a rich_text
    quote, verbatim, within the quote budget. Past the budget the text is cut, and a note says
    so and links the source, where the rest is."""
    first = found.clauses[0]
    blocks = [section(_where(found.title, first.section, first.url))]
    budget = MESSAGE_QUOTE_BUDGET
    for clause in found.clauses:
        if budget <= 0:
            break
        if len(found.clauses) > 1 and clause is not first:
            blocks.append(context(escape(clause.section)))
        text = clause.text[:budget]
        budget -= len(clause.text)
        blocks.append(verbatim(text))
    if budget < 0:
        where = f"<{first.url}|source>" if first.url else f"`{escape(found.doc)}`"
        blocks.append(context(prompts.message("lookup_cut", chars=MESSAGE_QUOTE_BUDGET, where=where)))
    return split_messages(blocks)


def lookup_fallback(found: Lookup) -> str:
    return escape(f"{found.title}, {found.clauses[0].section}")
