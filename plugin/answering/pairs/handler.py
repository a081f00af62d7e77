"""Questions about two licenses: which kind (compatibility, comparison, what changed), and the
answer built for it. No model writes any of it: a verdict is the matrix's word with its source,
every clause an exact span; a pair the matrix does not cover gets no verdict at all.

- ``answer_pair``: a free question ("Is X compatible with Y?", "X vs Y", "What changed between
  Llama 3 and Llama 3.1 about outputs?"), or None when it is not about two licenses;
- ``pair_command``: `compare X Y [topic]` and `diff X Y [topic]` from the CLI and Slack.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from licensebot import prompts
from licensebot.answering.answer import Answer, Lead, Quote
from licensebot.answering.pairs.clauses import Finder
from licensebot.answering.pairs.comparison import compare
from licensebot.answering.pairs.matrix import SOURCE, Matrix, load_matrix
from licensebot.answering.pairs.model import Compatibility, Kind, Side
from licensebot.answering.pairs.sides import inbound_first, named_sides, noted_reading, same_family
from licensebot.answering.pairs.topics import Topic, Topics, load_topics
from licensebot.answering.pairs.versions import diff_versions
from licensebot.answering.question import tries_to_change_rules
from licensebot.index.embed import Embedder
from licensebot.index.search import Retriever, Snapshot
from licensebot.index.search.names import asks_about_discussions
from licensebot.index.search.scope import takes_for

_DIFF = re.compile(
    r"\bwhat(?:'s|’s|\s+has|\s+have|\s+was|\s+were)?\s+changed?\b|\bchange[sd]?\s+(?:between|from)\b|\bdiff\b"
    r"|\bwhat(?:'s|’s|\s+is)\s+new\b|\bchanges\s+in\b",
    re.IGNORECASE,
)
_COMPARE = re.compile(
    r"\bvs\.?(?!\w)|\bversus\b|\bcompar(?!atib)|\bdifferen|\bdiffer\b|\bbetter\b|\bworse\b|\bprefer|\bchoose between\b",
    re.IGNORECASE,
)
_COMPATIBLE = re.compile(
    r"\bcompatib|\bcombin|\bincorporat|\binside\b|\binto\b|\brelicens|\bdepend|\blink|\bbundl"
    r"|\b(?:use|include|embed|ship|mix|put|add|copy|vendor)\b[^?]{0,80}?\b(?:in|within)\b"
    # "a GPL-2.0 project use Apache-2.0 libraries", "MIT code in a GPL product"
    r"|\b(?:code|librar\w*|dependenc\w*|components?|modules?|packages?|snippets?)\b[^?]{0,80}"
    r"\b(?:project|product|app|application|codebase|program|firmware)s?\b"
    r"|\b(?:project|product|app|application|codebase|program|firmware)s?\b[^?]{0,80}"
    r"\b(?:code|librar\w*|dependenc\w*|components?|modules?|packages?|snippets?)\b",
    re.IGNORECASE,
)


MAX_CLAUSES = 3
"""Deciding clauses quoted per license (the topic's queries in order, the first ones kept)."""


@dataclass(frozen=True)
class PairCommand:
    """The result of `compare X Y [topic]` / `diff X Y [topic]`."""

    status: Literal["ok", "usage", "not_indexed"]
    answer: Answer | None = None
    missing: tuple[str, ...] = ()
    """For "not_indexed": the names given whose text is not indexed."""


def intent(question: str, first: Side, second: Side) -> Kind | None:
    if _DIFF.search(question) and same_family(first, second):
        return "diff"
    if _COMPARE.search(question):
        return "comparison"
    if bool(first.model) != bool(second.model) and takes_for(question):
        # Not two licenses to combine: the other is what the asker takes the model's own for, and
        # the model's terms answer (what they add to the usual MIT terms).
        return None
    if _COMPATIBLE.search(question):
        return "compatibility"
    return None


def _pair(
    question: str, snapshot: Snapshot, matrix: Matrix
) -> tuple[Kind | None, tuple[int, Side], tuple[int, Side]] | None:
    """The two licenses a question names and what it asks of them (None: not two licenses)."""
    if tries_to_change_rules(question) or asks_about_discussions(question):
        # What people said about a combination is in the discussions, not in a matrix.
        return None
    named = named_sides(question, snapshot, matrix)
    if len(named) != 2 or _riders(question, snapshot):
        # "Apache-2.0 with the Commons Clause" is one set of terms, not two to combine.
        return None
    return intent(question, named[0][1], named[1][1]), named[0], named[1]


def _riders(question: str, snapshot: Snapshot) -> tuple[str, ...]:
    return snapshot.names.find(question).riders


def pair_kind(question: str, snapshot: Snapshot) -> Kind | None:
    """What a question about two licenses asks, whether or not both texts are indexed (None: it
    is not about two licenses)."""
    found = _pair(question, snapshot, load_matrix())
    return None if found is None else found[0]


def needs_both_texts(question: str, snapshot: Snapshot) -> bool:
    """Is this a question one license's text cannot answer for the other: whether two licenses
    the matrix knows combine, what changed between two texts, or what a base license allows with
    a rider written onto it? (Asked whether a model's terms allow its use in a product under
    some license, the model's terms still answer.)"""
    if any(d not in snapshot.names.indexed for d in _riders(question, snapshot)):
        return True
    found = _pair(question, snapshot, load_matrix())
    if found is None:
        return False
    kind, (_, a), (_, b) = found
    # A missing version is no "family" (it has no indexed text), so the wording decides.
    return bool(_DIFF.search(question)) or (kind == "compatibility" and bool(a.spdx and b.spdx))


def answer_pair(
    retriever: Retriever, question: str, snapshot: Snapshot, *, embedder: Embedder | None
) -> Answer | None:
    """The answer to a question about two licenses whose texts are both indexed, or None (then
    it is answered as usual, and a pair with a text missing is answered 'not indexed')."""
    started = time.perf_counter()
    matrix = load_matrix()
    found = _pair(question, snapshot, matrix)
    if found is None or found[0] is None:
        return None
    kind, (i, a), (j, b) = found
    if not (a.doc and b.doc):
        # Both texts are needed: a verdict is shown with the clauses that decide it.
        return None
    finder = Finder(retriever, snapshot, embedder)
    topics = load_topics()
    topic = topics.named_in(_without_names(question, a, b))
    if kind == "compatibility":
        inbound, outbound = (a, b) if inbound_first(question, (i, a), (j, b)) else (b, a)
        answer = _compatibility(finder, matrix, topics, inbound, outbound, question)
    elif kind == "diff":
        answer = _diff(finder, a, b, topic, question)
    else:
        answer = _comparison(finder, topics, a, b, topic, question)
    return replace(answer, seconds=time.perf_counter() - started)


def pair_command(
    retriever: Retriever, kind: Literal["compare", "diff"], text: str, *, embedder: Embedder | None
) -> PairCommand:
    """`compare X Y [topic]` / `diff X Y [topic]`: X and Y are keys or names of indexed texts."""
    snapshot = retriever.snapshot()
    named = named_sides(text, snapshot, load_matrix())
    if len(named) < 2:
        return PairCommand("usage")
    a, b = named[0][1], named[1][1]
    missing = tuple(s.phrase for s in (a, b) if not s.doc)
    if missing:
        return PairCommand("not_indexed", missing=missing)
    topics = load_topics()
    topic = topics.named_in(_without_names(text, a, b))
    finder = Finder(retriever, snapshot, embedder)
    question = f"{kind} {text}".strip()
    if kind == "diff":
        return PairCommand("ok", _diff(finder, a, b, topic, question))
    return PairCommand("ok", _comparison(finder, topics, a, b, topic, question))


def _without_names(text: str, *sides: Side) -> str:
    low = " ".join(re.findall(r"\d+(?:\.\d+)+|[a-z0-9]+", text.lower()))
    for side in sides:
        low = low.replace(side.phrase, " ")
    return low


def _quote(lead: Lead) -> Quote:
    return Quote(
        doc=lead.doc, title=lead.title, section=lead.section, text=lead.text, start=lead.start, end=lead.end,
        url=lead.url, context=lead.context, context_start=lead.context_start, context_end=lead.context_end,
    )


def _answer(question: str, text: str, leads: Sequence[Lead], notes: Sequence[str] = (), **fields: object) -> Answer:
    return Answer(
        question=question, answer=text, abstained=False, quotes=tuple(_quote(x) for x in leads),
        notice=prompts.load("disclaimer"), notes=tuple(notes), summary_available=False,
        searched=tuple(dict.fromkeys(x.doc for x in leads)), **fields,  # type: ignore[arg-type]
    )


def _compatibility(
    finder: Finder, matrix: Matrix, topics: Topics, inbound: Side, outbound: Side, question: str
) -> Answer:
    covered = bool(inbound.spdx and outbound.spdx)
    verdict = matrix.verdict(outbound.spdx, inbound.spdx) if covered else None
    reverse = matrix.verdict(inbound.spdx, outbound.spdx) if covered else None
    # Uncovered pairs: what each license says about passing it on is all there is to go by.
    topic = topics.compatibility if verdict is not None else (topics.get("redistribution") or topics.compatibility)
    clauses = tuple(c for side in (inbound, outbound) for c in finder.topic(side.doc, topic)[:MAX_CLAUSES])
    found = Compatibility(inbound, outbound, verdict, SOURCE, matrix.date, reverse, clauses)
    lines = [prompts.render("pair_direction", inbound=inbound.name, outbound=outbound.name)]
    if verdict is None:
        lines.append(prompts.render("pair_uncovered", pair=f"{inbound.name} inside {outbound.name}"))
    else:
        lines.append(prompts.render("pair_verdict", verdict=verdict))
        lines.append(prompts.render("pair_attribution", source=SOURCE, date=matrix.date))
    return _answer(question, "\n".join(lines), clauses, _compatibility_notes(matrix, found), compatibility=found)


def _compatibility_notes(matrix: Matrix, found: Compatibility) -> list[str]:
    inbound, outbound = found.inbound, found.outbound
    notes = []
    if found.reverse is not None and found.reverse != found.verdict:
        notes.append(prompts.render("pair_reverse", inbound=inbound.name, outbound=outbound.name,
                                    verdict=found.reverse))
    for side in (inbound, outbound):
        if noted_reading(side):
            notes.append(prompts.render("pair_read_as", phrase=side.phrase, spdx=side.spdx))
        if side.base_text:
            notes.append(prompts.render("pair_base_text", spdx=side.spdx, title=side.title))
        if not side.doc:
            notes.append(prompts.render("pair_not_indexed", name=side.name))
    if found.verdict is not None:
        # "GPL-2.0" read as -only: the matrix's -or-later row can differ, and legal must see it.
        for side in (inbound, outbound):
            if noted_reading(side) and side.spdx.endswith("-only"):
                other = side.spdx.removesuffix("-only") + "-or-later"
                pair = (other, inbound.spdx) if side is outbound else (outbound.spdx, other)
                word = matrix.verdict(*pair)
                if word is not None and word != found.verdict:
                    notes.append(prompts.render("pair_or_later", other=other, verdict=word))
    return notes


def _comparison(finder: Finder, topics: Topics, a: Side, b: Side, topic: Topic | None, question: str) -> Answer:
    rows = compare(finder, a, b, (topic,) if topic is not None else topics.compare)
    leads = [x for r in rows for x in (r.first, r.second) if x is not None]
    text = prompts.render("compare_intro", first=a.title, second=b.title)
    return _answer(question, text, leads, comparison=rows)


def _diff(finder: Finder, a: Side, b: Side, topic: Topic | None, question: str) -> Answer:
    found = diff_versions(finder.snapshot, a, b, topic)
    kinds = [c.kind for c in found.changes]
    text = prompts.render(
        "diff_intro", old=a.title, new=b.title, about=f" ({topic.label})" if topic else "",
        changed=kinds.count("changed"), removed=kinds.count("removed"), added=kinds.count("added"),
        unchanged=found.unchanged,
    )
    leads = [x for c in found.changes for x in (c.old, c.new) if x is not None]
    return _answer(question, text, leads, diff=found)
