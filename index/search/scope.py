"""Which documents a question is searched in, from the names it uses.

- A question that names documents ("Llama 3.1", "MNPL", "Codestral") searches only those; with
  several versions and none named, the newest. A license the question takes a named model's for
  ("Kimi K2, the usual MIT stuff?") is not searched: the model's own terms answer.
- A question about what people said ("forum thread", "article") searches the discussions, with
  the licenses it names.
- A question about a policy ("does Meta's policy allow that?") of a family that has a license and
  a separate use policy (Llama 4, Gemma) puts the policy first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from licensebot.index.search.keyword import tokenize
from licensebot.index.search.names import asks_about_discussions
from licensebot.index.search.query import Query
from licensebot.index.search.snapshot import Snapshot

_TAKEN_FOR = re.compile(
    r"\busual\b|\b(?:is it|isn[’']?t it|it[’']?s|it is)\s+(?:just|basically|simply|plain)\b",
    re.IGNORECASE,
)


_ASKS_POLICY = re.compile(r"\bpolic(?:y|ies)\b|\bAUP\b|\bPUP\b", re.IGNORECASE)
_POLICY_TITLE = re.compile(r"\bpolicy\b", re.IGNORECASE)
_LICENSE_TITLE = re.compile(r"\b(?:licen[cs]e|agreement|terms)\b", re.IGNORECASE)


def _policies(query: Query, snapshot: Snapshot, scope: set[str]) -> set[str]:
    """The use policies among ``scope`` when the question asks about a policy and the scope also
    holds the license beside them: "Does Google's prohibited use policy allow that?" is answered by
    the Prohibited Use Policy, not by the Terms of Use that incorporate it. A title naming both
    ("... License Agreement with Acceptable Use Policy") is one document, not a sibling."""
    if not _ASKS_POLICY.search(query.text):
        return set()
    titles = {d: snapshot.doc_chunks(d)[0].title for d in scope if snapshot.doc_chunks(d)}
    policies = {d for d, t in titles.items() if _POLICY_TITLE.search(t) and not _LICENSE_TITLE.search(t)}
    return policies if policies and policies != set(titles) else set()


def takes_for(question: str) -> bool:
    """Does a question that names a model and a license take the model's license for that one,
    or for it and more ("Kimi K2, it's the usual MIT stuff, right?", "anything beyond the usual
    MIT notice?")? Then the model's own terms answer, not the license it is taken for."""
    return bool(_TAKEN_FOR.search(question))


@dataclass(frozen=True)
class Scope:
    docs: frozenset[str] | None
    """The documents searched (None: everything indexed)."""
    boost: frozenset[str] = field(default_factory=frozenset)
    """Documents whose chunks get a small fusion boost."""
    preferred: frozenset[str] = field(default_factory=frozenset)
    """Newest versions chosen for a name that matched several versions."""
    about_discussions: bool = False
    titled: frozenset[str] = field(default_factory=frozenset)
    """Question terms that name a document searched by its title ("Google's prohibited use
    policy"): like a license's name, they say nothing about which of its clauses answers."""


def scope_of(query: Query, snapshot: Snapshot) -> Scope:
    named = query.named
    kinds = snapshot.documents
    discussions = {d for d, kind in kinds.items() if kind == "discussion"}
    scope: set[str] | None = None
    names_a_license = any(kinds.get(d) == "license" for d in named.docs)
    about_discussions = asks_about_discussions(query.text, names_a_license=names_a_license) and bool(discussions)
    if about_discussions:
        # What people said about a named license is searched with the license itself; the
        # discussions lead (boosted), the terms are there to quote beside them.
        scope = discussions | set(named.docs)
        boost_docs = (set(named.docs) & discussions) or discussions
    else:
        boost_docs = set()
        if named.docs:
            scope = set(named.docs)
            models = [m for m in named.mentions if m.kind != "license"]
            if models and len(models) < len(named.mentions) and takes_for(query.question):
                scope = {d for m in models for d in m.docs}
    if scope is not None and not boost_docs:
        # "MIT" names mit; mit-1995 and vince are other texts that LicenseDB also calls MIT.
        for variants in named.exact().values():
            scope -= variants
    preferred = frozenset(named.newest_unversioned()) if scope is not None else frozenset()
    if preferred and scope is not None and not boost_docs:
        # A name without a version ("ChatGPT", "Gemma") is answered from the newest version of
        # each license it names, as the answer then says; older versions are not searched.
        older = {d for m in named.mentions for d in m.docs if d in named.indexed} & scope
        older -= {d for m in named.mentions if len([x for x in m.docs if x in named.indexed]) == 1 for d in m.docs}
        scope -= older - preferred
    boost = boost_docs | set(preferred) | (set(named.subject) & scope if scope is not None else set())
    titled: set[str] = set()
    if scope is not None and not boost_docs and (policies := _policies(query, snapshot, scope)):
        # The policy gets the edge that the newest version or the stated license would have had.
        boost = (boost - scope) | policies
        titled = {w for d in policies for w in tokenize(snapshot.doc_chunks(d)[0].title)} & set(query.tokens)
    return Scope(
        docs=frozenset(scope) if scope is not None else None,
        boost=frozenset(boost),
        preferred=preferred,
        about_discussions=about_discussions,
        titled=frozenset(titled),
    )
