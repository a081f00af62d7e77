"""How names are written and compared: one normal form for a license or model name, whether it
comes from the LicenseDB, the curated files or a question.

"GPLv3", "GPL v3", "GPL-3.0" and "gpl 3" are one name; so are "Apache 2" and "Apache License,
Version 2.0", "Qwen2.5-72B" and "qwen 2.5 72b". A parameter count ("8B", "0.5B") stays one word,
so "Llama 8B" is not version 8 of Llama.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_RAW_TOKEN = re.compile(
    r"[a-z]+\d{4,}(?![\d.])|\d+(?:\.\d+)*[bmkt](?![a-z])|[a-z]+(?:\+\+)?|\d+(?:\.\d+)*|[\u3040-\u30ff\u4e00-\u9fff]+"
)
"""Words, version numbers and parameter counts, split where letters meet digits ("qwen2.5", but
not a name ending in four digits: "foobar2000"); "++"
stays with its word (RAIL++-M is not RAIL-M); Chinese and Japanese names are words too."""
_SPELLING = {"licence": "license", "licences": "licenses", "licenced": "licensed"}
_MONTHS = ("january february march april may june july august september october november december").split()
_WRITTEN_DATE = re.compile(
    r"\b(" + "|".join(m[:3] for m in _MONTHS) + r")[a-z]*\.?\s+(?:(\d{1,2}),?\s+)?((?:19|20)\d\d)\b", re.IGNORECASE
)
""""April 1, 2024" and "March 2023", as ScanCode keys and names write them: 2024-04-01, 2023-03."""
_PACKED_DATE = re.compile(r"^((?:19|20)\d\d)(\d\d)(\d\d)$")
VERSION = re.compile(r"^\d{1,3}(?:\.\d{1,3})*$")
_DATE = re.compile(r"^(19|20)\d\d$")
GENERIC = frozenset(
    "license licence licenses agreement community terms of use the and conditions version v "
    "with policy acceptable dated international ai model eula".split()
)
"""Words a name is still recognised without ("Apache 2" for "Apache License, Version 2.0",
"Creative Commons Attribution 4.0" for "... 4.0 International Public License", "EXAONE 1.1 NC"
for "EXAONE AI Model License Agreement 1.1 - NC")."""
OPTIONAL = frozenset("the gnu international public version".split())
"""Words a name may be written with or without and still be a strong name ("GNU AGPL v3")."""


def canonical_version(token: str) -> str:
    """"2.0" -> "2", "1.0.0" -> "1", "2.1" -> "2.1"."""
    while token.endswith(".0") and token.count("."):
        token = token[:-2]
    return token


def same_length_lower(text: str) -> str:
    """``text.lower()`` with every character kept one character long ("İ" lowers to two), so a
    position in it is the same position in ``text``."""
    lower = text.lower()
    if len(lower) == len(text):
        return lower
    return "".join(c if len(low := c.lower()) != 1 else low for c in text)


def tokens_with_spans(text: str) -> list[tuple[str, int, int]]:
    """The normal-form words of ``text`` with where each one is written.

    A version is written without "v" ("GPLv3", "v1.2", "version 2"), and without trailing ".0"; a
    possessive "'s" is not a word of the name ("Salesforce's AI acceptable use policy")."""
    lower = same_length_lower(text)
    raw: list[tuple[str, int, int]] = []
    at = 0
    for date in _WRITTEN_DATE.finditer(lower):
        raw += [(m.group(0), at + m.start(), at + m.end()) for m in _RAW_TOKEN.finditer(lower[at : date.start()])]
        month = next(i for i, m in enumerate(_MONTHS, 1) if m.startswith(date.group(1).lower()))
        day = (f"{int(date.group(2)):02d}",) if date.group(2) else ()
        parts = (date.group(3), f"{month:02d}", *day)
        raw += [(part, date.start(), date.end()) for part in parts]
        at = date.end()
    raw += [(m.group(0), at + m.start(), at + m.end()) for m in _RAW_TOKEN.finditer(lower[at:])]
    packed = [(d, start, end) for word, start, end in raw for d in _split_packed(word)]
    raw = packed
    out: list[tuple[str, int, int]] = []
    for i, (word, start, end) in enumerate(raw):
        nxt = raw[i + 1] if i + 1 < len(raw) else None
        before_number = nxt is not None and VERSION.match(nxt[0]) is not None
        if word == "s" and start > 0 and text[start - 1] in "'’":
            continue
        if word in ("v", "version") and before_number:
            continue
        word = _SPELLING.get(word, word)
        if before_number and nxt is not None and nxt[1] == end and len(word) > 2 and word.endswith("v"):
            word = word[:-1]  # "gplv3", "elv2": the v marks the version
        if VERSION.match(word):
            word = canonical_version(word)
        out.append((word, start, end))
    return out


def _split_packed(word: str) -> tuple[str, ...]:
    """"20230314" -> ("2023", "03", "14"): a date written without separators."""
    m = _PACKED_DATE.match(word)
    return m.groups() if m else (word,)


def normalize(text: str) -> str:
    """The normal form of a name: "Llama-3.1" -> "llama 3.1", "GPLv3" -> "gpl 3"."""
    return " ".join(w for w, _, _ in tokens_with_spans(text))


def version_key(doc_key: str) -> tuple[int, ...]:
    """Sort key for versions of one license: numbers in the key, in order."""
    return tuple(int(n) for n in re.findall(r"\d+", doc_key))


def strip_generic(words: Sequence[str], *, versions: bool = False) -> list[str]:
    return [
        w for w in words
        if w not in GENERIC and not _DATE.match(w) and not (versions and VERSION.match(w))
    ]


def without_optional(words: Sequence[str]) -> list[str]:
    return [w for w in words if w not in OPTIONAL]


def _without_dates(words: Sequence[str]) -> list[str]:
    """The words without a year and the month and day after it ("2025 09 09")."""
    out: list[str] = []
    skip = 0
    for w in words:
        if skip and re.fullmatch(r"\d{1,2}", w):
            skip -= 1
            continue
        skip = 2 if _DATE.match(w) else 0
        if not skip:
            out.append(w)
    return out


def names_of(*texts: str, undated: bool = True) -> tuple[set[str], set[str], set[str]]:
    """(strong names, weak names, family names) written by ``texts`` (a key, a title, an id).

    Strong: as written, or without optional words, or (``undated``) without a date. Weak: without
    generic words ("academic free 3.0"), and single words. Family: without versions ("llama",
    "gpl")."""
    strong: set[str] = set()
    weak: set[str] = set()
    family: set[str] = set()
    # A title's parenthesis is often its short name: "... License (MNPL-0.1)", "... 2.0 (ELv2)".
    inner = [m.group(1) for text in texts for m in re.finditer(r"\(([^()\s]*[A-Z][^()\s]*[A-Z][^()\s]*)\)", text)]
    # ... unless it is a generic word: "(EULA)" names no license.
    inner = [t for t in inner if not set(normalize(t).split()) <= GENERIC]
    for text in (*texts, *inner):
        words = normalize(re.sub(r"\(.*?\)", " ", text)).split()
        if not words:
            continue
        dateless = _without_dates(words)
        # A shorter form must not become a single word the name never was ("Open Public" is not "open").
        shorter = without_optional(words)
        forms = {tuple(words)} | ({tuple(shorter)} if len(shorter) > 1 or len(words) == 1 else set())
        if undated and len(dateless) > 1:  # "Gemma Terms of Use 2024-04-01" without its date; not "foobar2000"
            forms.add(tuple(dateless))
        for form in list(forms):
            # "Stability AI Community License" for "... License Agreement 2024".
            trimmed = list(form)
            while len(trimmed) > 2 and trimmed[-1] in GENERIC:
                trimmed.pop()
                forms.add(tuple(trimmed))
        for form in forms:
            if form:
                (strong if len(form) > 1 or any(ch.isdigit() for ch in form[0]) else weak).add(" ".join(form))
        stripped = strip_generic(words)
        if stripped and stripped != words:
            weak.add(" ".join(stripped))
        versionless = strip_generic(words, versions=True)
        if versionless and versionless != stripped:
            family.add(" ".join(versionless))  # also a weak name: "the WTFPL", "SIL Open Font License"
    return strong, weak, family
