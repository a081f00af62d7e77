"""Which documents a question names: "Llama 3.1", "MNPL", "Codestral 22B", "AGPL-3.0".

Names come from three places: the documents themselves (key and title, with generic
words such as "License Agreement" dropped), and the curated ``aliases.yaml`` of
abbreviations and model names. Overlapping matches keep the longest, so "Llama 3.1"
means the 3.1 license and not every Llama.
"""

from __future__ import annotations

import fnmatch
import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from licensebot.errors import SourceError
from licensebot.index.models import Chunk

_GENERIC = frozenset(
    "license licence licenses agreement community terms of use the and conditions version v "
    "with policy acceptable dated".split()
)
_DATE = re.compile(r"^(19|20)\d\d$")
_DISCUSSION_WORDS = re.compile(
    r"\b(forum|threads?|discussions?|discussed|comments?|commenters?|"
    r"(?:people|users|developers|commenters|community) (?:say|said|think|thought|argue|argued|claim)|"
    r"argued?|argue|debate|opinions?|criticism|critics)\b",
    re.IGNORECASE,
)
_WEAK_DISCUSSION_WORDS = re.compile(r"\b(articles?|blog|posts?|news)\b", re.IGNORECASE)
""""What did the article say?" asks for a discussion; "if we adapt a CC BY-SA article" does not."""


def normalize(text: str) -> str:
    """Lowercase words separated by single spaces; "Llama-3.1" -> "llama 3 1"."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def version_key(doc_key: str) -> tuple[int, ...]:
    """Sort key for versions of one license: numbers in the key, in order."""
    return tuple(int(n) for n in re.findall(r"\d+", doc_key))


def asks_about_discussions(question: str, *, names_a_license: bool = False) -> bool:
    """Does the question ask what people said (forum threads, articles) rather than the terms?
    Words like "article" or "post" count only when no license is named."""
    if _DISCUSSION_WORDS.search(question):
        return True
    return not names_a_license and bool(_WEAK_DISCUSSION_WORDS.search(question))


@dataclass(frozen=True)
class Mention:
    phrase: str
    docs: tuple[str, ...]


@dataclass(frozen=True)
class NameMatch:
    mentions: tuple[Mention, ...]

    @property
    def docs(self) -> frozenset[str]:
        return frozenset(d for m in self.mentions for d in m.docs)

    def newest_unversioned(self) -> set[str]:
        """For names that matched several versions, the newest version of each."""
        newest: set[str] = set()
        for m in self.mentions:
            if len(m.docs) > 1:
                families: dict[str, list[str]] = {}
                for d in m.docs:
                    families.setdefault(re.sub(r"[\d.-]+", "-", d).strip("-"), []).append(d)
                for members in families.values():
                    newest.add(max(members, key=version_key))
        return newest


def _derived_names(key: str, title: str) -> set[str]:
    names = {normalize(key), normalize(title)}
    for text in (key.replace("-", " "), re.sub(r"\(.*?\)", " ", title)):
        words = [w for w in normalize(text).split() if w not in _GENERIC and not _DATE.match(w)]
        if words:
            names.add(" ".join(words))
    return {n for n in names if n and len(n) >= 3}


def load_aliases(path: Path | None = None) -> dict[str, list[str]]:
    """phrase -> key patterns, from the packaged file or an admin's copy."""
    try:
        if path is None:
            text = resources.files("licensebot.index").joinpath("data/aliases.yaml").read_text("utf-8")
        else:
            text = path.read_text("utf-8")
        data = yaml.safe_load(text) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SourceError(f"cannot read the aliases file {path or 'aliases.yaml'}: {exc}") from exc
    out: dict[str, list[str]] = {}
    for section in ("licenses", "models"):
        for phrase, keys in (data.get(section) or {}).items():
            if isinstance(keys, str):
                keys = [keys]
            out.setdefault(str(phrase), []).extend(str(k) for k in keys or [])
    return out


class NameIndex:
    """Finds the documents a question names, among those that are indexed."""

    def __init__(
        self,
        titles: Mapping[str, str],
        aliases: Mapping[str, Sequence[str]],
        common_words: Collection[str] = (),
    ) -> None:
        """``common_words`` are words too frequent in the corpus to name a document alone
        (a LicenseDB key such as "commercial-license" must not capture every question
        about commercial use); curated aliases are exempt."""
        table: dict[tuple[str, ...], set[str]] = {}
        keys = sorted(titles)
        for key, title in titles.items():
            for name in _derived_names(key, title):
                words = tuple(name.split())
                if len(words) == 1 and words[0] in common_words:
                    continue
                table.setdefault(words, set()).add(key)
        for phrase, patterns in aliases.items():
            matched = {k for p in patterns for k in keys if k == p or fnmatch.fnmatchcase(k, p)}
            if matched:
                table.setdefault(tuple(normalize(phrase).split()), set()).update(matched)
        self._table = {name: frozenset(docs) for name, docs in table.items() if name}
        self._max_len = max((len(n) for n in self._table), default=0)

    def find(self, question: str) -> NameMatch:
        words = normalize(question).split()
        spans: list[tuple[int, int, tuple[str, ...]]] = []
        for i in range(len(words)):
            for n in range(min(self._max_len, len(words) - i), 0, -1):
                name = tuple(words[i : i + n])
                if name in self._table:
                    spans.append((i, i + n, name))
        # Longest first, then leftmost; drop matches inside an already chosen one.
        spans.sort(key=lambda s: (-(s[1] - s[0]), s[0]))
        taken: list[tuple[int, int]] = []
        mentions: list[Mention] = []
        for start, end, name in spans:
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            mentions.append(Mention(" ".join(name), tuple(sorted(self._table[name]))))
        # "Llama 2 ... not Llama": the versioned name says which one; drop the family name.
        mentions = [
            m for m in mentions
            if not any(o is not m and set(o.docs) < set(m.docs) for o in mentions)
        ]
        mentions.sort(key=lambda m: words.index(m.phrase.split()[0]))
        return NameMatch(tuple(mentions))

    @classmethod
    def from_chunks(cls, chunks: Iterable[Chunk], aliases: Mapping[str, Sequence[str]]) -> NameIndex:
        titles: dict[str, str] = {}
        words_by_doc: dict[str, set[str]] = {}
        for c in chunks:
            titles.setdefault(c.doc, c.title)
            words_by_doc.setdefault(c.doc, set()).update(normalize(c.text).split())
        counts: Counter[str] = Counter()
        for words in words_by_doc.values():
            counts.update(words)
        limit = max(5, int(0.03 * len(words_by_doc)))
        common = {w for w, n in counts.items() if n > limit}
        return cls(titles, aliases, common)
