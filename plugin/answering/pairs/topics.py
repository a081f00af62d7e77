"""The topics two licenses are compared on, from ``index/data/topics.yaml``: what each is called,
the query that finds its clause in one license, and the words that show a clause is about it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from licensebot.errors import SourceError


@dataclass(frozen=True)
class Topic:
    key: str
    label: str
    queries: tuple[str, ...]
    evidence: re.Pattern[str]
    words: tuple[str, ...] = ()

    def about(self, text: str) -> bool:
        """Is a clause (its lead-in and text) about this topic at all?"""
        return bool(self.evidence.search(text))


@dataclass(frozen=True)
class Topics:
    compare: tuple[Topic, ...]
    """In the order they are shown."""
    compatibility: Topic

    def get(self, key: str) -> Topic | None:
        return next((t for t in self.compare if t.key == key), None)

    def named_in(self, text: str) -> Topic | None:
        """The topic a question or command names ("... about outputs", "governing law"): the one
        whose longest word occurs, so "governing law" wins over "law"."""
        low = f" {' '.join(re.findall(r'[a-z0-9-]+', text.lower()))} "
        best: tuple[int, Topic] | None = None
        for topic in self.compare:
            for word in (topic.key.replace("_", " "), *topic.words):
                if f" {word} " in low and (best is None or len(word) > best[0]):
                    best = (len(word), topic)
        return best[1] if best else None


def _topic(key: str, raw: dict[str, Any]) -> Topic:
    queries = raw.get("queries") or [raw["query"]]
    return Topic(
        key=key, label=str(raw["label"]), queries=tuple(str(q) for q in queries),
        evidence=re.compile(str(raw["evidence"]), re.IGNORECASE),
        words=tuple(str(w).lower() for w in raw.get("words") or ()),
    )


@cache
def load_topics() -> Topics:
    try:
        text = resources.files("licensebot.index").joinpath("data/topics.yaml").read_text("utf-8")
        data = yaml.safe_load(text) or {}
        return Topics(
            compare=tuple(_topic(k, v) for k, v in (data.get("topics") or {}).items()),
            compatibility=_topic("compatibility", data["compatibility"]),
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError, re.error) as exc:
        raise SourceError(f"cannot read the topics file topics.yaml: {exc}") from exc
