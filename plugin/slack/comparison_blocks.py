"""Block Kit rendering of two-license answers: compatibility, comparison and version diffs.

Clauses go into ``rich_text`` as plain ``text`` elements, as every quote does (``blocks.py``):
Slack never reads their ``*``, ``_`` or ``<!channel>`` as formatting. A word diff marks removed
words with strike-through and added words in bold, as element styles, never by editing the text.
Each message stays within Slack's limits: at most ``BLOCK_LIMIT`` blocks and ``TEXT_BUDGET``
characters of text in all; a clause longer than its share is shown up to a word boundary
(still an exact prefix of the span) with the command that shows it whole.
"""

from __future__ import annotations

from typing import Any

from licensebot import prompts
from licensebot.answering.answer import Answer, Lead
from licensebot.answering.pairs.model import Change, Segment, TopicRow
from licensebot.slack.blocks import (
    BLOCK_LIMIT,
    PIECE,
    Block,
    context,
    escape,
    feedback_block,
    pieces,
    section,
    share_block,
)

TEXT_BUDGET = 11_000
"""Characters of text per message (Slack accepts about 12,000 in a message's blocks)."""
OVERHEAD = 2_500
"""Kept for the header, notes, notice and buttons."""
MIN_SHARE = 300


def is_pair(answer: Answer) -> bool:
    return answer.compatibility is not None or bool(answer.comparison) or answer.diff is not None


def _text(text: str, **style: bool) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "text", "text": text}
    if style:
        element["style"] = style
    return element


def _label(lead: Lead) -> str:
    return prompts.message("pair_clause_header", title=lead.title, section=lead.section or "—", rule=lead.rule or "—")


def _clause(lead: Lead, share: int) -> list[dict[str, Any]]:
    """A clause's label and its words (its lead-in, then the clause, each an exact span), cut to
    ``share`` characters at a word."""
    out: list[dict[str, Any]] = [{"type": "rich_text_section", "elements": [_text(_label(lead), bold=True)]}]
    left, cut = share, False
    for part in (lead.context, lead.text):
        if not part or left <= 0:
            cut = cut or bool(part)
            continue
        if len(part) > left:
            part, cut = part[: max(part.rfind(" ", 0, left), left // 2)], True
        left -= len(part)
        out += [{"type": "rich_text_quote", "elements": [_text(p)]} for p in pieces(part, PIECE)]
    if cut:
        section_id = lead.section.split(" ")[0].lstrip("§")
        out.append({"type": "rich_text_section", "elements": [
            _text(prompts.message("pair_cut", doc=lead.doc, section=section_id), italic=True)]})
    return out


def _rich(elements: list[dict[str, Any]]) -> Block:
    return {"type": "rich_text", "elements": elements}


def _share(count: int) -> int:
    return max(MIN_SHARE, (TEXT_BUDGET - OVERHEAD) // max(1, count))


def pair_blocks(answer: Answer, *, feedback_id: str = "", share_value: str = "") -> list[Block]:
    blocks: list[Block] = [section(escape(answer.answer))]
    blocks += [context(escape(n)) for n in answer.notes]
    if answer.comparison:
        blocks += _comparison(answer.comparison)
    elif answer.diff is not None:
        blocks += _diff(answer.diff.changes, answer.question)
    elif answer.compatibility is not None:
        clauses = answer.compatibility.clauses
        blocks += [_rich(_clause(c, _share(len(clauses)))) for c in clauses]
    tail = [b for b in (feedback_block(feedback_id) if feedback_id else None,
                        share_block(share_value) if share_value else None) if b]
    notice = [context(escape(answer.notice))] if answer.notice else []
    room = BLOCK_LIMIT - len(tail) - len(notice)
    return blocks[:room] + notice + tail


def _comparison(rows: tuple[TopicRow, ...]) -> list[Block]:
    share = _share(sum((r.first is not None) + (r.second is not None) + bool(r.segments) for r in rows))
    out: list[Block] = []
    for row in rows:
        out.append(section(f"*{escape(row.label)}*"))
        elements: list[dict[str, Any]] = []
        for lead, title in zip((row.first, row.second), row.titles, strict=True):
            if lead is not None:
                elements += _clause(lead, share)
            else:
                elements.append({"type": "rich_text_section", "elements": [
                    _text(prompts.message("pair_not_addressed", title=title), italic=True)]})
        if row.segments:
            elements.append(_marked(row.segments, share))
        out.append(_rich(elements))
    return out


def _marked(segments: tuple[Segment, ...], share: int) -> dict[str, Any]:
    """A word diff as one quote: removed words struck through, added words in bold."""
    elements, used = [], 0
    for s in segments:
        if used >= share:
            break
        text = s.text[: share - used]
        used += len(text)
        elements.append(_text(text, strike=True) if s.op == "removed" else
                        _text(text, bold=True) if s.op == "added" else _text(text))
    return {"type": "rich_text_quote", "elements": elements}


def _diff(changes: tuple[Change, ...], question: str) -> list[Block]:
    out: list[Block] = [context(prompts.message("diff_legend"))] if changes else []
    share = _share(len(changes))
    budget = TEXT_BUDGET - OVERHEAD
    shown = 0
    for change in changes:
        if len(out) + 2 > BLOCK_LIMIT - 6 or budget < MIN_SHARE:
            break
        if change.old is not None and change.new is not None:
            head = prompts.message("diff_reworded", old=escape(f"{change.old.title}, {change.old.section}"),
                                   new=escape(f"{change.new.title}, {change.new.section}"))
            body = _rich([_marked(change.segments, share)])
        else:
            lead = change.old or change.new
            assert lead is not None
            head = prompts.message("diff_only_in", title=escape(lead.title), section=escape(lead.section or "—"))
            body = _rich(_clause(lead, share))
        out += [section(head), body]
        budget -= min(share, sum(len(e.get("text", "")) for q in body["elements"] for e in q["elements"]))
        shown += 1
    rest = changes[shown:]
    if rest:
        sections = ", ".join(dict.fromkeys((c.new or c.old).section for c in rest if (c.new or c.old)))  # type: ignore[union-attr]
        command = question if question.startswith("diff ") else "ask --json"
        out.append(context(escape(prompts.message("pair_more", count=len(rest), sections=sections[:1500],
                                                  command=command))))
    return out


def pair_fallback(answer: Answer) -> str:
    """Plain text for notifications: the answer's first lines."""
    return escape(answer.answer)[:3000]

