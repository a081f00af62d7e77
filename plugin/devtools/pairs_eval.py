"""`licensebot eval-pairs`: two-license questions checked against the compatibility matrix.

One question per line::

    {"id": "c001", "question": "Is Apache-2.0 code compatible with a GPL-2.0-only project?",
     "kind": "compatibility", "inbound": "Apache-2.0", "outbound": "GPL-2.0-only", "verdict": "No",
     "docs": ["apache-2.0", "gpl-2.0"]}
    {"id": "p001", "question": "MIT vs Apache-2.0 on patents", "kind": "comparison",
     "docs": ["mit", "apache-2.0"], "topic": "patents"}

``verdict`` is the matrix's word, or null for a pair it does not cover. Per item: the kind is
recognised; for compatibility the direction and the verdict are the expected ones (a verdict
for an uncovered pair is a failure, whatever it says), and at least one clause of each license
is quoted; for comparison and diff the two documents compared are the ones named (a license
silent on a topic is shown as not addressing it); every clause and diff
segment is an exact span of its document.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from licensebot.answering.answer import Answer
from licensebot.answering.service import AnswerService
from licensebot.errors import UsageError


def load_pair_items(path: Path) -> list[dict[str, Any]]:
    try:
        rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"cannot read the question file {path}: {exc}") from exc
    for n, row in enumerate(rows, 1):
        if not isinstance(row, dict) or "question" not in row or row.get("kind") not in (
            "compatibility", "comparison", "diff"
        ):
            raise UsageError(f"{path}:{n}: not a pair question record")
    return rows


def _spans(answer: Answer) -> list[tuple[str, int, int, str]]:
    """(doc, start, end, text) of every clause, lead-in and diff segment the answer shows."""
    leads = [q for q in answer.quotes]
    out = [(q.doc, q.start, q.end, q.text) for q in leads]
    out += [(q.doc, q.context_start, q.context_end, q.context) for q in leads if q.context]
    segments = [s for r in answer.comparison for s in r.segments]
    if answer.diff is not None:
        segments += [s for c in answer.diff.changes for s in c.segments]
    out += [(s.doc, s.start, s.end, s.text) for s in segments]
    return out


def check(item: Mapping[str, Any], answer: Answer, bodies: Mapping[str, str]) -> dict[str, Any]:
    kind, docs = item["kind"], list(item.get("docs", []))
    spans = _spans(answer)
    row: dict[str, Any] = {
        "id": item.get("id", ""), "kind_ok": False,
        "exact": all(bodies.get(d, "")[s:e] == t for d, s, e, t in spans) and bool(spans),
    }
    if kind == "compatibility":
        found = answer.compatibility
        row["kind_ok"] = found is not None
        if found is not None:
            row["verdict"] = found.verdict
            row["verdict_ok"] = found.verdict == item.get("verdict")
            row["direction_ok"] = (found.inbound.spdx or found.inbound.doc, found.outbound.spdx or found.outbound.doc) \
                == (item.get("inbound"), item.get("outbound"))
            quoted = {c.doc for c in found.clauses}
            row["both_quoted"] = all(d in quoted for d in docs)
            row["uncovered_ok"] = (found.verdict is None) == (item.get("verdict") is None)
        return row
    rows_docs: set[str] = set()
    if kind == "comparison":
        row["kind_ok"] = bool(answer.comparison)
        # A license silent on the topic is shown as "not addressed": the row still names it.
        rows_docs = {d for r in answer.comparison for d in r.docs}
        if item.get("topic"):
            row["topic_ok"] = [r.topic for r in answer.comparison] == [item["topic"]]
    else:
        row["kind_ok"] = answer.diff is not None
        if answer.diff is not None:
            rows_docs = {answer.diff.old.doc, answer.diff.new.doc}
    row["both_quoted"] = set(docs) <= rows_docs
    return row


def passed(row: Mapping[str, Any]) -> bool:
    """Every check of one item held."""
    return all(v for k, v in row.items() if k.endswith("_ok") or k in ("exact", "both_quoted"))


def _share(rows: list[dict[str, Any]], key: str) -> float | None:
    values = [bool(r[key]) for r in rows if key in r]
    return round(sum(values) / len(values), 3) if values else None


def evaluate_pairs(
    service: AnswerService, items: list[dict[str, Any]], bodies: Mapping[str, str],
    on_item: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    rows = []
    for item in items:
        row = check(item, service.ask(str(item["question"])), bodies)
        rows.append(row)
        if on_item is not None:
            on_item(row)
    compat = [r for r in rows if "verdict_ok" in r]
    return {
        "items": rows, "questions": len(rows),
        "compatibility": sum(1 for i in items if i["kind"] == "compatibility"),
        "comparison_and_diff": sum(1 for i in items if i["kind"] != "compatibility"),
        "kind_recognised": _share(rows, "kind_ok"), "verdict_agreement": _share(compat, "verdict_ok"),
        "direction": _share(compat, "direction_ok"), "uncovered_reported": _share(compat, "uncovered_ok"),
        "both_licenses_quoted": _share(rows, "both_quoted"), "topic": _share(rows, "topic_ok"),
        "exact": _share(rows, "exact"),
    }
