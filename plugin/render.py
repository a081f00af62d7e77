"""Plain-text rendering of answers and index reports for the terminal."""

from __future__ import annotations

import textwrap

from index.models import IndexReport
from plugin.answer import Answer


def answer_text(answer: Answer) -> str:
    lines = [answer.answer, ""]
    for note in answer.notes:
        lines.append(f"Note: {note}")
    if answer.notes:
        lines.append("")
    for i, q in enumerate(answer.quotes, 1):
        where = f"{q.title}, {q.section}" if q.section else q.title
        kind = " (discussion excerpt)" if q.kind == "discussion" else ""
        lines.append(f"[{i}] {where}{kind}")
        for para in q.text.splitlines():
            lines.append("    > " + para.rstrip() if para.strip() else "    >")
        lines.append(f"    {q.url}" if q.url else "")
        lines.append("")
    if answer.notice:
        lines.append(textwrap.fill(answer.notice, width=100))
    return "\n".join(lines).rstrip() + "\n"


def report_text(report: IndexReport) -> str:
    lines = [
        f"added {len(report.added)}, changed {len(report.changed)}, removed {len(report.removed)}, "
        f"unchanged {report.unchanged} documents; embedded {report.chunks_embedded} chunks"
    ]
    for f in report.failures:
        lines.append(f"skipped {f.path}: {f.reason}")
    for note in report.recovered:
        lines.append(f"recovered: {note}")
    return "\n".join(lines)
