"""What an answer is: the lead sentence, its rule kind, the quoted clauses, and what was not found.

Every ``text`` here is an exact span of its document's body (``body[start:end]``), and so is every
``context`` (``body[context_start:context_end]``): the lead-in a sub-item completes.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from licensebot.index.documents import Chunk, Hit

if TYPE_CHECKING:  # answering/pairs/ builds on Answer; its types are only annotations here
    from licensebot.answering.pairs.model import Compatibility, TopicRow, VersionDiff


@dataclass(frozen=True, order=True)
class Part:
    """One clause of a quote: where it is, its label, and the lead-in it completes (if any)."""

    start: int
    end: int
    section: str
    context_start: int = 0
    context_end: int = 0

    @classmethod
    def of(cls, chunk: Chunk) -> Part:
        return cls(chunk.start, chunk.end, chunk.section, chunk.context_start, chunk.context_end)


@dataclass(frozen=True)
class Quote:
    doc: str
    title: str
    section: str
    text: str
    start: int
    end: int
    url: str
    kind: str = "license"
    section_id: str = ""
    role: str = "clause"
    """The clause's part of the document: "clause", "definition", "preamble" or "appendix"."""
    context: str = ""
    """The parent's lead-in this clause completes (shown before it), or ""."""
    context_start: int = 0
    context_end: int = 0
    parts: tuple[Part, ...] = ()
    """The clauses the quote is made of, in document order: a quote of a list's lead-in and its
    items still says which item a sentence of it comes from."""

    @classmethod
    def of(cls, chunk: Chunk) -> Quote:
        return cls(
            doc=chunk.doc, title=chunk.title, section=chunk.section, text=chunk.text, start=chunk.start,
            end=chunk.end, url=chunk.url, kind=chunk.kind, section_id=chunk.section_id,
            context=chunk.context, context_start=chunk.context_start, context_end=chunk.context_end,
            parts=(Part.of(chunk),), role=chunk.role,
        )

    def section_of(self, start: int, end: int) -> str:
        """The label of the clause(s) holding ``body[start:end]``, a stretch of this quote: the
        innermost ones, so a sentence of item (b) of a quoted list is "§3.b", not "§3 to §3.b"."""
        inside = _innermost([p for p in self.parts if p.start < end and start < p.end], start, end)
        if not inside:
            return self.section
        return span_label(inside[0].section, inside[-1].section)

    def part_at(self, pos: int) -> Part | None:
        """The innermost clause of this quote holding ``body[pos]``."""
        return next(iter(_innermost([p for p in self.parts if p.start <= pos < p.end], pos, pos + 1)), None)

    def context_of(self, start: int) -> tuple[str, int, int]:
        """The lead-in that the clause holding ``body[start]`` completes, unless the stretch from
        ``start`` already includes it: (text, start, end), or ("", 0, 0)."""
        part = self.part_at(start)
        if part is None:
            return self.context, self.context_start, self.context_end
        cs, ce = part.context_start, part.context_end
        if not ce or start <= cs:
            return "", 0, 0
        if (cs, ce) == (self.context_start, self.context_end):
            return self.context, cs, ce
        if self.start <= cs and ce <= self.end:
            return self.text[cs - self.start : ce - self.start], cs, ce
        return "", 0, 0


def _innermost(parts: list[Part], start: int, end: int) -> list[Part]:
    """The parts that hold ``body[start:end]``, less each one whose share of it lies wholly in
    smaller parts: item (b) rather than the list holding it, but the list too when the stretch
    takes in its lead-in."""
    out = []
    for p in parts:
        inner = sorted((q.start, q.end) for q in parts if q != p and p.start <= q.start and q.end <= p.end)
        at, stop = max(start, p.start), min(end, p.end)
        for lo, hi in inner:
            if lo > at:
                break
            at = max(at, hi)
        if at < stop:
            out.append(p)
    return out


_NUMBERED_PART = re.compile(r"^(.*) \((item|part) (\d+)( of \d+)?\)$")


def span_label(first: str, last: str) -> str:
    """One label for a run of clauses: "§2.3 Distribution (items 1-3)", "§3 to §3.b"."""
    if first == last:
        return first
    a, b = _NUMBERED_PART.match(first), _NUMBERED_PART.match(last)
    if a and b and a.group(1, 2, 4) == b.group(1, 2, 4):
        return f"{a.group(1)} ({a.group(2)}s {a.group(3)}-{b.group(3)}{a.group(4) or ''})"
    return f"{first} to {last}"


WEAK_LEAD = 0.30
"""Below this match (word coverage + cosine similarity of its best sentence) a lead is weak."""


@dataclass(frozen=True)
class LeadSentence:
    """One sentence of a lead with the kind of rule it states: a label is never computed over
    sentences of different kinds ("You may use Output for any purpose ... You may not use the
    Output to train ..." is a permission and a prohibition, each shown with its own label)."""

    text: str
    start: int
    end: int
    rule: str = ""


