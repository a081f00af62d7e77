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
from dataclasses import dataclass
from pathlib import Path

from licensebot.index.documents import Chunk
from licensebot.index.search.aliases import Aliases
from licensebot.index.search.match import Mention, NameMatch, Unknown
from licensebot.index.search.stated import stated_missing, stated_subject
from licensebot.index.search.unknown_names import HUB_ID, unknown_names
from licensebot.index.sources import Catalog
from licensebot.index.sources.models import ModelEntry, from_model_pages, pick_period
from licensebot.index.text.name_forms import (
    GENERIC,
    VERSION,
    canonical_version,
    names_of,
    normalize,
    strip_generic,
    tokens_with_spans,
)

LICENSE_WORDS = frozenset("license licence licensed licenses licences terms agreement eula policy".split())
_UNDER = re.compile(r"\W*(?:under|per|according to)\b", re.IGNORECASE)
_DISCUSSION_WORDS = re.compile(
    r"\b(forum|threads?|discussions?|discussed|comments?|commenters?|"
    r"(?:people|users|developers|commenters|community) (?:say|said|think|thought|argue|argued|claim)|"
    r"argued?|argue|debate|opinions?|criticism|critics)\b",
    re.IGNORECASE,
)
_WEAK_DISCUSSION_WORDS = re.compile(r"\b(articles?|blog|posts?|news)\b", re.IGNORECASE)
""""What did the article say?" asks for a discussion; "if we adapt a CC BY-SA article" does not."""
_REPORTED = re.compile(
    r"\baccording to (?:the|that|this) (?:\w+ ){0,2}(?:articles?|blog|posts?|news|piece|write-?up)\b"
    r"|\b(?:articles?|blog|posts?|news|piece)\b[^.?!]{0,60}\b(?:says?|said|claims?|argues?|argued|mentions?|points? out"
    r"|reports?|reported|explains?|describes?)\b",
    re.IGNORECASE,
)
"""What an article says, even one about a named license ("According to the news article, why do
small companies prefer licenses like Apache 2.0?")."""
def asks_about_discussions(question: str, *, names_a_license: bool = False) -> bool:
    """Does the question ask what people said (forum threads, articles) rather than the terms?
    Words like "article" or "post" count when no license is named, or when the question asks what
    the article says."""
    if _DISCUSSION_WORDS.search(question) or _REPORTED.search(question):
        return True
    return not names_a_license and bool(_WEAK_DISCUSSION_WORDS.search(question))












def _dates(words: Sequence[str]) -> tuple[str, ...]:
    """"2023" for a year, "202303" for a year and its month (as normal forms write them)."""
    out = []
    for i, w in enumerate(words):
        if re.fullmatch(r"(?:19|20)\d\d", w):
            month = words[i + 1] if i + 1 < len(words) and re.fullmatch(r"\d\d", words[i + 1]) else ""
            out.append(w + month)
    return tuple(out)


_ROLE_SUFFIXES = frozenset("chat instruct base it hf diffusers gguf awq gptq fp8 bf16 int4 int8".split())
"""Words a model id ends with that name a build of the model, not another model."""


def _model_names(models: Sequence[ModelEntry]) -> dict[tuple[str, ...], tuple[ModelEntry, ...]]:
    """Normal-form names -> the entries (license periods) they name. Curated entries come first
    and win; a name also counts without its build words ("stablelm 2 12b" for "...-12b-chat"),
    unless that shorter name would point at another license."""
    table: dict[tuple[str, ...], tuple[ModelEntry, ...]] = {}
    names = [tuple(normalize(phrase).split()) for m in models for phrase in m.match]
    owners = [m for m in models for _ in m.match]
    for words, model in zip(names, owners, strict=True):
        known = table.get(words, ())
        if words and model not in known and (not known or known[0].name == model.name):
            table[words] = (*known, model)
    shorter: dict[tuple[str, ...], set[tuple[str | None, ...]]] = {}
    by_short: dict[tuple[str, ...], tuple[ModelEntry, ...]] = {}
    for words, entries in table.items():
        cut = list(words)
        while len(cut) > 1 and cut[-1] in _ROLE_SUFFIXES:
            cut.pop()
            key = tuple(cut)
            if key not in table:
                shorter.setdefault(key, set()).add(tuple(e.license for e in entries))
                by_short.setdefault(key, entries)
    table.update({k: by_short[k] for k, licenses in shorter.items() if len(licenses) == 1})
    return table


