"""Questions the license texts do not settle (``index/data/outside.yaml``): what a licensor
charges, how fast it replies, taxes, hardware, insurance.

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


@cache
def load_outside() -> tuple[Outside, ...]:
    data: Any = read_yaml("outside.yaml")
    try:
        return tuple(
            Outside(key=str(k), label=str(v["label"]), asked=re.compile(str(v["asked"]), re.IGNORECASE),
                    evidence=re.compile(str(v["evidence"]), re.IGNORECASE))
            for k, v in (data.get("topics") or {}).items()
        )
    except (AttributeError, KeyError, TypeError, re.error) as exc:
        raise SourceError(f"cannot read the outside.yaml file: {exc}") from exc


def unsettled(question: str, hits: Sequence[Hit], topics: Sequence[Outside] | None = None) -> Outside | None:
    """The topic ``question`` asks about that none of its best ``hits`` speaks of, if any."""
    looked = [f"{h.chunk.context} {h.chunk.text}" for h in hits[:LOOKED_AT]]
    for topic in load_outside() if topics is None else topics:
        if topic.asked.search(question) and not any(topic.evidence.search(text) for text in looked):
            return topic
    return None
