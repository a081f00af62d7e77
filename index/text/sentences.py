"""Sentences of a clause as exact spans, and the text comparison the evaluation uses.

Legal sentences are long and full of traps for a naive splitter: "e.g.", "Inc.", "U.S.",
"Sec. 3", parentheses that span a period, list markers ("(a)", "iii.") and numbered headings
("3. Grant of Patent License.") that are not sentences of their own. A span is returned as
offsets into the text, so whatever is shown is ``text[start:end]``, verbatim.
"""

from __future__ import annotations

import re

_MARKER = r"(?:[-•*]|\(?(?:[a-z]|[ivx]{1,4}|\d{1,2})[.)])"
"""A list item's marker at the start of a line: a bullet, "c.", "(ii)", "3)"."""
ITEM_START = re.compile(_MARKER + r"[ \t]+\S")
_LIST_END = re.compile(r"(?:[.;:,!?]|\b(?:and|or))[\"”’)]?\s*$")
_BOUNDARY = re.compile(
    r"(?<=[.;:!?])[\"”’)]?(\s+)(?=[\"“(\[]?[A-Z0-9])|\n\s*\n"
    r"|(?P<item>\n\s*(?=" + _MARKER + r"[ \t]+\S))"
)
"""Where a sentence may end: after its punctuation before a capital, at a blank line, or where a
line starts a list item ("- For military use", "c. You must", "(ii) to"), punctuated or not."""
_ABBREVIATIONS = frozenset(
    "e.g i.e etc inc ltd llc co corp no nos sec secs art arts vs cf approx u.s u.k e.u dr mr mrs ms st "
    "fig para paras ch ed v".split()
)
_MARKER_ONLY = re.compile(r"^\s*(?:\(?[0-9a-zA-Z]{1,4}[.)]|§?\s*\d+(?:\.\d+)*\.?)\s*$")
_LEADING_MARKER = re.compile(
    r"^(?:[-•*]\s+|\d{1,3}(?:\.\d{1,3})+\.?\s+|\(?[0-9a-zA-Z]{1,5}[.)]\s*|§\s*\d+(?:\.\d+)*\s*)?"
    r"(?:\*\*[^*\n]{1,100}\*\*\s*)?"
)
_HEADING = re.compile(r"^([A-Z][^.:\n]{1,80}?)(?:[.:]\s+|\s*\n\s*)(?=[A-Z\"“(])")
_WORDS = re.compile(r"[A-Za-z][A-Za-z'’-]*")
MIN_SENTENCE = 40
"""A piece shorter than this ("3. Grant of Patent License.", "(i)") joins the sentence after it."""


def normalize_for_match(text: str) -> str:
    """The comparison the evaluation defines: straight quotes, no markdown bold, collapsed spaces,
    lower case."""
    text = text.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")
    text = text.replace("**", "")
    return " ".join(text.split()).lower()


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``; ``text[start:end]`` has no surrounding spaces."""
    raw: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.start(1) if m.group(1) is not None else m.start()
        piece = text[start:end]
        words = piece.rstrip(".;:!?\"”’)").rsplit(None, 1)
        last = words[-1].lstrip("(").lower() if words else ""
        if piece.count("(") > piece.count(")") or last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
            continue
        if m.group("item") is not None and not _ends_item(piece, text[m.end():]):
            continue  # a hard-wrapped line that starts "(a) of this License" or "7." mid-sentence
        raw.append((start, end))
        start = m.end()
    raw.append((start, len(text)))
    spans = [trim_span(text, s, e) for s, e in raw]
    spans = [(s, e) for s, e in spans if e > s]
    # Fold fragments (a heading, a list marker) into the sentence after them.
    merged: list[tuple[int, int]] = []
    carry: int | None = None
    for s, e in spans:
        if carry is not None:
            s, carry = carry, None
        piece = text[s:e]
        if _fragment(piece):
            carry = s
            continue
        merged.append((s, e))
    if carry is not None:
        if merged:
            merged[-1] = (merged[-1][0], trim_span(text, carry, len(text))[1])
        else:
            merged.append(trim_span(text, carry, len(text)))
    return merged


_MARK = re.compile(r"\(?([-•*]|[a-z]|[ivx]{1,4}|\d{1,2})[.)]?[ \t]")


def item_kind(text: str) -> str:
    """What numbers the list item ``text`` starts: its bullet, "digit" or "letter" (roman numerals
    count as letters); "" for no item. The items of one list share it."""
    mark = _MARK.match(text)
    if not mark or not ITEM_START.match(text):
        return ""
    x = mark.group(1)
    return x if x in "-•*" else "digit" if x.isdigit() else "letter"


def _ends_item(piece: str, rest: str) -> bool:
    """Is ``piece`` a whole list item before the line ``rest``? Yes when it ends as items end (";",
    ".", "and") or when ``rest`` starts the next item of its own list ("a." then "b."); not for a
    line of a box drawn with asterisks."""
    if piece.rstrip().endswith("*"):
        return False
    if _LIST_END.search(piece):
        return True
    a, b = _MARK.match(piece), _MARK.match(rest)
    if not a or not b:
        return False
    x, y = a.group(1), b.group(1)
    if x in "-•*" or y in "-•*":
        return x == y
    if x.isdigit() and y.isdigit():
        return int(y) == int(x) + 1
    if len(x) == len(y) == 1 and ord(y) == ord(x) + 1:
        return True
    return set(x) <= set("ivx") and set(y) <= set("ivx")


def _fragment(piece: str) -> bool:
    """A heading or a bare list marker, not a sentence: "3. Grant of Patent License.", "(i)".
    A short rule ("- For military use in any way;") is a sentence of its own."""
    if _MARKER_ONLY.match(piece):
        return True
    if len(piece) >= MIN_SENTENCE:
        return False
    marker = _LEADING_MARKER.match(piece)
    words = _WORDS.findall(piece[marker.end() if marker else 0 :])
    capitalised = sum(1 for w in words if w[0].isupper())
    return len(words) < 4 or capitalised * 2 >= len(words) or piece.rstrip()[-1:] not in (".", ";", ":", "!", "?")


def heading_length(text: str) -> int:
    """Characters of numbering and heading before the sentence itself ("3. Grant of Patent
    License. ", "v. ", "3.3 Generated Output\n"): the lead starts after them, still an exact span."""
    marker = _LEADING_MARKER.match(text)
    at = marker.end() if marker else 0
    heading = _HEADING.match(text[at:])
    if heading and _is_heading(heading.group(1)):
        at += heading.end()
    return at if at < len(text) else 0


def _is_heading(phrase: str) -> bool:
    words = re.findall(r"[A-Za-z][\w'’-]*", phrase)
    small = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with", "from", "this"}
    return 0 < len(words) <= 10 and all(w[0].isupper() or w.lower() in small for w in words)


# Three sentence ends, for three kinds of text (kept apart: each one's boundaries are measured):
CLAUSE_SENTENCE_END = re.compile(r"(?<=[.:;])\s+(?=[A-Z(\"“])")
"""Between the sentences of a lead-in (which ends a sentence at a colon or semicolon too)."""
SPLIT_POINT = re.compile(r"[.!?;:][\"”’)]?\s+|\n[ \t]*\n\s*")
"""Where a later part of a long clause may start: after any sentence end, or at a blank line."""
PROSE_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“(])")
"""Between the sentences of a model's restatement (plain prose: no clause punctuation)."""


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` moved inwards past surrounding whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