@dataclass(frozen=True)
class _Span:
    """Words ``start:end`` of a question that name ``docs`` (a license name, or a model's)."""

    start: int
    end: int
    name: tuple[str, ...]
    docs: frozenset[str]
    model: ModelEntry | None = None
    rank: int = 2
    """0 a curated license name, 1 a model or product, 2 a name derived from the LicenseDB."""


def _extends(longer: str, shorter: str) -> bool:
    """"llama 4" extends "llama"; "llama" does not extend itself."""
    a, b = longer.split(), shorter.split()
    return len(a) > len(b) and a[: len(b)] == b


_JOINS = frozenset({"with", "plus", "+", "w"})


def attached(gap: str) -> bool:
    """Do the words between two names write one onto the other ("with the", "plus", "+", "w/")?
    Not across a sentence, and not "and" ("GPL-3.0 and the Commons Clause" are two)."""
    if re.search(r"[.?!;:]", gap):
        return False
    if not gap.strip():
        return True  # "GPL-2.0 plus" read as one name, then the rider
    words = re.findall(r"[\w+]+", gap.lower())
    return len(words) <= 3 and any(w in _JOINS for w in words)


class NameIndex:
    """Finds the licenses a question names, indexed or not, and the names it cannot place."""

    def __init__(
        self,
        catalog: Catalog,
        aliases: Aliases,
        indexed: Collection[str] = (),
        common_words: Collection[str] = (),
        models: Sequence[ModelEntry] = (),
    ) -> None:
        """``common_words`` are words too frequent in the corpus to name a license alone (a
        LicenseDB key such as "commercial-license" must not capture every question about
        commercial use); curated aliases are exempt. ``models``: model and product names."""
        self.catalog = catalog
        self.indexed = frozenset(indexed)
        strong: dict[tuple[str, ...], set[str]] = {}
        weak: dict[tuple[str, ...], set[str]] = {}
        families: dict[tuple[str, ...], set[str]] = {}
        spdx: dict[tuple[str, ...], set[str]] = {}
        for key, entry in catalog.entries.items():
            # A key without its date is no name ("llama-license-2023" is not "the Llama license").
            for forms in (names_of(key.replace("-", " "), undated=False),
                          names_of(entry.name, entry.short_name, *entry.spdx)):
                for table, names in zip((strong, weak, families), forms, strict=True):
                    for name in names:
                        table.setdefault(tuple(name.split()), set()).add(key)
            for spdx_id in entry.spdx:
                spdx.setdefault(tuple(normalize(spdx_id).split()), set()).add(key)
        # An SPDX id means its license, whatever ScanCode key looks like it: "BSL-1.0" is Boost
        # (boost-1.0), not the Business Source License 1.0 that ScanCode keys bsl-1.0.
        # A one-word id that is an ordinary word ("LOOP", "Clips") stays a weak name.
        for words, keys_of_id in spdx.items():
            if len(words) > 1 or any(ch.isdigit() for ch in words[0]):
                strong[words] = set(keys_of_id)
        keys = sorted(catalog.entries)
        curated: set[tuple[str, ...]] = set()
        for phrase, patterns in aliases.items():
            matched = {k for p in patterns for k in keys if k == p or fnmatch.fnmatchcase(k, p)}
            words = tuple(normalize(phrase).split())
            if matched and words:
                # A curated name means what it says, not also what a ScanCode key spells the same
                # way ("llama 4 license" is the license, not the key llama-4-license-2025, a policy).
                strong[words] = (strong[words] if words in curated else set()) | matched
                curated.add(words)
                # "Llama 5" is a license version the index lacks; "Mistral-7B-Instruct-v0.3" is
                # a model's own version: only license names make families.
                if phrase in aliases.licenses and not any(VERSION.match(w) for w in words):
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
        self._curated = frozenset(curated)
        # A maker's name alone ("NVIDIA", "Salesforce") is no license name without a license word.
        self._makers = frozenset(normalize(m.vendor) for m in models if m.vendor and " " not in normalize(m.vendor))
        self._models = _model_names([*models, *(m for key, e in catalog.entries.items()
                                                 for m in from_model_pages(key, e.model_urls))])
        self._max_len = max(
            (len(n) for n in (*self._strong, *self._weak, *self._weak_common, *self._models)), default=0
        )

    def _lookup(self, words: tuple[str, ...], licensed: bool, written_as_name: bool) -> frozenset[str] | None:
        """A strong name always counts; a weak one next to a license word, or (a single word)
        written like a name ("WTFPL", "ODbL"): "artistic" alone is an adjective."""
        found = self._strong.get(words)
        if found is None and len(words) == 1 and words[0] in self._makers and not licensed:
            return None
        if found is None and (len(words) > 1 or licensed or written_as_name):
            # Generic words count on neither side: "Gretel.AI Source Available License v1.0" is
            # ScanCode's "Gretel.AI Source Available License Agreement v1.0".
            found = self._weak.get(words)
            stripped = tuple(strip_generic(words))
            inside = words[0] not in GENERIC and words[-1] not in GENERIC
            if found is None and inside and stripped != words and (len(stripped) > 1 or licensed or written_as_name):
                found = self._weak.get(stripped)
        if found is None and licensed:
            found = self._weak_common.get(words)
        return found

    def find(self, question: str) -> NameMatch:
        tokens = tokens_with_spans(question)
        words = [t for t, _, _ in tokens]
        spans: list[_Span] = []
        for i in range(len(words)):
            for n in range(min(self._max_len, len(words) - i), 0, -1):
                name = tuple(words[i : i + n])
                near = set(words[max(0, i - 3) : i]) | set(words[i + n : i + n + 2])
                written = question[tokens[i][1] : tokens[i + n - 1][2]]
                as_name = sum(ch.isupper() for ch in written) >= 2
                found = self._lookup(name, licensed=bool(near & LICENSE_WORDS), written_as_name=as_name)
                if found is not None:
                    spans.append(_Span(i, i + n, name, found, rank=0 if name in self._curated else 2))
                if name in self._models:
                    # "Elasticsearch 7.10": the version after a product's name picks its period.
                    version = words[i + n] if i + n < len(words) and VERSION.match(words[i + n]) else None
                    model = pick_period(self._models[name], version)
                    spans.append(_Span(i, i + n, name, frozenset(model.licenses), model=model, rank=1))
        # Longest first; of the same words, a curated license name, then a model or product, then a
        # name derived from the LicenseDB ("Node.js" the product, not ScanCode's "node-js"); then one
        # that ends in a version ("Meta Llama 3.1": "llama 3.1", not the family "meta llama"
        # followed by a version it lacks), then leftmost; drop matches inside an already chosen one.
        spans.sort(key=lambda s: (-(s.end - s.start), s.rank, not VERSION.match(s.name[-1]), s.start))
        # "deepseek-ai/Janus-Pro-7B": a hub id is one name; its organisation is not a license name.
        orgs = [(m.start(1), m.start(1) + m.group(1).index("/")) for m in HUB_ID.finditer(question)]
        spans = [s for s in spans if not any(a <= tokens[s.start][1] and tokens[s.end - 1][2] <= b for a, b in orgs)]
        chosen: list[_Span] = []
        for span in spans:
            if not any(span.start < c.end and c.start < span.end for c in chosen):
                chosen.append(span)
        unknown: list[Unknown] = []
        for span in list(chosen):
            start, end, name = span.start, span.end, span.name
            if span.model is not None:
                continue
            # "Llama 5", "GPL-4.0": a family the catalog knows, with a version it does not.
            known_version = end < len(words) and name + (words[end],) in self._strong
            if end < len(words) and VERSION.match(words[end]) and name in self._families and not known_version:
                chosen.remove(span)
                member = self._member(name, words[end])
                if member is not None:
                    # "RAIL Source Code License 1.0": the one version of the family with that number.
                    chosen.append(_Span(start, end + 1, (*name, words[end]), frozenset({member})))
                    continue
                written = question[tokens[start][1] : tokens[end][2]]
                unknown.append(Unknown(written, "version", tuple(sorted(self._families[name]))))
        # A product's license period may be named beside it: its license, or a date.
        others = {d for c in chosen if c.model is None for d in c.docs}
        dates = _dates(words)
        chosen = [c if c.model is None else self._in_period(c, words, others, dates) for c in chosen]
        ordered = sorted(chosen, key=lambda s: (s.start, s.end))
        mentions = [self._mention(question, tokens, span) for span in ordered]
        # "Under [the] <name>, ...": the name opens the question.
        opening = mentions[0] if ordered and ordered[0].start <= 2 and _UNDER.match(question) else None
        # "Llama 2 ... not Llama": the versioned name says which one; drop the family name.
        # Likewise "the Llama name ... under the Llama 4 license": "llama 4" extends "llama", even
        # where a catalog lists a document under the versioned name only.
        mentions = [
            m for m in mentions
            if not any(o is not m and ((o.docs and set(o.docs) < set(m.docs)) or _extends(o.phrase, m.phrase))
                       for o in mentions)
        ]
        # Any catalog name inside a license-like phrase makes it known ("the Apache License").
        covered = [(tokens[s.start][1], tokens[s.end - 1][2]) for s in spans]
        unknown += unknown_names(question, covered, unknown)
        # "Apache-2.0 with the Commons Clause": the rider changes what its base allows, so what
        # the two allow together is in the rider's clauses first.
        riders = self._riders(question, mentions)
        subject = tuple(d for d in riders if d in self.indexed)
        if not subject and opening is not None and len(mentions) > 1:
            subject = tuple(d for d in opening.docs if d in self.indexed)
        if not subject and len(mentions) > 1:
            subject = stated_subject(question, mentions, self.indexed)
        missing = stated_missing(question, mentions, unknown, self.indexed)
        return NameMatch(tuple(mentions), tuple(unknown), self.indexed, subject, dates, riders, missing)

    def _riders(self, question: str, mentions: Sequence[Mention]) -> tuple[str, ...]:
        """The riders (indexed or not) written onto a base license named beside them ("X with
        the Y", "X plus Y", "Y + X")."""
        out: list[str] = []
        for first, second in zip(mentions, mentions[1:], strict=False):
            if first.at < 0 or second.at < 0 or not attached(question[first.at + len(first.written):second.at]):
                continue
            for rider, base in ((second, first), (first, second)):
                if any(self._is_rider(d) for d in base.docs):
                    continue
                out += [d for d in rider.docs if self._is_rider(d) and d not in out]
        return tuple(out)

    def _is_rider(self, doc: str) -> bool:
        entry = self.catalog.get(doc)
        return entry is not None and entry.rider

    def _in_period(self, span: _Span, words: Sequence[str], licenses: Collection[str], dates: Sequence[str]) -> _Span:
        """``span`` naming the license period of its product the question means."""
        version = words[span.end] if span.end < len(words) and VERSION.match(words[span.end]) else None
        model = pick_period(self._models[span.name], version, licenses=licenses, dates=dates)
        return _Span(span.start, span.end, span.name, frozenset(model.licenses), model, span.rank)

    def _member(self, family: tuple[str, ...], version: str) -> str | None:
        """The one key of ``family`` whose own version number is ``version``, if exactly one."""
        found = [k for k in self._families[family]
                 if version in {canonical_version(v) for v in re.findall(r"\d+(?:\.\d+)*", k)}]
        return found[0] if len(found) == 1 else None

    def _mention(self, question: str, tokens: Sequence[tuple[str, int, int]], span: _Span) -> Mention:
        at = tokens[span.start][1]
        written = question[at : tokens[span.end - 1][2]]
        phrase = " ".join(span.name)
        if span.model is None:
            return Mention(phrase, self._with_base(span.docs), written=written, at=at)
        model = span.model
        return Mention(phrase, model.licenses, model.kind, model, written, self._models[span.name], at)

    def _with_base(self, docs: frozenset[str]) -> tuple[str, ...]:
        """"GPL-3.0-or-later" (gpl-3.0-plus) is GPL-3.0's text with permission to use later
        versions: when only the base license is indexed, it is what the question is about."""
        extra = {d.removesuffix("-plus") for d in docs if d.endswith("-plus")}
        if not docs & self.indexed and extra & self.indexed:
            docs = docs | (extra & self.indexed)
        return tuple(sorted(docs))

    @classmethod
    def from_chunks(
        cls,
        chunks: Iterable[Chunk],
        aliases: Aliases,
        licensedb: Path | None = None,
        models: Sequence[ModelEntry] = (),
    ) -> NameIndex:
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
        return cls(catalog, aliases, indexed=titles, common_words=common, models=models)
