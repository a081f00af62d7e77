"""Which licenses a question names: "Llama 3.1", "MNPL", "Codestral 22B", "AGPL-3.0", "the Vim license".

Names come from the catalog of every license the bot knows (``catalog.py``: the ScanCode
LicenseDB's keys, names, short names and SPDX ids, plus indexed documents) and from the curated
``aliases.yaml`` of abbreviations and model names. A name counts whether or not its license is
indexed: the retriever searches the indexed ones and reports the others. Overlapping matches
keep the longest, so "Llama 3.1" means the 3.1 license and not every Llama.

Some names are weak: a single common word ("python", "artistic") or a name with its generic
words dropped ("open software" for the Open Software License). Those count only next to a
license word ("the Python license", "licensed under the Artistic"). What looks like a name but
is in no catalog ("the FooBar Public License 9.0", "Llama 5", "Yi-34B") is reported as unknown
rather than matched to a lookalike.
"""

from __future__ import annotations

import fnmatch
import re
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml

from licensebot.errors import SourceError
from licensebot.index.documents import Chunk
from licensebot.index.sources import Catalog

_GENERIC = frozenset(
    "license licence licenses agreement community terms of use the and conditions version v "
    "with policy acceptable dated".split()
)
LICENSE_WORDS = frozenset("license licence licensed licenses licences terms agreement eula policy".split())
_DATE = re.compile(r"^(19|20)\d\d$")
_UNDER = re.compile(r"\W*(?:under|per|according to)\b", re.IGNORECASE)
_VERSION = re.compile(r"^v?\d{1,2}(?:\.\d{1,3})*$")
_TOKEN = re.compile(r"\d+(?:\.\d+)+|[a-z0-9]+")
_DISCUSSION_WORDS = re.compile(
    r"\b(forum|threads?|discussions?|discussed|comments?|commenters?|"
    r"(?:people|users|developers|commenters|community) (?:say|said|think|thought|argue|argued|claim)|"
    r"argued?|argue|debate|opinions?|criticism|critics)\b",
    re.IGNORECASE,
)
_WEAK_DISCUSSION_WORDS = re.compile(r"\b(articles?|blog|posts?|news)\b", re.IGNORECASE)
""""What did the article say?" asks for a discussion; "if we adapt a CC BY-SA article" does not."""
_LICENSE_LIKE = re.compile(
    r"\b((?:[A-Z][\w.+-]*\s+){1,5}?(?:(?:Public|Community|Open|Source|Software|Model|Free|General)\s+)*"
    r"(?:License|Licence|Agreement)(?:\s+v?\d+(?:\.\d+)*)?)"
)
"""A capitalised name followed by "License" ("the FooBar Public License 9.0")."""
_NOT_NAMES = frozenset(
    "the this that our my your a an under what does do can is are may must which where when how why if "
    "per any each every open source public software community model free general".split()
)
_MODEL_LIKE = re.compile(r"\b([A-Za-z][A-Za-z0-9.]*(?:-[A-Za-z0-9.]+)*?-\d+(?:\.\d+)?[BbMm])\b")
"""A model name with a parameter count ("Yi-34B", "Falcon-180B")."""


def normalize(text: str) -> str:
    """Lower-case words separated by single spaces, version numbers kept whole: "Llama-3.1" ->
    "llama 3.1"."""
    return " ".join(_TOKEN.findall(text.lower()))


def _tokens_with_spans(text: str) -> list[tuple[str, int, int]]:
    # A possessive "'s" is not a word of the name: "Salesforce's AI acceptable use policy" names
    # the Salesforce AI policy as "the Salesforce AI acceptable use policy" does.
    return [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text.lower())
            if not (m.group(0) == "s" and m.start() > 0 and text[m.start() - 1] in "'’")]


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
    """Every key the phrase names, indexed or not."""


@dataclass(frozen=True)
class Unknown:
    """A name the question uses that no catalog has."""

    phrase: str
    """As written in the question: "Llama 5", "FooBar Public License 9.0", "Yi-34B"."""
    kind: Literal["version", "license", "model"]
    family: tuple[str, ...] = ()
    """For an unknown version: the keys of the versions the family has."""


