"""Terminal rendering of two-license answers: compatibility (direction, the matrix's verdict with
its source, the deciding clauses), comparison in two columns, and a word diff between versions
(``[-removed-]{+added+}``, as ``git diff --word-diff=plain`` marks them).

Columns and wrapping change only the line breaks: the words are the clauses' own, in order
(``ask --json`` has the exact spans)."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from itertools import zip_longest

from licensebot.answering.answer import Answer, Lead
from licensebot.answering.pairs.model import Change, Segment, TopicRow

WIDTH = 100
COLUMN = (WIDTH - 3) // 2
NOT_ADDRESSED = "(not addressed)"


def pair_text(answer: Answer) -> str:
    lines = [answer.answer, ""]
    lines += [f"Note: {n}" for n in answer.notes] + ([""] if answer.notes else [])
    if answer.comparison:
        for row in answer.comparison:
            lines += _row(row)
    elif answer.diff is not None:
        for change in answer.diff.changes:
            lines += _change(change)
    else:
        for i, lead in enumerate(answer.compatibility.clauses if answer.compatibility else (), 1):
            lines += [f"[{i}] {_where(lead)}", *_quoted(lead), f"    {lead.url}" if lead.url else "", ""]
    if answer.notice:
        lines.append(textwrap.fill(answer.notice, width=WIDTH))
    return "\n".join(lines).rstrip() + "\n"


def _where(lead: Lead) -> str:
    where = f"{lead.title}, {lead.section}" if lead.section else lead.title
    return f"{where} ({lead.rule})" if lead.rule else where


def _words(lead: Lead) -> str:
    return " ".join(f"{lead.context} … {lead.text}".split()) if lead.context else " ".join(lead.text.split())


def _quoted(lead: Lead) -> list[str]:
    return ["    > " + line for line in textwrap.wrap(_words(lead), WIDTH - 6)]


def _column(lead: Lead | None) -> list[str]:
    if lead is None:
        return [NOT_ADDRESSED]
    head = f"{lead.section or lead.title}" + (f" · {lead.rule}" if lead.rule else "")
    return [*textwrap.wrap(head, COLUMN), *textwrap.wrap(f"“{_words(lead)}”", COLUMN)]


def _row(row: TopicRow) -> list[str]:
    out = [f"== {row.label} " + "=" * max(0, WIDTH - len(row.label) - 4)]
    titles = (row.first.title if row.first else "", row.second.title if row.second else "")
    if any(titles):
        out.append(f"{titles[0][:COLUMN]:<{COLUMN}} | {titles[1][:COLUMN]}")
    for left, right in zip_longest(_column(row.first), _column(row.second), fillvalue=""):
        out.append(f"{left:<{COLUMN}} | {right}")
    if row.segments:
        out += ["", "Word changes:", *_marked(row.segments)]
    return [*out, ""]


def _marked(segments: Sequence[Segment]) -> list[str]:
    marks = {"same": "{}", "removed": "[-{}-]", "added": "{{+{}+}}"}
    text = " ".join(marks[s.op].format(" ".join(s.text.split())) for s in segments)
    return ["    " + line for line in textwrap.wrap(text, WIDTH - 4, break_on_hyphens=False)]


def _change(change: Change) -> list[str]:
    if change.old is not None and change.new is not None:
        head = f"~ {change.old.section or change.old.title} -> {change.new.section or change.new.title} (reworded)"
        return [head, *_marked(change.segments), ""]
    lead = change.old or change.new
    assert lead is not None
    sign, where = ("-", "only in the old version") if change.old is not None else ("+", "only in the new version")
    return [f"{sign} {_where(lead)}: {where}", *_quoted(lead), ""]
