"""Chunking, phase 5: what a sub-item carries from its parent (the lead-in that introduces the
list) and how a clause too long for one chunk is cut into pieces that start with a whole sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from langchain_text_splitters import RecursiveCharacterTextSplitter

from licensebot.index.text.markers import Unit, title_words
from licensebot.index.text.sentences import CLAUSE_SENTENCE_END, SPLIT_POINT, trim_span
from licensebot.index.text.sizes import CONTEXT_CHARS, MAX_CHARS, SPLIT_CHARS, SPLIT_OVERLAP

_LIST_INTRO = re.compile(r":[ \t]*\n")
_RULE_LINE = re.compile(r"^[ \t]*(?:[-*_=][ \t]*){3,}$", re.MULTILINE)
"""A horizontal rule ("------"): what comes before it is another part of the text."""


def lead_in(body: str, start: int, end: int) -> tuple[int, int]:
    """The last sentences of ``body[start:end]``, at most CONTEXT_CHARS: what introduces a list.
    When a line of it ends in a colon ("d) Do one of the following:"), the lead-in ends there: the
    text after it is a first item the numbering did not recognise ("0) Convey ..."), not the rule.
    It starts after a horizontal rule, if one comes before it."""
    start, end = trim_span(body, start, end)
    colons = list(_LIST_INTRO.finditer(body, start, end))
    if colons:
        end = colons[-1].start() + 1
    rules = list(_RULE_LINE.finditer(body, start, end))
    if rules:
        # The ODbL's "The Licensor ... and You ... agree as follows:" after the preamble's rule.
        start, end = trim_span(body, rules[-1].end(), end)
    if end - start <= CONTEXT_CHARS:
        return start, end
    text = body[start:end]
    for m in CLAUSE_SENTENCE_END.finditer(text):
        if len(text) - m.end() <= CONTEXT_CHARS:
            return trim_span(body, start + m.end(), end)
    cut = text.find(" ", len(text) - CONTEXT_CHARS)
    return trim_span(body, start + (cut if cut >= 0 else len(text) - CONTEXT_CHARS), end)


_OPEN_END = re.compile(r"(?:[:,;\u2013\u2014-]|[a-z])$")
"""A lead-in that stops on a colon, a dash or mid-sentence ("... cause any third party to") runs on
into its items."""
_ANNOUNCES = re.compile(r"\b(?:the\s+following|as\s+follows)\b", re.IGNORECASE)


def introduces(text: str, unit: Unit) -> bool:
    """Whether a parent's closing text introduces its sub-items, so that each item completes it.
    A heading alone ("4.4 Share alike.") already travels in the heading path, and a paragraph that
    ends in a full stop without announcing a list (a preamble before numbered sections, "If you
    don't accept the terms below, do not use the Datasets.") is not part of any one clause."""
    text = text.rstrip(" *_")
    words = {w.lower() for w in title_words(text)}
    if words <= {w.lower() for w in title_words(f"{unit.label} {unit.title} {unit.heading} section")}:
        return False
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if (
        lines and not lines[-1].endswith(":") and len(title_words(lines[-1])) <= 8
        and (len(lines) == 1 or lines[-2].endswith((".", ";", "!", "?")))
    ):
        return False  # the text ends in a heading line ("5. Rules of use")
    if _OPEN_END.search(text):
        return True
    last = [m.end() for m in CLAUSE_SENTENCE_END.finditer(text)]
    return bool(_ANNOUNCES.search(text[last[-1] if last else 0 :]))


def first_sentence(body: str, start: int, end: int) -> tuple[int, int]:
    """The opening sentence of ``body[start:end]`` (at most CONTEXT_CHARS): a long clause's rule."""
    start, end = trim_span(body, start, end)
    text = body[start : min(end, start + CONTEXT_CHARS)]
    for m in CLAUSE_SENTENCE_END.finditer(text):
        # "11. Patents." is a number and a heading, not the clause's first sentence.
        if len(title_words(text[: m.start()])) >= 6:
            return trim_span(body, start, start + m.start())
    cut = text.rfind(" ")
    return trim_span(body, start, start + (cut if cut > 0 and len(text) == CONTEXT_CHARS else len(text)))


_SPLITTER = RecursiveCharacterTextSplitter(
    chunk_size=SPLIT_CHARS,
    chunk_overlap=SPLIT_OVERLAP,
    separators=["\n\n", "\n", "; ", ". ", ", ", " ", ""],
    keep_separator="end",
    strip_whitespace=True,
)


def pieces(body: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Spans of ``body[start:end]``, split at paragraph/sentence breaks when too long."""
    start, end = trim_span(body, start, end)
    if end <= start:
        return
    if end - start <= MAX_CHARS:
        yield start, end
        return
    text = body[start:end]
    cursor = 0
    previous = -1
    for piece in _SPLITTER.split_text(text):
        at = text.find(piece, cursor)
        if at < 0:  # the splitter only ever drops whitespace, so this is a bug guard
            at = text.find(piece)
        if at < 0:
            continue
        piece_end = at + len(piece)
        if previous >= 0:
            # A later part starts with the whole sentence the cut fell in (the overlap is
            # widened back to it): GPL-3.0's "Each contributor grants you a non-exclusive,
            # worldwide, royalty-free patent license ..." was cut after "royalty-free".
            at = _sentence_start(text, max(previous + 1, at - SENTENCE_BACK), at)
        yield start + at, start + piece_end
        previous = at
        cursor = at + 1


SENTENCE_BACK = 400
"""How far back a split part may start to take in the whole sentence it was cut in."""


def _sentence_start(text: str, lo: int, at: int) -> int:
    """Where the sentence holding ``text[at]`` starts, if that is at or after ``lo``."""
    ends = [m.end() for m in SPLIT_POINT.finditer(text, lo, at)]
    return ends[-1] if ends else at
