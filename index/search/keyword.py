"""BM25 keyword search over chunks: catches exact terms ("700 million", "Notice", "Paris")
that a small embedding model blurs."""

from __future__ import annotations

import functools
import math
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Collection, Mapping, Sequence

import numpy as np
import numpy.typing as npt
import snowballstemmer

from licensebot.index.documents import Chunk

_WORD = re.compile(r"[a-z0-9]+")
STOPWORDS = frozenset(
    """a about above after again all also am an and any are as at be been before being below
    between both but by can could did do does doing down during each few for from further had has
    have having he her here hers him his how i if in into is it its itself just me more most my
    no nor not of off on once only or other our ours out over same she should so some such
    than that the their theirs them then there these they this those through to too under until
    up very was we were what when where which while who whom why will with would you your yours
    s t can will just don should now may might must shall us let""".split()
)


_STEMMER = snowballstemmer.stemmer("english")
_STEMMER_LOCK = threading.Lock()


@functools.lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    # Snowball's English (Porter2) stemmer, so "licensee"/"licensed"/"licensing", "distribution"/
    # "distributing" and "remotely"/"remote" meet; a hand-made suffix list missed most of these
    # and cost hit@1 (docs/quality.md). The stemmer object keeps state between calls: one at a time.
    with _STEMMER_LOCK:
        return str(_STEMMER.stemWord(word))


def normalize_quote(text: str) -> str:
    """Lower-case words separated by single spaces, for matching a quoted phrase in a clause."""
    return " ".join(_WORD.findall(text.lower()))


def tokenize(text: str) -> list[str]:
    out: list[str] = []
    for word in _WORD.findall(text.lower()):
        if word in STOPWORDS:
            continue
        out.append(_stem(word))
        if word.startswith("non") and len(word) > 7:
            # "NonCommercial" is also about "commercial" (as "non-commercial" already is).
            out.append(_stem(word[3:]))
    return out


Postings = dict[str, tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]]
HEADING_WEIGHT = 0.0
"""Extra weight of a term found in the clause's own headings ("Governing Law", "Trademarks")."""


def _postings(texts: Sequence[str], k1: float, b: float) -> tuple[Postings, dict[str, float]]:
    """Per term: the chunks it occurs in and, for each, everything of its BM25 weight but the
    IDF (tf (k1 + 1) / (tf + k1 (1 - b + b len/avg))); and each term's IDF over all chunks."""
    counted = [Counter(tokenize(text)) for text in texts]
    lengths = np.array([sum(c.values()) for c in counted], dtype=np.float64)
    n = len(texts)
    avg = float(lengths.mean()) if n and lengths.any() else 1.0
    raw: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for i, counts in enumerate(counted):
        for term, tf in counts.items():
            ids, tfs = raw[term]
            ids.append(i)
            tfs.append(tf)
    postings: Postings = {}
    idf: dict[str, float] = {}
    for term, (ids, tfs) in raw.items():
        idx = np.array(ids, dtype=np.int64)
        freq = np.array(tfs, dtype=np.float64)
        norm = k1 * (1 - b + b * lengths[idx] / avg)
        postings[term] = (idx, freq * (k1 + 1) / (freq + norm))
        idf[term] = _idf(n, len(ids))
    return postings, idf


def _idf(n: int, df: int) -> float:
    """BM25's inverse document frequency of a term found in ``df`` of ``n`` chunks."""
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


