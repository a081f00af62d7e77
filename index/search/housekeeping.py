"""Clauses whose job is legal housekeeping rather than what a licensee may or must do.

A warranty or liability disclaimer, a trademark reservation, governing law, severability, entire
agreement and the like are in every license, so a question's everyday words ("use", "product",
"company") meet them as often as the clause that answers. They may be quoted, but they lead only a
question about them: "are there warranties?", "which courts?", "may we use their logo?".

A clause's topic is read from its section label ("§5 LIMITATION ON LIABILITY", "Trademarks",
"9.2 Entire Agreement"), where drafters name it; the sentence itself is also read for warranty and
liability wording, which is often unlabelled.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from licensebot.index.documents import Hit


@dataclass(frozen=True)
class Housekeeping:
    name: str
    label: re.Pattern[str]
    """Matches the section label of a clause on this topic."""
    asked: re.Pattern[str]
    """Matches a question about this topic."""
    said: re.Pattern[str] | None = None
    """When set, a sentence is on the topic only if it matches this too: a section headed
    "Limitations and Disclaimers" may open with "No patent rights ... are waived"."""


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


TOPICS = (
    Housekeeping("warranty and liability",
                 _re(r"warrant|liabilit|damages|indemn|disclaim|\bas[- ]is\b"),
                 _re(r"warrant|guarantee|liab|damages|\bas[- ]is\b|responsib|disclaim|indemn|\bsue[ds]?\b|"
                     r"lawsuit|\brisk"),
                 _re(r"warrant|liab|damages|\bas[- ]is\b|merchantab|fitness|indemn|responsib|\brisks?\b")),
    Housekeeping("trademarks",
                 _re(r"trademark|\blogos?\b|use of (?:the )?names?\b|publicity|endorsement"),
                 _re(r"trademark|\blogos?\b|\bbrand|endorse|\bnam(?:e|es|ed|ing)\b")),
    Housekeeping("law and disputes",
                 _re(r"governing law|applicable law|choice of law|jurisdiction|venue|disputes?\b|arbitration"),
                 _re(r"\blaws?\b|\bcourts?\b|jurisdiction|venue|dispute|arbitrat|\bgovern|\bsue[ds]?\b|lawsuit|"
                     r"litigat")),
    Housekeeping("interpretation",
                 _re(r"severab|entire agreement|interpretation|miscellaneous|general provisions|\bassignment\b|"
                     r"\bwaiver\b|counterparts|headings|construction"),
                 _re(r"severab|entire agreement|interpret|\bassign|\bwaive|invalid|unenforceable|\bheadings?\b")),
)


def housekeeping(label: str, sentence: str) -> Housekeeping | None:
    """The housekeeping topic of ``sentence`` in a clause labelled ``label``, if any."""
    return next((t for t in TOPICS if t.label.search(label) and (t.said is None or t.said.search(sentence))), None)


def leads_for(label: str, sentence: str, question: str) -> bool:
    """May ``sentence``, of a clause labelled ``label``, lead an answer to ``question``? Yes
    unless it is housekeeping the question does not ask about."""
    topic = housekeeping(label, sentence)
    return topic is None or bool(topic.asked.search(question))


def housekeeping_last(hits: Sequence[Hit], question: str) -> list[Hit]:
    """``hits`` with the housekeeping clauses that ``question`` does not ask about after the
    others, each group in its order: a warranty disclaimer that shares the question's everyday
    words is not what it asks."""
    def aside(hit: Hit) -> bool:
        topic = housekeeping(hit.chunk.section, hit.chunk.text)
        return topic is not None and not topic.asked.search(question)

    flags = [aside(h) for h in hits]
    return [h for h, f in zip(hits, flags, strict=True) if not f] + [h for h, f in zip(hits, flags, strict=True) if f]
