"""A question as the search reads it, computed once: its text, keyword terms, the license names it
uses, the license words its everyday words stand for, and the phrases it quotes."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from licensebot.index.search.keyword import normalize_quote, tokenize
from licensebot.index.search.match import NameMatch
from licensebot.index.search.snapshot import Snapshot
from licensebot.index.search.vocabulary import Vocabulary

_QUOTED = re.compile(r"[\"“‘']([^\"”’']{4,120})[\"”’']")
"""A phrase the asker quotes ('Built with Meta Llama 3') is text they expect to find as written."""


@dataclass(frozen=True)
class Query:
    text: str
    """What is searched: the question, with the thread's last question before it when the
    question names no license of its own ("and for outputs?")."""
    question: str
    """The question as asked."""
    tokens: tuple[str, ...]
    """Keyword terms of ``text`` (stemmed, stopwords dropped)."""
    named: NameMatch
    expansion: Mapping[str, float] = field(default_factory=dict)
    """License words for the question's everyday words, with their weights."""
    quoted: tuple[str, ...] = ()
    """Phrases the asker put in quotes, normalised for matching."""
    regions: tuple[str, ...] = ()
    """Regions the places the question names stand for ("our Paris office" -> "european union")."""

    @property
    def name_words(self) -> frozenset[str]:
        """Keyword terms of the license names the question used: once the search is limited to
        those licenses, they say nothing about which clause answers (unless quoted)."""
        words = {w for m in self.named.mentions for w in tokenize(m.phrase)}
        return frozenset(words - {w for q in self.quoted for w in tokenize(q)})

    @property
    def written_name_words(self) -> frozenset[str]:
        """``name_words`` and the terms of the names as the question wrote them: "Hunyuan3D-2" is
        matched as "hunyuan 3 d 2" but is the question's term "hunyuan3d". Choosing the sentence
        that answers leaves both out; the search keeps the written terms, which can tell two
        licenses apart ("FAIPL-1.0-SD")."""
        words = {w for m in self.named.mentions for w in tokenize(m.written)}
        return self.name_words | (words - {w for q in self.quoted for w in tokenize(q)})

    @classmethod
    def of(
        cls, question: str, snapshot: Snapshot, vocabulary: Vocabulary, *, context: Sequence[str] = ()
    ) -> Query:
        """``context``: earlier questions of the same thread, oldest first."""
        text = question
        named = snapshot.names.find(question)
        if context and not (named.mentions or named.unknown):
            # "and what about Gemma?" names its license; "and for outputs?" borrows the thread's.
            text = f"{context[-1]} {question}"
            named = snapshot.names.find(text)
        tokens = tuple(tokenize(text))
        expansion, regions = vocabulary.read(text, tokens)
        return cls(
            text=text,
            question=question,
            tokens=tokens,
            named=named,
            expansion=expansion,
            quoted=tuple(normalize_quote(q) for q in _QUOTED.findall(text)),
            regions=regions,
        )
