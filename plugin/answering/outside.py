"""Questions the license texts do not settle (``index/data/outside.yaml``): what a licensor
charges, how fast it replies or what service it guarantees, taxes, hardware, insurance, how fast a
model runs or where it is hosted, what a law requires or a court decided, whom a licensor dealt with.

Retrieval always finds *some* clause, and one about commercial terms reads like an answer to
"how much does the commercial license cost?". A question that asks one of these things is answered
"not found" unless a clause found first speaks of it (a price, a number of days, "taxes")."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from licensebot.errors import SourceError
from licensebot.index.documents import Hit
from licensebot.index.sources.datafiles import read_yaml

LOOKED_AT = 3
"""How many of the best clauses are read for evidence that the license speaks of the topic."""


@dataclass(frozen=True)
class Outside:
    key: str
    label: str
    asked: re.Pattern[str]
    evidence: re.Pattern[str]


def _pattern(key: str, field: str, raw: Any) -> re.Pattern[str]:
    if not isinstance(raw, str) or not raw.strip():
        raise SourceError(f"outside.yaml: topic {key!r} needs a non-empty {field} pattern (a string)")
    try:
        pattern = re.compile(raw, re.IGNORECASE)
    except re.error as exc:
        raise SourceError(f"outside.yaml: topic {key!r}: {field} is not a regular expression ({exc})") from exc
    if pattern.search(""):
        # "\bVAT\b|" would refuse every question; "(?:fee)?" would find evidence everywhere.
        raise SourceError(f"outside.yaml: topic {key!r}: {field} matches empty text")
    return pattern


@cache
def load_outside() -> tuple[Outside, ...]:
    return parse_outside(read_yaml("outside.yaml"))


def parse_outside(data: Any) -> tuple[Outside, ...]:
    """The topics, checked: a list where a pattern belongs would read as a character class, and an
    empty pattern would match every question."""
    topics = data.get("topics") if isinstance(data, dict) else None
    if not isinstance(topics, dict):
        raise SourceError("outside.yaml: expected a 'topics' mapping")
    out = []
    for key, raw in topics.items():
        if not isinstance(raw, dict) or not isinstance(raw.get("label"), str) or not raw["label"].strip():
            raise SourceError(f"outside.yaml: topic {key!r} needs a label")
        out.append(Outside(key=str(key), label=raw["label"].strip(),
                           asked=_pattern(str(key), "asked", raw.get("asked")),
                           evidence=_pattern(str(key), "evidence", raw.get("evidence"))))
    return tuple(out)


def unsettled(question: str, hits: Sequence[Hit], topics: Sequence[Outside] | None = None) -> Outside | None:
    """The topic ``question`` asks about that none of its best ``hits`` speaks of, if any."""
    looked = [f"{h.chunk.context} {h.chunk.text}" for h in hits[:LOOKED_AT]]
    for topic in load_outside() if topics is None else topics:
        if topic.asked.search(question) and not any(topic.evidence.search(text) for text in looked):
            return topic
    return None