class BM25Index:
    """Okapi BM25 with postings as numpy arrays: a term's contribution to every chunk it occurs
    in is one vectorised add, so a query costs about the same at 30,000 chunks as at 1,000
    (the pure-Python loop it replaced took 30 ms there).

    A chunk's document title is a field of its own: it tells documents apart, so it counts when
    the whole index is searched, but within named documents every chunk of one has the same
    title, and "Attribution-NonCommercial" in it must not drown the clause that defines
    "NonCommercial"."""

    def __init__(self, chunks: Sequence[Chunk], *, k1: float = 1.2, b: float = 0.75) -> None:
        self.chunks = list(chunks)
        self.k1 = k1
        self.b = b
        self._postings, self._idf = _postings([c.search_text(title=False) for c in self.chunks], k1, b)
        self._title_postings, self._title_idf = _postings([c.title for c in self.chunks], k1, b)
        self._heading_postings, self._heading_idf = _postings(
            [f"{c.heading} {c.section}" for c in self.chunks], k1, b
        )
        doc_ids: dict[str, int] = {}
        self._doc_of = np.array([doc_ids.setdefault(c.doc, len(doc_ids)) for c in self.chunks], dtype=np.int64)
        self._doc_ids = doc_ids

    def __len__(self) -> int:
        return len(self.chunks)

    @staticmethod
    def _add(
        scores: npt.NDArray[np.float64],
        found: tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]],
        idf: float,
        weight: float,
        in_scope: npt.NDArray[np.bool_] | None,
    ) -> None:
        """Add one term's BM25 contribution; within a scope, with the IDF the term has there."""
        ids, weights = found
        if in_scope is None:
            scores[ids] += weight * idf * weights  # ids are unique within a term
            return
        mask = in_scope[ids]
        if mask.any():
            scores[ids[mask]] += weight * _idf(int(in_scope.sum()), int(mask.sum())) * weights[mask]

    def idf(self, term: str) -> float:
        """The term's inverse document frequency over all chunks (0 for a term no chunk has)."""
        return self._idf.get(term, 0.0)

    def idfs(self, terms: Collection[str], docs: Collection[str] | None = None) -> dict[str, float]:
        """Each term's IDF over all chunks, or with ``docs`` among their chunks only (as ``search``
        weighs it there): in a named license, "model" and "license" are in every clause and weigh
        nothing, while "military" is in one."""
        if docs is None:
            return {t: self.idf(t) for t in terms}
        in_scope = self._in_scope(docs)
        n = int(in_scope.sum())
        out: dict[str, float] = {}
        for term in terms:
            found = self._postings.get(term)
            df = int(in_scope[found[0]].sum()) if found is not None else 0
            out[term] = _idf(n, df) if df else 0.0
        return out

    def _in_scope(self, docs: Collection[str]) -> npt.NDArray[np.bool_]:
        """Which chunks belong to ``docs``."""
        return np.isin(self._doc_of, [self._doc_ids[d] for d in docs if d in self._doc_ids])

    def holders(self, term: str, docs: Collection[str]) -> set[str]:
        """Ids of the chunks of ``docs`` that contain ``term``."""
        found = self._postings.get(term)
        if found is None:
            return set()
        wanted = {self._doc_ids[d] for d in docs if d in self._doc_ids}
        return {self.chunks[i].id for i in found[0] if int(self._doc_of[i]) in wanted}

    def search(
        self,
        query: str | Sequence[str],
        k: int,
        docs: Collection[str] | None = None,
        *,
        ignore: Collection[str] = (),
        extra: Mapping[str, float] | None = None,
    ) -> list[tuple[Chunk, float]]:
        """Top ``k`` chunks for ``query``. With ``docs``, only their chunks are scored and a term's
        IDF is computed among them: a word in every chunk of a named license (its own name, from
        the title) then weighs nothing, and a word in one of its clauses weighs most. ``ignore``:
        terms not to score (the license names the question used to choose ``docs``); ``extra``:
        more terms with their weights (license words for the question's everyday words). ``query``
        is the text or its keyword terms (``tokenize``)."""
        scores = np.zeros(len(self.chunks), dtype=np.float64)
        in_scope: npt.NDArray[np.bool_] | None = None
        if docs is not None:
            in_scope = self._in_scope(docs)
        own = tokenize(query) if isinstance(query, str) else query
        terms = dict.fromkeys(own, 1.0) | {t: w for t, w in (extra or {}).items()}
        for term, weight in terms.items():
            if term in ignore:
                continue
            fields = (
                (self._postings, self._idf, 1.0),
                (self._title_postings, self._title_idf, 1.0),
                (self._heading_postings, self._heading_idf, HEADING_WEIGHT),
            )
            for postings, idf, field_weight in fields:
                found = postings.get(term)
                if found is not None and field_weight:
                    self._add(scores, found, idf[term], weight * field_weight, in_scope)
        if in_scope is not None:
            scores[~in_scope] = 0.0
        hits = np.flatnonzero(scores > 0)
        if k <= 0:
            return []
        if len(hits) > k:
            # Keep everything tied with the k-th score, so the cut below breaks ties by chunk order.
            kth = -np.partition(-scores[hits], k - 1)[k - 1]
            hits = hits[scores[hits] >= kth]
        order = hits[np.lexsort((hits, -scores[hits]))][:k]
        return [(self.chunks[i], float(scores[i])) for i in order]
