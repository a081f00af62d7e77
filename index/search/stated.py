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

from licensebot.index.search.match import Mention

_IS_UNDER = re.compile(
    r"\b(?:ships?|shipped|is|are|was|were|comes?|came|been|licen[sc]ed|released|distributed|published|"
    r"offered|provided|available|covered)\s+(?:\w+\s+){0,2}?(?:under|by)\s+(?:the\s+|a\s+|an\s+)?$",
    re.IGNORECASE,
)
"""Ends the text before a license name that says what the thing is under now."""
_OURS = re.compile(r"\b(?:we|our\s+\w+)\s+(?:\w+\s+){0,2}?(?:under|by)\s+(?:the\s+|a\s+|an\s+)?$", re.IGNORECASE)
"""... unless the thing is the asker's own ("we ship under GPL-3.0", "our app is under MIT"): then
the other license, the one asked about, is what the question is about (a pair, when two)."""
_WANTS = re.compile(
    r"\b(?:can|could|may|might|should|shall|want|wants|plan|plans|going|allowed|ok|okay)\b(?:\W+\w+){0,12}?\W+"
    r"(?:re-?licen[sc]e|release|publish|distribute|ship|offer|put|license|take|switch|move|change)\b"
    r"(?:[^.?!]|\.(?=\w))*\b(?:under|to|as)\b(?:[^.?!]|\.(?=\w))*$",
    re.IGNORECASE,
)
"""Ends the text before a license name the asker would like the thing to be under (within one
sentence: a dot inside a name, "Qwen2.5", "GPL-3.0", does not end it)."""


def stated_subject(question: str, mentions: Sequence[Mention], indexed: Collection[str]) -> tuple[str, ...]:
    """The indexed documents of the license the question says the thing is under, else of the one
    other name beside a license the asker wants to move to; () when the question says neither."""
    licenses = [m for m in mentions if m.kind == "license" and m.at >= 0]
    for m in licenses:
        if _IS_UNDER.search(question[: m.at]) and not _OURS.search(question[: m.at]):
            docs = tuple(d for d in m.docs if d in indexed)
            if docs:
                return docs
    wanted = [m for m in mentions if m.at >= 0 and _WANTS.search(question[: m.at])]
    rest = [m for m in mentions if m not in wanted]
    if len(wanted) == 1 and len(rest) == 1:
        return tuple(d for d in rest[0].docs if d in indexed)
    return ()
