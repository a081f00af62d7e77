"""Which of several named licenses a question is asked under, when the asker says so in passing.

- A license the thing *is* under: "a Stable Diffusion finetune ships under FAIPL-1.0-SD",
  "a library licensed under the MPL-2.0", "the model is released under the NVIDIA Open Model
  License". The asker has read the model card; that license's clauses hold the answer, whatever
  license the model's family is otherwise known by.
- A license the asker *wants to move to* is not: "can we release our StarCoder fine-tune under
  Apache-2.0?", "may we relicense it under GPL-3.0?". The answer is in the terms the thing is under
  now: those of the one other name the question uses (StarCoder's BigCode OpenRAIL-M).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from licensebot.index.search.match import Mention, Unknown

_IS_UNDER = re.compile(
    r"\b(?:(?:ships?|shipped|comes?|came|licen[sc]ed|released|distributed|published|offered|provided|available)"
    r"\s+under|(?:is|are|was|were)\s+under)\s+(?:the\s+|a\s+|an\s+)?$",
    re.IGNORECASE,
)
"""Ends the text before a license name that says what the thing is under now ("ships under",
"is licensed under"; not "is allowed under", which asks what the license allows)."""
_ASKERS = re.compile(r"^\W*(?:we|i)\b|^\W*(?:our|my)\s+(?!(?:vendor|supplier|partner|customer|client|contractor|"
                     r"provider)s?['’])(?:[\w'’-]+\s+){0,2}?(?:is|are|was|were|ships?|comes?|licen[sc]ed|released|"
                     r"distributed|published|offered|provided|available)\b", re.IGNORECASE)
"""A sentence whose subject is the asker's own work ("we ship under GPL-3.0", "our app is released
under MIT", "our team's app is ..."): the license said in passing is theirs, and the other one is
what they ask about. "Our vendor's library is licensed under ..." and "the model we downloaded
is ..." are someone else's."""
_TAKES = re.compile(
    r"^\W*(?:we|i)\b(?:['’]\w+)?\s+(?:\w+\s+){0,3}?(?:use|using|embed\w*|integrat\w*|add|adding|bundl\w*|"
    r"evaluat\w*|try|trying|tried|buy\w*|bought|download\w*|found|consider\w*|look\w* at|fine-?tun\w*|"
    r"depend\w* on|pull\w* in)\b",
    re.IGNORECASE,
)
"""The asker taking in someone else's work ("we want to embed a connector licensed under X", "we are
evaluating a fine-tune released under X"): X is that work's license, not the asker's."""
_ASKS = re.compile(r"^\W*(?:can|could|may|might|must|shall|should|will|would|is|are|was|were|do|does|did|has|have|"
                   r"what|which|who|whom|whose|why|when|where|how|if)\b", re.IGNORECASE)
"""A sentence that is the question itself ("Can it be used in a product that is under X?")."""
_WANTS = re.compile(
    r"\b(?:can|could|may|might|should|want|wants|plan|plans|going)\b(?:\W+\w+){0,8}?\W+"
    r"(?:(?:re-?licen[sc]e\w*|change\s+(?:\w+\s+){0,2}?licen[sc]e\w*)(?:\W+\w+){0,8}?\W+(?:under|to|as)"
    r"|(?:release|publish|distribute|offer|license)\w*(?:\W+\w+){0,8}?\W+(?:under|as))"
    r"(?:\W+\w+){0,7}?\W+$",
    re.IGNORECASE,
)
"""Ends the text before a license name the asker would like the thing to be under ("can we
release our fine-tune under a license we pick, say", "may we relicense GPL-3.0 code under the")."""
_SENTENCE_END = re.compile(r"[.?!;](?:\s|$)|\n")
MAX_LOOKBACK = 300
"""Characters before a name that are read (its own sentence, at most this long): the patterns
run once per name, and a question may be long."""


def _before(question: str, at: int) -> str:
    """The text of ``at``'s sentence before it (a dot inside a name, "GPL-3.0", does not end one)."""
    text = question[max(0, at - MAX_LOOKBACK) : at]
    ends = list(_SENTENCE_END.finditer(text))
    return text[ends[-1].end() :] if ends else text


def _said_under(question: str, at: int, *, taken: bool = False) -> bool:
    """Is the license name at ``at`` what someone else's thing is under now ("the vendor's library
    is licensed under X", not "we ship under X" or "can it be used under X?")? ``taken``: also when
    the asker takes that thing in ("we want to embed a connector licensed under X")."""
    before = _before(question, at)
    if not before or not _IS_UNDER.search(before) or _ASKS.search(before):
        return False
    return not _ASKERS.search(before) or (taken and bool(_TAKES.search(before)))


def stated_missing(question: str, mentions: Sequence[Mention], unknown: Sequence[Unknown],
                   indexed: Collection[str]) -> bool:
    """Does the question say the thing it asks about is under a license the index does not hold
    ("a Kafka connector licensed under the Confluent Community License")? Then that license, not
    the one its product or family is otherwise known by, holds the answer, and it cannot be quoted."""
    missing = [m.at for m in mentions if m.kind == "license" and m.at >= 0 and not any(d in indexed for d in m.docs)]
    missing += [question.find(u.phrase) for u in unknown if u.kind in ("license", "version")]
    return any(at > 0 and _said_under(question, at, taken=True) for at in missing)


def stated_subject(question: str, mentions: Sequence[Mention], indexed: Collection[str]) -> tuple[str, ...]:
    """The indexed documents of the license the question says the thing is under, else of the one
    other name beside a license the asker wants to move to; () when the question says neither."""
    for m in mentions:
        if m.kind == "license" and m.at >= 0 and _said_under(question, m.at):
            docs = tuple(d for d in m.docs if d in indexed)
            if docs:
                return docs
    wanted = [m for m in mentions if m.at >= 0 and _WANTS.search(_before(question, m.at))]
    rest = [m for m in mentions if m not in wanted]
    if len(wanted) == 1 and len(rest) == 1:
        return tuple(d for d in rest[0].docs if d in indexed)
    return ()
