"""Plain-text rendering for the terminal: answers, clause lookups, index reports, eval rows."""

from __future__ import annotations

import textwrap
from typing import Any

from licensebot.answering.answer import Answer
from licensebot.answering.lookup import Lookup
from licensebot.index.documents import IndexReport
from licensebot.index.store import Inventory
from licensebot.render_pairs import pair_text


def answer_text(answer: Answer) -> str:
    if answer.compatibility is not None or answer.comparison or answer.diff is not None:
        return pair_text(answer)  # two licenses at once: render_pairs.py
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
    if report.held:
        lines.append(f"searchable after {report.searchable_after} s; the vectors of {report.held} documents "
                     f"published without them were complete after {report.complete_after} s")
    for f in report.failures:
        lines.append(f"skipped {f.path}: {f.reason}")
    for note in report.recovered:
        lines.append(f"recovered: {note}")
    return "\n".join(lines)


def _quoted(text: str) -> list[str]:
    return ["    > " + para.rstrip() if para.strip() else "    >" for para in text.splitlines()]


def lookup_text(found: Lookup) -> str:
    if found.status == "usage":
        return "Usage: licensebot lookup <license> [section], e.g. licensebot lookup llama-3.1 1.b.i"
    if found.status == "unknown":
        return f"No indexed license is called '{found.query}'. `licensebot sources` lists what is indexed."
    if found.status == "no_section":
        return f"No section {found.section} in {found.title}. `licensebot lookup {found.doc}` lists them."
    if found.status == "sections":
        return "\n".join([f"{found.title} ({found.doc}): sections", *("  " + s for s in found.sections)])
    lines = [f"{found.title}, {found.clauses[0].section}"]
    for c in found.clauses:
        lines.extend(_quoted(c.text))
    lines.append(f"    {found.clauses[0].url}")
    return "\n".join(lines)


def lookup_json(found: Lookup) -> dict[str, Any]:
    return {
        "query": found.query, "status": found.status, "doc": found.doc, "title": found.title,
        "section": found.section, "sections": list(found.sections),
        "clauses": [{"section": c.section, "text": c.text, "start": c.start, "end": c.end, "url": c.url}
                    for c in found.clauses],
    }


def inventory_text(inventory: Inventory) -> str:
    lines = [
        f"{len(inventory.documents)} documents, {inventory.chunks} chunks in {inventory.store}",
        f"last indexed: {inventory.indexed_at or 'never'}",
        *([f"still adding vectors for {len(inventory.pending)} documents (keyword search finds them meanwhile)"]
          if inventory.pending else []),
        *(f"folder: {folder}" for folder in inventory.folders),
    ]
    for d in sorted(inventory.documents, key=lambda d: (d.kind, d.category, d.key)):
        lines.append(f"  [{d.kind}] {d.key:<45} {d.chunks:>4} chunks  {d.title}")
    return "\n".join(lines)


def eval_row(row: dict[str, Any]) -> str:
    status = "abstained" if row["abstained"] else f"rank {row['rank'] or '-'}"
    marks = " ".join(name for name in ("grounded", "lead_grounded", "contradiction") if row.get(name))
    return f"{row['id']:>6}  {status:<10} {marks:<30} {row['latency_s']:>6.2f}s  {row['top'][:1]}"
