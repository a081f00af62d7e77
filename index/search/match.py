"""What a question names: the licenses, models and products found in it (``Mention``), the names
no catalog has (``Unknown``), and what the search makes of them (``NameMatch``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from licensebot.index.sources.models import ModelEntry
from licensebot.index.text.name_forms import version_key


@dataclass(frozen=True)
class Mention:
    phrase: str
    docs: tuple[str, ...]
    """Every key the phrase names, indexed or not (for a model: the license(s) covering it)."""
    kind: Literal["license", "model", "product"] = "license"
    model: ModelEntry | None = None
    """For a model or product: the entry (the license period) the question means."""
    written: str = ""
    """The name as the question writes it."""
    periods: tuple[ModelEntry, ...] = ()
    """For a product whose license changed: every period, ``model`` among them."""
    at: int = -1
    """Where in the question the name is written (a character offset; -1: not from a question)."""


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
    dates: tuple[str, ...] = ()
    """Years and year-months the question names ("2023", "202303" for "March 2023"): they say which
    dated version of a license is meant."""
    riders: tuple[str, ...] = ()
    """Riders, indexed or not, written onto a base license the question names ("Apache-2.0 with
    the Commons Clause"): the two are one set of terms."""
    stated_missing: bool = False
    """The thing asked about is said to be under a license the index does not hold ("a connector
    licensed under the Confluent Community License"): its clauses, not others, would answer."""

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
            if len(docs) < 2 or m.model is not None:
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
            # A model's licenses are each part of its terms, not versions of one another.
            if len(docs) > 1 and not exact.keys() & set(docs) and m.model is None:
                families: dict[str, list[str]] = {}
                for d in docs:
                    families.setdefault(re.sub(r"[\d.-]+", "-", d).strip("-"), []).append(d)
                for members in families.values():
                    dated = [d for d in members if any(date in re.sub(r"\D", "", d) for date in self.dates)]
                    newest.add(max(dated or members, key=version_key))
        return newest
