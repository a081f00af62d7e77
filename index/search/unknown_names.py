"""Names in a question that no catalog knows: license-like ("the FooBar Public License 9.0"),
model-like ("Yi-34B", "deepseek-ai/Janus-Pro-7B", "Kimi K3"). They are reported, never matched to
a lookalike: a question about a license or model the bot cannot place is not answered from
another one."""

from __future__ import annotations

import re

from licensebot.index.search.match import Unknown

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
HUB_ID = re.compile(r"(?<![\w/])([A-Za-z0-9][\w.-]*/(?=[\w.-]*\d)[A-Za-z0-9][\w.-]*)")
"""A model hub id, organisation/name, whose name has a digit ("deepseek-ai/DeepSeek-V3", not "and/or")."""
_VERSIONED_NAME = re.compile(
    r"(?<![\w§.-])((?:[A-Z][A-Za-z]{2,20}|[A-Z]{2,}[a-z]*)(?:[ -][A-Z][A-Za-z]{1,20})?[ -]?"
    r"[A-Z]?\d{1,2}(?:\.\d+)*[a-z]?)"
    r"(?![\w.%])(?!\s*(?:%|percent|million|billion|thousand|days?|months?|years?|users?)\b)"
)
"""A capitalised name with a version ("Kimi K3", "Grok 3", "GPT-4o"): a product or model, when no
catalog knows it."""
_NOT_PRODUCTS = frozenset(
    "section sections article clause part chapter schedule exhibit appendix annex item paragraph version step "
    "phase tier level rule page table figure title option attachment addendum note line class type category "
    "year day month week grade layer license licence licenses agreement policy terms under over above below "
    "about after before within from with than for and the our their this that these those each every".split()
)


def unknown_names(question: str, covered: list[tuple[int, int]], found: list[Unknown]) -> list[Unknown]:
    """License- and model-like names in the question that no catalog entry covers."""
    out: list[Unknown] = []

    def overlaps(start: int, end: int) -> bool:
        # A name right after a known one is its license's name ("Falcon 2 11B TII License").
        after_known = any(not question[e:start].strip() for _, e in covered if e <= start)
        return after_known or any(start < e and s < end for s, e in covered) or any(
            u.phrase in question[start:end] for u in found)

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
    for pattern in (HUB_ID, _MODEL_LIKE, _VERSIONED_NAME):
        for m in pattern.finditer(question):
            words = {w.lower() for w in re.findall(r"[A-Za-z]+", m.group(1))}
            if pattern is _VERSIONED_NAME and words & _NOT_PRODUCTS:
                continue
            if not overlaps(m.start(1), m.end(1)) and not any(m.group(1) in u.phrase for u in out):
                out.append(Unknown(m.group(1), "model"))
    return out
