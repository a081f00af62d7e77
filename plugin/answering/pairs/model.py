"""What a two-license answer holds. Every clause is a ``Lead``: an exact span
``body[start:end]`` of its document with its rule label (``rules.classify``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from licensebot.answering.answer import Lead

Kind = Literal["compatibility", "comparison", "diff"]


@dataclass(frozen=True)
class Side:
    """One of the two licenses, as the question names it."""

    phrase: str
    """As written in the question or command ("GPL-2.0-only", "llama 3.1")."""
    doc: str
    """The indexed document quoted for it ("" when none is indexed)."""
    title: str
    spdx: str = ""
    """The compatibility matrix's id for the name ("" when the matrix has none)."""
    base_text: bool = False
    """The name is an "-or-later" variant and ``doc`` is the base version's text."""
    model: str = ""
    """The model or product the question named, when the license is its card's ("Kimi K2")."""

    @property
    def name(self) -> str:
        return self.spdx or self.title or self.phrase


@dataclass(frozen=True)
class Compatibility:
    inbound: Side
    """The license of the code that goes in."""
    outbound: Side
    """The license of the product it goes into (what the whole is distributed under)."""
    verdict: str | None
    """The matrix's own word ("Yes", "No", "Unknown", "Check dependency", "Same"), or None when
    the matrix does not cover the pair."""
    source: str
    source_date: str
    reverse: str | None = None
    """The matrix's word for the other direction (None when uncovered)."""
    clauses: tuple[Lead, ...] = ()
    """The deciding clauses, inbound license first."""

    def to_json(self) -> dict[str, Any]:
        return {
            "inbound": self.inbound.spdx or self.inbound.doc, "outbound": self.outbound.spdx or self.outbound.doc,
            "verdict": self.verdict,
            "source": self.source, "source_date": self.source_date, "reverse_verdict": self.reverse,
            "inbound_doc": self.inbound.doc, "outbound_doc": self.outbound.doc,
            "clauses": [c.to_json() for c in self.clauses],
        }


@dataclass(frozen=True)
class Segment:
    """A run of words of a word diff: unchanged, only in the old version or only in the new one;
    ``text`` is ``body[start:end]`` of ``doc`` (the new version's for "same")."""

    op: Literal["same", "removed", "added"]
    doc: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class TopicRow:
    topic: str
    label: str
    first: Lead | None
    """The first license's deciding clause; None: the license does not address the topic."""
    second: Lead | None
    segments: tuple[Segment, ...] = ()
    """For two versions of one license whose clauses align: their word diff."""
    titles: tuple[str, str] = ("", "")
    """The two licenses' titles (to say which one does not address the topic)."""
    docs: tuple[str, str] = ("", "")
    """The two licenses' documents."""

    def to_json(self) -> dict[str, Any]:
        return {
            "topic": self.topic, "label": self.label, "titles": list(self.titles), "docs": list(self.docs),
            "first": self.first.to_json() if self.first else None,
            "second": self.second.to_json() if self.second else None,
            "diff": [asdict(s) for s in self.segments],
        }


@dataclass(frozen=True)
class Change:
    """One clause of either version: aligned with its counterpart (and how its words changed),
    or present in one version only."""

    old: Lead | None
    new: Lead | None
    segments: tuple[Segment, ...] = ()

    @property
    def kind(self) -> Literal["changed", "removed", "added"]:
        if self.old is not None and self.new is not None:
            return "changed"
        return "removed" if self.old is not None else "added"

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "old": self.old.to_json() if self.old else None,
            "new": self.new.to_json() if self.new else None, "diff": [asdict(s) for s in self.segments],
        }


@dataclass(frozen=True)
class VersionDiff:
    old: Side
    new: Side
    topic: str
    """The topic the clauses were limited to ("" for the whole text)."""
    changes: tuple[Change, ...]
    unchanged: int
    """Aligned clauses whose words are the same in both versions (not listed)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "old": self.old.doc, "new": self.new.doc, "topic": self.topic, "unchanged": self.unchanged,
            "changes": [c.to_json() for c in self.changes],
        }
