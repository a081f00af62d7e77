"""Clauses that limit a license by where the licensee is.

"Our studio is in Amsterdam: can we use Hunyuan3D-2?" is settled by one clause, whatever else the
question says: "“Territory” shall mean the worldwide territory, excluding the territory of the
European Union, United Kingdom and South Korea." Such a clause is a definition or a preamble,
which ranking and the lead otherwise hold back, and it shares no word with the question ("Amsterdam"
is in no license; the vocabulary maps it to "european union"). A clause of the licenses searched
that names the asker's region *and* speaks of where licensees are goes first and may lead.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from licensebot.index.documents import Chunk, Hit
from licensebot.index.search.housekeeping import housekeeping
from licensebot.index.search.keyword import normalize_quote
from licensebot.index.text import sentence_spans

_WHERE = re.compile(
    r"\bterritor(?:y|ies|ial)\b|\bdomiciled\b|\bplace of business\b|\blocated in\b|\bdoes not apply in\b",
    re.IGNORECASE,
)
"""Words of a sentence about where licensees are. Not "residence": the EUPL's governing law turns on
the licensor's ("governed by Belgian law if the Licensor has no seat, residence or registered office
inside a European Union Member State")."""
MAX_HOLDERS = 3
"""A region named in more clauses than this is what the license is about (the EUPL), not a limit."""


def limits_by_place(sentence: str, regions: Collection[str], label: str = "") -> bool:
    """Does ``sentence`` (of a clause labelled ``label``) limit the license by one of ``regions``?
    It names the region and speaks of where licensees are, in one sentence, and is not the
    governing law ("laws of the State or Territory")."""
    text = normalize_quote(sentence)
    return (any(region in text for region in regions) and bool(_WHERE.search(sentence))
            and housekeeping(label, sentence) is None)


def territorial(chunks: Sequence[Chunk], regions: Collection[str]) -> list[Chunk]:
    """The ``chunks`` (those of the licenses searched) with a sentence that limits the license by
    one of ``regions`` (normalised: "european union"), preambles last; none for a region named in
    more than MAX_HOLDERS of them."""
    out: dict[str, Chunk] = {}
    for region in regions:
        held = [c for c in chunks if region in normalize_quote(c.text)]
        if len(held) <= MAX_HOLDERS:
            out.update((c.id, c) for c in held
                       if any(limits_by_place(c.text[s:e], (region,), c.section) for s, e in sentence_spans(c.text)))
    # The clause itself before a preamble that announces it ("DOES NOT APPLY IN THE EUROPEAN
    # UNION ... AS DEFINED BELOW").
    return sorted(out.values(), key=lambda c: (c.role == "preamble", c.doc, c.start))


def territory_first(hits: Sequence[Hit], found: Sequence[Chunk]) -> list[Hit]:
    """``hits`` with the ``found`` clauses first, in ``found``'s order. One that was not a
    candidate takes the best score, so quoting still judges the others against the best."""
    ids = {c.id for c in found}
    have = {h.chunk.id: h for h in hits}
    top = max((h.score for h in hits), default=0.0)
    first = [have.get(c.id) or Hit(chunk=c, score=top) for c in found]
    return first + [h for h in hits if h.chunk.id not in ids]
