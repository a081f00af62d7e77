"""`licensebot eval`: retrieval and answer quality on a JSONL question set.

The format and metric definitions follow the evaluation README: ``expect`` lists
(doc, quote) alternatives; text is compared after straightening quotes, dropping ``**``,
collapsing whitespace and lower-casing.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from licensebot.answering.service import Answer, AnswerService, normalize_for_match
from licensebot.errors import ConfigError


@dataclass(frozen=True)
class Item:
    id: str
    question: str
    answerable: bool
    expect: tuple[tuple[str, str], ...]


def load_items(path: Path) -> list[Item]:
    items = []
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the question file {path}: {exc}") from exc
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
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ConfigError(f"{path}:{n}: not a question record ({exc})") from exc
    return items


def _matches(doc: str, text: str, expect: Sequence[tuple[str, str]]) -> bool:
    norm = normalize_for_match(text)
    return any(doc == d and normalize_for_match(q) in norm for d, q in expect)


def _percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def evaluate(
    service: AnswerService,
    items: Sequence[Item],
    bodies: Mapping[str, str],
    *,
    on_item: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Run every item through the full answer path and compute the metrics."""
    rows: list[dict[str, Any]] = []
    quotes_total = 0
    quotes_exact = 0
    for item in items:
        started = time.perf_counter()
        answer: Answer = service.ask(item.question)
        latency = time.perf_counter() - started
        rank = 0
        for i, hit in enumerate(answer.hits[:10], 1):
            if _matches(hit.chunk.doc, hit.chunk.text, item.expect):
                rank = i
                break
        grounded = any(_matches(q.doc, q.text, item.expect) for q in answer.quotes)
        for q in answer.quotes:
            quotes_total += 1
            body = bodies.get(q.doc)
            if body is not None and body[q.start : q.end] == q.text:
                quotes_exact += 1
        row = {
            "id": item.id,
            "answerable": item.answerable,
            "rank": rank,
            "grounded": grounded,
            "abstained": answer.abstained,
            "latency_s": round(latency, 3),
            "top": [f"{h.chunk.doc} {h.chunk.section}" for h in answer.hits[:3]],
        }
        rows.append(row)
        if on_item:
            on_item(row)
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]

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
        "quote_exactness": round(quotes_exact / quotes_total, 4) if quotes_total else 1.0,
        "abstention": share(unanswerable, lambda r: r["abstained"]),
        "false_abstention": share(answerable, lambda r: r["abstained"]),
        "latency_p50_s": round(_percentile(latencies, 0.5), 3),
        "latency_p95_s": round(_percentile(latencies, 0.95), 3),
        "items": rows,
    }
