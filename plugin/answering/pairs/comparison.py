"""Two licenses side by side, topic by topic: each license's deciding clause, or "not addressed"
when none of its clauses is about the topic. For two versions of one license, a pair of clauses
that are the same clause revised also gets its word diff."""

from __future__ import annotations

from licensebot.answering.answer import Lead
from licensebot.answering.pairs.clauses import Finder
from licensebot.answering.pairs.model import Segment, Side, TopicRow
from licensebot.answering.pairs.sides import same_family
from licensebot.answering.pairs.topics import Topic
from licensebot.answering.pairs.versions import MIN_SHARED, word_diff


def compare(finder: Finder, first: Side, second: Side, topics: tuple[Topic, ...]) -> tuple[TopicRow, ...]:
    versions = same_family(first, second)
    rows = []
    for topic in topics:
        a = _best(finder, first, topic)
        b = _best(finder, second, topic)
        segments = _revised(finder, a, b) if versions and a is not None and b is not None else ()
        rows.append(TopicRow(topic.key, topic.label, a, b, segments, (first.title, second.title),
                             (first.doc, second.doc)))
    return tuple(rows)


def _best(finder: Finder, side: Side, topic: Topic) -> Lead | None:
    found = finder.topic(side.doc, topic) if side.doc else ()
    return found[0] if found else None


def _revised(finder: Finder, a: Lead, b: Lead) -> tuple[Segment, ...]:
    """The word diff of the clauses holding ``a`` and ``b``, when they are one clause revised."""
    ca = next((c for c in finder.snapshot.doc_chunks(a.doc) if c.start <= a.start < c.end), None)
    cb = next((c for c in finder.snapshot.doc_chunks(b.doc) if c.start <= b.start < c.end), None)
    if ca is None or cb is None or ca.text.split() == cb.text.split():
        return ()
    ta, tb = set(ca.text.lower().split()), set(cb.text.lower().split())
    if len(ta & tb) / max(1, len(ta | tb)) < MIN_SHARED:
        return ()
    return word_diff(ca, cb)
