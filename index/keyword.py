"""BM25 keyword search over chunks: catches exact terms ("700 million", "Notice", "Paris")
that a small embedding model blurs."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Sequence

from index.models import Chunk

_WORD = re.compile(r"[a-z0-9]+")
STOPWORDS = frozenset(
    """a about above after again all also am an and any are as at be been before being below
    between both but by can could did do does doing down during each few for from further had has
    have having he her here hers him his how i if in into is it its itself just me more most my
    no nor not of off on once only or other our ours out over own same she should so some such
    than that the their theirs them then there these they this those through to too under until
    up very was we were what when where which while who whom why will with would you your yours
    s t can will just don should now may might must shall us let""".split()
)


def _stem(word: str) -> str:
    # Light suffix stripping so "users"/"user" and "distributing"/"distribute" meet.
    for suffix, min_len in (("ies", 5), ("ing", 6), ("ed", 5), ("es", 5), ("s", 4)):
        if word.endswith(suffix) and len(word) >= min_len and not word.endswith("ss"):
            stem = word[: -len(suffix)]
            return stem + "y" if suffix == "ies" else stem
    return word


def tokenize(text: str) -> list[str]:
    return [_stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS]


class BM25Index:
    def __init__(self, chunks: Sequence[Chunk], *, k1: float = 1.2, b: float = 0.75) -> None:
        self.chunks = list(chunks)
        self.k1 = k1
        self.b = b
        self._postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self._lengths: list[int] = []
        for i, chunk in enumerate(self.chunks):
            counts = Counter(tokenize(chunk.search_text()))
            self._lengths.append(sum(counts.values()))
            for term, tf in counts.items():
                self._postings[term].append((i, tf))
        n = len(self.chunks)
        self._avg = (sum(self._lengths) / n) if n else 0.0
        self._idf = {
            term: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)) for term, p in self._postings.items()
        }

    def __len__(self) -> int:
        return len(self.chunks)

    def search(
        self, query: str, k: int, docs: Collection[str] | None = None
    ) -> list[tuple[Chunk, float]]:
        scores: dict[int, float] = defaultdict(float)
        for term in set(tokenize(query)):
            postings = self._postings.get(term)
            if not postings:
                continue
            idf = self._idf[term]
            for i, tf in postings:
                if docs is not None and self.chunks[i].doc not in docs:
                    continue
                norm = self.k1 * (1 - self.b + self.b * self._lengths[i] / self._avg)
                scores[i] += idf * tf * (self.k1 + 1) / (tf + norm)
        best = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:k]
        return [(self.chunks[i], s) for i, s in best]