@dataclass(frozen=True)
class NameMatch:
    mentions: tuple[Mention, ...]
    unknown: tuple[Unknown, ...] = ()
    indexed: frozenset[str] = field(default_factory=frozenset)
    subject: tuple[str, ...] = ()
    """The license the question is asked under ("Under the EUPL 1.2, may we ... the GPL?"), when
    it names several: its clauses hold the answer, the others are what the question is about."""

    @property
    def docs(self) -> frozenset[str]:
        """The indexed documents the question names (what the search is limited to)."""
        return frozenset(d for m in self.mentions for d in m.docs if d in self.indexed)

    @property
    def missing(self) -> tuple[Mention, ...]:
        """Named licenses none of whose documents is indexed."""
        return tuple(m for m in self.mentions if not any(d in self.indexed for d in m.docs))

    def exact(self) -> dict[str, frozenset[str]]:
        """For a name that matched several indexed texts, one of which is the license itself, that
        one: the key spelled as named ("MIT" is mit, not mit-1995 or vince; "AGPL-3.0" is agpl-3.0,
        not agpl-3.0-plus), or the key all the others extend ("python" for python-2.0.1). Maps
        each such doc to the mention's other docs (its variants, not what was asked about)."""
        found: dict[str, frozenset[str]] = {}
        for m in self.mentions:
            docs = [d for d in m.docs if d in self.indexed]
            if len(docs) < 2:
                continue
            slug = re.sub(r"[^a-z0-9.]+", "-", m.phrase.lower()).strip("-")
            base = [k for k in docs if all(o == k or o.startswith(k + "-") for o in docs)]
            key = slug if slug in docs else (base[0] if base else None)
            if key is not None:
                # A variant another name in the question asks about ("... and GPL-2.0-or-later") stays.
                elsewhere = {d for other in self.mentions if key not in other.docs for d in other.docs}
                found[key] = frozenset(docs) - {key} - elsewhere
        return found

    def newest_unversioned(self) -> set[str]:
        """For names that matched several indexed versions (none of them the license itself, see
        ``exact``), the newest version of each."""
        newest: set[str] = set()
        exact = self.exact()
        for m in self.mentions:
            docs = [d for d in m.docs if d in self.indexed]
            if len(docs) > 1 and not exact.keys() & set(docs):
                families: dict[str, list[str]] = {}
                for d in docs:
                    families.setdefault(re.sub(r"[\d.-]+", "-", d).strip("-"), []).append(d)
                for members in families.values():
                    newest.add(max(members, key=version_key))
        return newest


def _strip(words: Sequence[str], *, versions: bool = False) -> list[str]:
    return [
        w for w in words
        if w not in _GENERIC and not _DATE.match(w) and not (versions and (_VERSION.match(w) or w == "v"))
    ]


def _names_of(key: str, *titles: str) -> tuple[set[str], set[str], set[str]]:
    """(strong names, weak names, family names) of one license.

    Strong: the key, full names and SPDX ids as written. Weak: names without generic words
    ("academic free 3.0"), single words. Family: names without versions ("llama", "gpl")."""
    strong: set[str] = set()
    weak: set[str] = set()
    family: set[str] = set()
    for text in (key.replace("-", " "), *titles):
        text = re.sub(r"\(.*?\)", " ", text) if text is not key else text
        words = normalize(text).split()
        if not words:
            continue
        (strong if len(words) > 1 or any(ch.isdigit() for ch in words[0]) else weak).add(" ".join(words))
        stripped = _strip(words)
        if stripped and stripped != words:
            weak.add(" ".join(stripped))
        versionless = _strip(words, versions=True)
        if versionless and versionless != stripped:
            family.add(" ".join(versionless))  # also a weak name: "the WTFPL", "SIL Open Font License"
    return strong, weak, family


@dataclass(frozen=True)
class Aliases:
    """Curated names: ``licenses`` (abbreviations, families) and ``models`` (model names mapped to
    the license they are released under), each phrase -> key patterns."""

    licenses: dict[str, list[str]] = field(default_factory=dict)
    models: dict[str, list[str]] = field(default_factory=dict)

    def items(self) -> Iterable[tuple[str, list[str]]]:
        yield from self.licenses.items()
        yield from self.models.items()


