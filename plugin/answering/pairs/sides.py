"""Which two licenses a question is about, what the compatibility matrix calls them, which
indexed text is quoted for each, and (for compatibility) which one goes inside the other."""

from __future__ import annotations

import re
from collections.abc import Sequence

from licensebot.answering.pairs.matrix import Matrix, norm
from licensebot.answering.pairs.model import Side
from licensebot.index.search import Mention, Snapshot
from licensebot.index.text.name_forms import version_key

_TOKEN = re.compile(r"\d+(?:\.\d+)+|[a-z0-9]+")
_INBOUND_NOUNS = frozenset(
    "code library libraries lib dependency dependencies component components module modules package packages "
    "snippet snippets file files sdk plugin plugins crate crates source function functions".split()
)
"""Words that follow the name of what goes in: "Apache-2.0 code", "an MIT library"."""
_OUTBOUND_NOUNS = frozenset(
    "project projects product products application app apps codebase program programs service repository repo "
    "firmware distribution release binary".split()
)
"""Words that follow the name of what it goes into: "a GPL-2.0-only project"."""
_INTO = frozenset("in into inside within to".split())
"""Between the two names: "X code in our Y product", "X inside Y": the second is the container."""
_USES = frozenset(
    "use uses using include includes including incorporate incorporates depend depends link links linking "
    "import imports bundle bundles contain contains embed embeds".split()
)
"""Between the two names: "a Y project that uses X code": the first is the container."""
_UNDER = frozenset("under relicense release distribute publish ship".split())
"""Before a name: "release our app under Y": Y is what the whole is distributed under."""
_FAMILY_NOISE = frozenset("license licence agreement community terms tou use policy the and of".split())


def _slug(phrase: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "-", phrase.lower()).strip("-")


def _pick(docs: Sequence[str], phrase: str) -> str:
    """The document a name means among several: the key spelled as named, the base key the
    others extend ("python" for python-2.0.1), else the newest version."""
    slug = _slug(phrase)
    if slug in docs:
        return slug
    base = [k for k in docs if all(o == k or o.startswith(k + "-") for o in docs)]
    return base[0] if base else max(docs, key=lambda d: (version_key(d), d))


def side_of(mention: Mention, snapshot: Snapshot, matrix: Matrix) -> Side | None:
    """The license a name stands for: its matrix id and the indexed text quoted for it."""
    catalog, indexed = snapshot.catalog, snapshot.documents
    spdx = matrix.find(mention.phrase)
    if spdx is None and mention.docs:
        key = _pick(mention.docs, mention.phrase)
        entry = catalog.get(key)
        spdx = next((i for i in (entry.spdx if entry else ()) if i in matrix.ids), None)
    docs = [d for d in mention.docs if d in indexed]
    base_text = False
    if spdx is not None:
        # "GPL-2.0-or-later" is gpl-2.0-plus; only GPL-2.0's own text is indexed, and it is the
        # text of both.
        keys = [k for k, e in catalog.entries.items() if spdx in e.spdx]
        held = [k for k in keys if k in indexed]
        if not held:
            held = [k.removesuffix("-plus") for k in keys if k.removesuffix("-plus") in indexed]
            base_text = bool(held)
        docs = held or docs
    if not docs and spdx is None:
        return None
    doc = _pick(docs, mention.phrase) if docs else ""
    title = catalog.describe(doc).rsplit(" (", 1)[0] if doc else mention.phrase
    model = mention.model.name if mention.model is not None and mention.kind != "license" else ""
    return Side(phrase=mention.phrase, doc=doc, title=title, spdx=spdx or "", base_text=base_text, model=model)


def named_sides(question: str, snapshot: Snapshot, matrix: Matrix) -> list[tuple[int, Side]]:
    """The distinct licenses the question names, with the token where each is named, in order."""
    words = _TOKEN.findall(question.lower())
    mentions = snapshot.names.find(question).mentions
    found: list[tuple[int, Mention]] = [(_position(question, words, m), m) for m in mentions]
    taken = {i + k for i, m in found if i >= 0 for k in range(len(_TOKEN.findall((m.written or m.phrase).lower())))}
    # An SPDX id of the matrix, or an indexed document's key, names its license even where the
    # name search reads it as an ordinary word ("zlib" without "license" next to it).
    for size in range(5, 0, -1):
        for i in range(len(words) - size + 1):
            span = set(range(i, i + size))
            phrase = " ".join(words[i : i + size])
            key = _slug(phrase)
            if span & taken or not (matrix.find(phrase) or key in snapshot.documents):
                continue
            spdx = matrix.find(phrase)
            keys = [k for k, e in snapshot.catalog.entries.items() if spdx in e.spdx] if spdx else [key]
            found.append((i, Mention(phrase, tuple(keys))))
            taken |= span
    out: list[tuple[int, Side]] = []
    for pos, mention in sorted(found, key=lambda f: f[0]):
        side = side_of(mention, snapshot, matrix)
        if side is None or any((s.doc, s.spdx) == (side.doc, side.spdx) for _, s in out):
            continue
        out.append((pos, side))
    return out


def _position(question: str, words: list[str], mention: Mention) -> int:
    """The token where ``mention`` is written in the question."""
    if mention.at >= 0:
        return len(_TOKEN.findall(question.lower()[: mention.at]))
    phrase = mention.phrase.split()
    for i in range(len(words) - len(phrase) + 1):
        if words[i : i + len(phrase)] == phrase:
            return i
    return -1


def inbound_first(question: str, first: tuple[int, Side], second: tuple[int, Side]) -> bool:
    """Is the first-named license the inbound one (its code goes into a work under the second)?

    Read from the words around the names: "X code ... in our Y product", "X inside Y", "a Y
    project that uses X libraries", "release under Y". With no such cue ("Is X compatible with
    Y?") the first name is read as inbound; the answer states the direction it used."""
    words = _TOKEN.findall(question.lower())
    (i, a), (j, b) = first, second
    if i < 0 or j < 0:
        return True
    a_end, b_end = i + len(a.phrase.split()), j + len(b.phrase.split())

    def container(start: int, end: int) -> int:
        after = set(words[end : end + 3])
        before = set(words[max(0, start - 4) : start])
        return 2 * (len(after & _OUTBOUND_NOUNS) - len(after & _INBOUND_NOUNS)) + len(before & _UNDER)

    score = container(i, a_end) - container(j, b_end)
    between = set(words[a_end:j])
    score += len(between & _USES) - len(between & _INTO)
    return score <= 0


def same_family(a: Side, b: Side) -> bool:
    """Two versions of one license ("llama 3" and "llama 3.1", gpl-2.0 and gpl-3.0)?"""

    def family(doc: str) -> set[str]:
        return {w for w in re.findall(r"[a-z]+", doc) if len(w) >= 3 and w not in _FAMILY_NOISE}

    return bool(a.doc and b.doc and a.doc != b.doc and family(a.doc) & family(b.doc))


def noted_reading(side: Side) -> bool:
    """Was the name read as a matrix id it does not spell ("GPL 2.0" as GPL-2.0-only)?"""
    return bool(side.spdx) and norm(side.phrase) != norm(side.spdx)
