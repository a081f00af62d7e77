"""`licensebot eval`: retrieval and answer quality on a JSONL question set.

One question per line::

    {"id": "b004", "question": "...", "answerable": true,
     "expect": [{"doc": "llama-2-license-2023", "quote": "excluding Llama 2"}],
     "forbid": ["including Llama 2"],            # optional: the answer must never say these
     "mention": ["afl-3.0"]}                     # optional: the answer must name these

``expect`` lists (doc, quote) alternatives. Text is compared after straightening quotes,
dropping ``**``, collapsing whitespace and lower-casing. A chunk or quote "contains" a phrase
when its lead-in (``context``, shown with it) and its text together do.

Metrics: hit@k and MRR@10 over the retrieved chunks; grounded (a quote of an expected document
holds the phrase); lead grounded (the lead does); quote exactness (every quote, lead-in and lead
is an exact span of its document); abstention / false abstention; paraphrase shown (answered
items with a model restatement); contradictions (items whose answer text holds a ``forbid``
phrase); named (items with ``mention`` whose answer names each of them).
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from licensebot.answering.answer import Answer
from licensebot.answering.service import AnswerService
from licensebot.devtools.stats import percentile
from licensebot.errors import UsageError
from licensebot.index.documents import Chunk
from licensebot.index.text import normalize_for_match


@dataclass(frozen=True)
class Item:
    id: str
    question: str
    answerable: bool
    expect: tuple[tuple[str, str], ...]
    forbid: tuple[str, ...] = ()
    mention: tuple[str, ...] = ()


def load_items(path: Path) -> list[Item]:
    items = []
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read the question file {path}: {exc}") from exc
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            items.append(
                Item(
                    id=str(raw.get("id", n)),
                    question=str(raw["question"]),
                    answerable=bool(raw.get("answerable", True)),
                    expect=tuple((str(e["doc"]), str(e["quote"])) for e in raw.get("expect", [])),
                    forbid=tuple(str(f) for f in raw.get("forbid", [])),
                    mention=tuple(str(m) for m in raw.get("mention", [])),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
            raise UsageError(f"{path}:{n}: not a question record ({exc})") from exc
    return items


def matches(doc: str, text: str, expect: Sequence[tuple[str, str]]) -> bool:
    norm = normalize_for_match(text)
    return any(doc == d and normalize_for_match(q) in norm for d, q in expect)


def chunk_matches(chunk: Chunk, expect: Sequence[tuple[str, str]]) -> bool:
    """Does a retrieved clause, with the lead-in shown with it, hold an expected phrase?"""
    return matches(chunk.doc, f"{chunk.context} {chunk.text}", expect)


def _exact(answer: Answer, bodies: Mapping[str, str]) -> tuple[int, int]:
    """(spans checked, spans that are exact) over quotes, their lead-ins and the lead."""
    spans = [(q.doc, q.start, q.end, q.text) for q in answer.quotes]
    spans += [(q.doc, q.context_start, q.context_end, q.context) for q in answer.quotes if q.context]
    if answer.lead is not None:
        lead = answer.lead
        spans.append((lead.doc, lead.start, lead.end, lead.text))
        if lead.context:
            spans.append((lead.doc, lead.context_start, lead.context_end, lead.context))
    exact = sum(1 for doc, s, e, text in spans if doc in bodies and bodies[doc][s:e] == text)
    return len(spans), exact


def evaluate(
    service: AnswerService,
    items: Sequence[Item],
    bodies: Mapping[str, str],
    *,
    on_item: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Run every item through the full answer path and compute the metrics."""
    rows: list[dict[str, Any]] = []
    spans_total = spans_exact = 0
    for item in items:
        started = time.perf_counter()
        answer = service.ask(item.question)
        latency = time.perf_counter() - started
        rank = next(
            (i for i, hit in enumerate(answer.hits[:10], 1)
             if chunk_matches(hit.chunk, item.expect)),
            0,
        )
        lead = answer.lead
        checked, exact = _exact(answer, bodies)
        spans_total += checked
        spans_exact += exact
        said = normalize_for_match(" ".join([answer.answer, *answer.notes]))
        row = {
            "id": item.id,
            "answerable": item.answerable,
            "rank": rank,
            "grounded": any(matches(q.doc, f"{q.context} {q.text}", item.expect) for q in answer.quotes),
            "lead_grounded": lead is not None and matches(lead.doc, f"{lead.context} {lead.text}", item.expect),
            "abstained": answer.abstained,
            "rule": answer.rule,
            "paraphrase": answer.paraphrase,
            "contradiction": [f for f in item.forbid if normalize_for_match(f) in said],
            "named": all(normalize_for_match(m) in said for m in item.mention) if item.mention else None,
            "latency_s": round(latency, 3),
            "top": [f"{h.chunk.doc} {h.chunk.section}" for h in answer.hits[:3]],
        }
        rows.append(row)
        if on_item:
            on_item(row)
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    answered = [r for r in rows if not r["abstained"]]
    with_mention = [r for r in rows if r["named"] is not None]

    def share(rs: Sequence[dict[str, Any]], pred: Callable[[dict[str, Any]], bool]) -> float:
        return round(sum(1 for r in rs if pred(r)) / len(rs), 4) if rs else 0.0

    latencies = [r["latency_s"] for r in rows]
    return {
        "n": len(rows),
        "hit_at_1": share(answerable, lambda r: 0 < r["rank"] <= 1),
        "hit_at_3": share(answerable, lambda r: 0 < r["rank"] <= 3),
        "hit_at_5": share(answerable, lambda r: 0 < r["rank"] <= 5),
        "mrr_at_10": round(
            statistics.fmean(1 / r["rank"] if r["rank"] else 0.0 for r in answerable), 4
        ) if answerable else 0.0,
        "grounded": share(answerable, lambda r: r["grounded"]),
        "lead_grounded": share(answerable, lambda r: r["lead_grounded"]),
        "quote_exactness": round(spans_exact / spans_total, 4) if spans_total else 1.0,
        "abstention": share(unanswerable, lambda r: r["abstained"]),
        "false_abstention": share(answerable, lambda r: r["abstained"]),
        "named": share(with_mention, lambda r: r["named"]),
        "paraphrase_shown": share(answered, lambda r: bool(r["paraphrase"])),
        "contradictions": sum(1 for r in rows if r["contradiction"]),
        "latency_p50_s": round(percentile(latencies, 0.5), 3),
        "latency_p95_s": round(percentile(latencies, 0.95), 3),
        "items": rows,
    }