@dataclass(frozen=True)
class Lead:
    """The sentence(s) of the best clause that answer the question, verbatim, first in the answer."""

    doc: str
    title: str
    section: str
    url: str
    text: str
    start: int
    end: int
    rule: str = ""
    """prohibition, obligation, permission, condition, definition, disclaimer, or "" (none fits)."""
    context: str = ""
    """The parent's lead-in, when the sentence is a sub-item (shown before it)."""
    context_start: int = 0
    context_end: int = 0
    sentences: tuple[LeadSentence, ...] = ()
    """The lead's sentences, each with its own rule kind (``rule`` is the first's)."""
    strength: float = 1.0
    """How well its best sentence matches the question (word coverage + cosine similarity)."""

    @property
    def weak(self) -> bool:
        """No sentence clearly answers: the lead is offered as the closest clause, not as the answer."""
        return self.strength < WEAK_LEAD

    @property
    def mixed(self) -> bool:
        """Its sentences state rules of different kinds."""
        return len({s.rule for s in self.sentences}) > 1

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class NotIndexed:
    """A license or model the question names that the index does not hold."""

    name: str
    """As the question or the catalog names it: "VIM License (vim)", "Llama 5"."""
    reason: str
    """"not indexed", "version not indexed", "unknown license", "unknown model", or for a model
    whose license has no text anywhere the bot reads, "license text missing"."""
    indexed_versions: tuple[str, ...] = ()
    """For a version that is not indexed: the versions of that license that are."""
    model: str = ""
    """The model or product the question named, when ``name`` is the license that covers it."""
    source: str = ""
    """Where the model's license is stated."""


@dataclass(frozen=True)
class Subject:
    """What the question named and the license its answer comes from (shown first)."""

    name: str
    """As the question or the models file writes it: "Kimi K2", "AGPL-3.0"."""
    kind: str
    """"license", "model" or "product"."""
    license: str
    """The document key of the license the answer quotes ("" when it has none)."""
    source: str
    """Where the claim can be checked: the model's license page, or the license's own URL."""
    license_title: str = ""
    also: tuple[str, ...] = ()
    """Titles of other terms offered or applying alongside (dual licensing, a use policy)."""
    period: str = ""
    """For a product whose license changed: the versions or dates this license covers."""

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "license": self.license, "source": self.source,
                "license_title": self.license_title, "also": list(self.also), "period": self.period}


@dataclass(frozen=True)
class Choice:
    """A license the question might mean, offered back when it names none."""

    key: str
    title: str


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    """The text a reader sees first: the lead sentence with its source, or the "not found" message."""
    abstained: bool
    quotes: tuple[Quote, ...] = ()
    hits: tuple[Hit, ...] = ()
    notice: str = ""
    notes: tuple[str, ...] = ()
    """Extra lines for the reader, e.g. which version is quoted, which named license is missing."""
    summary_available: bool = True
    """False when the model could not run (the answer is the clause's own sentence anyway)."""
    seconds: float = 0.0
    searched: tuple[str, ...] = field(default_factory=tuple)
    lead: Lead | None = None
    paraphrase: str = ""
    """The model's restatement of the lead, only when it passed the faithfulness check."""
    not_indexed: tuple[NotIndexed, ...] = ()
    subject: Subject | None = None
    choices: tuple[Choice, ...] = ()
    """When the question names no license and several fit: the ones to choose from."""
    # Questions about two licenses (answering/pairs/); empty for every other answer.
    compatibility: Compatibility | None = None
    """Direction, the matrix's verdict (None: the pair is not covered) and the deciding clauses."""
    comparison: tuple[TopicRow, ...] = ()
    """Per topic, each license's deciding clause or None ("not addressed")."""
    diff: VersionDiff | None = None
    """Two versions' clauses aligned, with their word diffs."""

    @property
    def rule(self) -> str:
        return self.lead.rule if self.lead else ""

    def to_json(self) -> dict[str, Any]:
        """The documented JSON shape other tools rely on (fields are only ever added)."""
        return {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "rule": self.rule,
            "lead": self.lead.to_json() if self.lead else None,
            "paraphrase": self.paraphrase,
            "quotes": [asdict(q) for q in self.quotes],
            "hits": [
                {"doc": h.chunk.doc, "section": h.chunk.section, "text": h.chunk.text, "score": round(h.score, 6),
                 "context": h.chunk.context}
                for h in self.hits
            ],
            "not_indexed": [asdict(n) for n in self.not_indexed],
            "subject": self.subject.to_json() if self.subject else None,
            "choices": [asdict(c) for c in self.choices],
            "notes": list(self.notes),
            "notice": self.notice,
            "summary_available": self.summary_available,
            "compatibility": self.compatibility.to_json() if self.compatibility else None,
            "comparison": [row.to_json() for row in self.comparison],
            "diff": self.diff.to_json() if self.diff else None,
        }