def load_aliases(path: Path | None = None) -> Aliases:
    """The curated names, from the packaged file or an admin's copy."""
    try:
        if path is None:
            text = resources.files("licensebot.index").joinpath("data/aliases.yaml").read_text("utf-8")
        else:
            text = path.read_text("utf-8")
        data = yaml.safe_load(text) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SourceError(f"cannot read the aliases file {path or 'aliases.yaml'}: {exc}") from exc
    out = Aliases()
    for section, table in (("licenses", out.licenses), ("models", out.models)):
        for phrase, keys in (data.get(section) or {}).items():
            if isinstance(keys, str):
                keys = [keys]
            table.setdefault(str(phrase), []).extend(str(k) for k in keys or [])
    return out


def _extends(longer: str, shorter: str) -> bool:
    """"llama 4" extends "llama"; "llama" does not extend itself."""
    a, b = longer.split(), shorter.split()
    return len(a) > len(b) and a[: len(b)] == b


class NameIndex:
    """Finds the licenses a question names, indexed or not, and the names it cannot place."""

    def __init__(
        self,
        catalog: Catalog,
        aliases: Aliases,
        indexed: Collection[str] = (),
        common_words: Collection[str] = (),
    ) -> None:
        """``common_words`` are words too frequent in the corpus to name a license alone (a
        LicenseDB key such as "commercial-license" must not capture every question about
        commercial use); curated aliases are exempt."""
        self.catalog = catalog
        self.indexed = frozenset(indexed)
        strong: dict[tuple[str, ...], set[str]] = {}
        weak: dict[tuple[str, ...], set[str]] = {}
        families: dict[tuple[str, ...], set[str]] = {}
        for key, entry in catalog.entries.items():
            s, w, f = _names_of(key, entry.name, entry.short_name, *entry.spdx)
            for table, names in ((strong, s), (weak, w), (families, f)):
                for name in names:
                    table.setdefault(tuple(name.split()), set()).add(key)
        keys = sorted(catalog.entries)
        for phrase, patterns in aliases.items():
            matched = {k for p in patterns for k in keys if k == p or fnmatch.fnmatchcase(k, p)}
            words = tuple(normalize(phrase).split())
            if matched and words:
                strong.setdefault(words, set()).update(matched)
                # "Llama 5" is a license version the index lacks; "Mistral-7B-Instruct-v0.3" is
                # a model's own version: only license names make families.
                if phrase in aliases.licenses and not any(_VERSION.match(w) for w in words):
                    families.setdefault(words, set()).update(matched)
        common = set(common_words)
        for phrase_words, keys_of_name in weak.items():
            if phrase_words in strong:  # an alias adds to what the titles name, it does not replace it
                strong[phrase_words] |= keys_of_name
        for phrase_words, keys_of_name in families.items():
            weak.setdefault(phrase_words, set()).update(keys_of_name)
        self._strong = {n: frozenset(k) for n, k in strong.items()}
        # A weak name made only of common words would capture ordinary questions.
        self._weak = {
            n: frozenset(k) for n, k in weak.items() if n not in self._strong and not all(w in common for w in n)
        }
        self._weak_common = {
            n: frozenset(k) for n, k in weak.items() if n not in self._strong and all(w in common for w in n)
        }
        self._families = {n: frozenset(k) for n, k in families.items()}
        self._max_len = max((len(n) for n in (*self._strong, *self._weak, *self._weak_common)), default=0)

    def _lookup(self, words: tuple[str, ...], licensed: bool, written_as_name: bool) -> frozenset[str] | None:
        """A strong name always counts; a weak one next to a license word, or (a single word)
        written like a name ("WTFPL", "ODbL"): "artistic" alone is an adjective."""
        found = self._strong.get(words)
        if found is None and (len(words) > 1 or licensed or written_as_name):
            found = self._weak.get(words)
        if found is None and licensed:
            found = self._weak_common.get(words)
        return found

    def find(self, question: str) -> NameMatch:
        tokens = _tokens_with_spans(question)
        words = [t for t, _, _ in tokens]
        spans: list[tuple[int, int, tuple[str, ...], frozenset[str]]] = []
        for i in range(len(words)):
            for n in range(min(self._max_len, len(words) - i), 0, -1):
                name = tuple(words[i : i + n])
                near = set(words[max(0, i - 3) : i]) | set(words[i + n : i + n + 2])
                written = question[tokens[i][1] : tokens[i + n - 1][2]]
                as_name = sum(ch.isupper() for ch in written) >= 2
                found = self._lookup(name, licensed=bool(near & LICENSE_WORDS), written_as_name=as_name)
                if found is not None:
                    spans.append((i, i + n, name, found))
        # Longest first, then one that ends in a version ("Meta Llama 3.1": "llama 3.1", not the
        # family "meta llama" followed by a version it lacks), then leftmost; drop matches inside
        # an already chosen one.
        spans.sort(key=lambda s: (-(s[1] - s[0]), not _VERSION.match(s[2][-1]), s[0]))
        taken: list[tuple[int, int]] = []
        chosen: list[tuple[int, int, tuple[str, ...], frozenset[str]]] = []
        for start, end, name, docs in spans:
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            chosen.append((start, end, name, docs))
        unknown: list[Unknown] = []
        for start, end, name, _docs in list(chosen):
            # "Llama 5", "GPL-4.0": a family the catalog knows, with a version it does not.
            known_version = end < len(words) and name + (words[end],) in self._strong
            if end < len(words) and _VERSION.match(words[end]) and name in self._families and not known_version:
                written = question[tokens[start][1] : tokens[end][2]]
                unknown.append(Unknown(written, "version", tuple(sorted(self._families[name]))))
                chosen.remove((start, end, name, _docs))
        ordered = sorted(chosen)
        mentions = [Mention(" ".join(name), self._with_base(docs)) for _, _, name, docs in ordered]
        # "Under [the] <name>, ...": the name opens the question.
        opening = mentions[0] if ordered and ordered[0][0] <= 2 and _UNDER.match(question) else None
        # "Llama 2 ... not Llama": the versioned name says which one; drop the family name.
        # Likewise "the Llama name ... under the Llama 4 license": "llama 4" extends "llama", even
        # where a catalog lists a document under the versioned name only.
        mentions = [
            m for m in mentions
            if not any(o is not m and (set(o.docs) < set(m.docs) or _extends(o.phrase, m.phrase)) for o in mentions)
        ]
        # Any catalog name inside a license-like phrase makes it known ("the Apache License").
        covered = [(tokens[s][1], tokens[e - 1][2]) for s, e, _, _ in spans]
        unknown += self._unknown_names(question, covered, unknown)
        subject: tuple[str, ...] = ()
        if opening is not None and len(mentions) > 1:
            subject = tuple(d for d in opening.docs if d in self.indexed)
        return NameMatch(tuple(mentions), tuple(unknown), self.indexed, subject)

    def _with_base(self, docs: frozenset[str]) -> tuple[str, ...]:
        """"GPL-3.0-or-later" (gpl-3.0-plus) is GPL-3.0's text with permission to use later
        versions: when only the base license is indexed, it is what the question is about."""
        extra = {d.removesuffix("-plus") for d in docs if d.endswith("-plus")}
        if not docs & self.indexed and extra & self.indexed:
            docs = docs | (extra & self.indexed)
        return tuple(sorted(docs))

    @staticmethod
    def _unknown_names(question: str, covered: list[tuple[int, int]], found: list[Unknown]) -> list[Unknown]:
        """License- and model-like names in the question that no catalog entry covers."""
        out: list[Unknown] = []

        def overlaps(start: int, end: int) -> bool:
            return any(start < e and s < end for s, e in covered) or any(u.phrase in question[start:end]
                                                                        for u in found)

        for m in _LICENSE_LIKE.finditer(question):
            words = m.group(1).split()
            while words and words[0].lower() in _NOT_NAMES:
                words.pop(0)
            if not words or words[0].lower() in ("license", "licence", "agreement"):
                continue
            phrase = " ".join(words)
            start = m.end(1) - len(phrase)
            if not overlaps(start, m.end(1)):
                out.append(Unknown(phrase, "license"))
        for m in _MODEL_LIKE.finditer(question):
            if not overlaps(m.start(1), m.end(1)):
                out.append(Unknown(m.group(1), "model"))
        return out

    @classmethod
    def from_chunks(cls, chunks: Iterable[Chunk], aliases: Aliases, licensedb: Path | None = None) -> NameIndex:
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
        catalog = Catalog.build(licensedb, titles.items())
        return cls(catalog, aliases, indexed=titles, common_words=common)
