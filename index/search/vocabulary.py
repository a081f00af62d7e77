"""Everyday words to the words licenses use ("binaries" -> "object code"), for keyword search.

A question about "shipping binaries" should find GPL-3.0 §6 "Conveying Non-Source Forms ... object
code", though no word of the question is in it. The mapping is a reviewable data file
(``data/vocabulary.yaml``); expanded words count at a fraction of the question's own words.

Places are entries that also map to "territory" ("amsterdam: [european union, territory]"): the
regions they stand for are where the asker is (``regions``), which a territory clause may exclude.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from licensebot.errors import SourceError
from licensebot.index.search.keyword import normalize_quote, tokenize
from licensebot.index.sources.datafiles import read_yaml

EXPANSION_WEIGHT = 0.5
"""A word added by the vocabulary counts half as much as a word the question used."""
TERRITORY = "territory"
"""The word that marks an entry as a place."""
WHERE_WORDS = frozenset({TERRITORY, "principal place of business"})
"""Targets of place entries that say where, not which region."""


class Vocabulary:
    def __init__(self, mapping: dict[str, list[str]]) -> None:
        self._phrases: dict[tuple[str, ...], set[str]] = {}
        self._raw: dict[tuple[str, ...], set[str]] = {}
        for phrase, words in mapping.items():
            key = tuple(tokenize(phrase))
            raw = tuple(normalize_quote(phrase).split())
            values = {normalize_quote(w) for w in words}
            if key and len(key) == len(raw):
                self._phrases.setdefault(key, set()).update(values)
            elif raw:
                # A phrase that loses words to stopwords ("at work" would be "work", "based in"
                # "base") is matched on the question's own words.
                self._raw.setdefault(raw, set()).update(values)
        self._longest = max((len(k) for k in [*self._phrases, *self._raw]), default=0)
        # Each license phrase's keyword terms, tokenized once here rather than per question.
        self._terms = {p: frozenset(tokenize(p)) for table in (self._phrases, self._raw)
                       for phrases in table.values() for p in phrases}

    @classmethod
    def load(cls, path: Path | None = None) -> Vocabulary:
        data = read_yaml("vocabulary.yaml", path) or {}
        if not isinstance(data, dict):
            raise SourceError(f"the vocabulary file {path or 'vocabulary.yaml'} must map words to lists of words")
        return cls({str(k): [str(w) for w in (v if isinstance(v, list) else [v])] for k, v in data.items()})

    def _targets(self, question: str, tokens: Sequence[str]) -> list[set[str]]:
        """The license words of each entry the question uses, as normalised phrases."""
        found: list[set[str]] = []
        for table, words in ((self._phrases, tokens), (self._raw, normalize_quote(question).split())):
            for i in range(len(words)):
                for n in range(1, self._longest + 1):
                    if (hit := table.get(tuple(words[i : i + n]))) is not None:
                        found.append(hit)
        return found

    def read(self, question: str, tokens: Sequence[str] | None = None) -> tuple[dict[str, float], tuple[str, ...]]:
        """``expand`` and ``regions`` of ``question`` from one pass over it."""
        own = tokenize(question) if tokens is None else list(tokens)
        found = self._targets(question, own)
        extra = {t for targets in found for phrase in targets for t in self._terms[phrase]}
        regions = {phrase for targets in found if TERRITORY in targets for phrase in targets - WHERE_WORDS}
        return {t: EXPANSION_WEIGHT for t in extra - set(own)}, tuple(sorted(regions))

    def expand(self, question: str, tokens: Sequence[str] | None = None) -> dict[str, float]:
        """Extra keyword-search terms for ``question`` with their weights, its own terms excluded.
        ``tokens``: its keyword terms, when the caller has them already."""
        return self.read(question, tokens)[0]

    def regions(self, question: str, tokens: Sequence[str] | None = None) -> tuple[str, ...]:
        """The regions the places ``question`` names stand for ("our Amsterdam office" ->
        "european union"), normalised, in a stable order."""
        return self.read(question, tokens)[1]
