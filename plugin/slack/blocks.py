"""Block Kit rendering of answers, with Slack's limits and escaping.

Document text can contain ``<!channel>``, ``<@U123>`` or ``&``; escaped, it is shown and never
pings anyone. Limits: 3,000 characters per section text, 50 blocks per message.
"""

from __future__ import annotations

from typing import Any

from licensebot.answering.answer import Answer, Quote

SECTION_LIMIT = 3000
BLOCK_LIMIT = 50
QUOTE_BUDGET = 2600


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _quote_lines(text: str) -> str:
    return "\n".join("> " + line if line.strip() else ">" for line in escape(text).splitlines())


def lookup_hint(q: Quote) -> str:
    return f"/license lookup {q.doc} {q.section_id}".strip()


def quote_block(i: int, q: Quote) -> dict[str, Any]:
    where = f"*{escape(q.title)}*" + (f", {escape(q.section)}" if q.section else "")
    if q.url:
        where += f" · <{q.url}|source>"
    if q.kind == "discussion":
        where += " _(discussion excerpt, not license text)_"
    body = q.text
    cut = ""
    if len(_quote_lines(body)) > QUOTE_BUDGET:
        # Cut at a word boundary; the full clause is one command away.
        body = body[:QUOTE_BUDGET].rsplit(" ", 1)[0]
        while len(_quote_lines(body)) > QUOTE_BUDGET:
            body = body[: int(len(body) * 0.9)].rsplit(" ", 1)[0]
        cut = f"\n_…cut here; the full clause: `{escape(lookup_hint(q))}`_"
    text = f"[{i}] {where}\n{_quote_lines(body)}{cut}"
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:SECTION_LIMIT]}}


def answer_blocks(answer: Answer, *, feedback_id: str = "") -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": escape(answer.answer)[:SECTION_LIMIT]}}
    ]
    for note in answer.notes:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": escape(note)}]})
    for i, q in enumerate(answer.quotes, 1):
        blocks.append(quote_block(i, q))
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": escape(answer.notice)}]})
    if feedback_id:
        blocks.append(feedback_actions(feedback_id))
    return blocks[:BLOCK_LIMIT]


def feedback_actions(feedback_id: str) -> dict[str, Any]:
    return {
        "type": "actions",
        "block_id": "licensebot_feedback",
        "elements": [
            {"type": "button", "action_id": "feedback_helpful", "value": feedback_id,
             "text": {"type": "plain_text", "text": "Helpful"}},
            {"type": "button", "action_id": "feedback_not_helpful", "value": feedback_id,
             "text": {"type": "plain_text", "text": "Not helpful"}},
        ],
    }


def answer_fallback(answer: Answer) -> str:
    """Plain text for notifications and clients without Block Kit."""
    parts = [answer.answer]
    for i, q in enumerate(answer.quotes, 1):
        parts.append(f"[{i}] {q.title} {q.section}".strip())
    return escape("\n".join(parts))[:3000]


def text_blocks(text: str) -> list[dict[str, Any]]:
    return [{"type": "section", "text": {"type": "mrkdwn", "text": text[:SECTION_LIMIT]}}]
