"""Chunking, phase 1: the markers legal texts number their clauses with (``1.``, ``(a)``, ``iii.``,
``Section 3``, markdown headings, quoted definitions, run-in headings) and the records a marker
and a unit keep.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_ROMAN = re.compile(r"^(?=[ivxlc]+$)m{0,3}(c[md]|d?c{0,3})(x[cl]|l?x{0,3})(i[xv]|v?i{0,3})$")
SECTION = re.compile(
    r"^(SECTION|Section|ARTICLE|Article|PART|Part|CHAPTER|Chapter"
    r"|ATTACHMENT|Attachment|APPENDIX|Appendix|ANNEX|Annex|EXHIBIT|Exhibit|SCHEDULE|Schedule)"
    r"\s+(\d{1,3}|[IVXLC]{1,6}|[A-Z])(?![.]\d)(?:\s*(?:--|[-–—:.])\s*|\s*$|\s+(?=[A-Z\"“*_]))(.*)$"
)
DOTTED = re.compile(r"^(\d{1,3}(?:\.\d{1,3})+)\.?(?=\s|\*|$)\s*(.*)$")
NUMBER = re.compile(r"^(\d{1,2})[.)](?=\s|\*|$|[A-Z][a-z])\s*(.*)$")
PAREN_NUMBER = re.compile(r"^\((\d{1,2})\)\s*(.*)$")
PAREN_LETTERS = re.compile(r"^\(([a-zA-Z]{1,5})\)\s*(.*)$")
DOT_LETTERS = re.compile(r"^([a-zA-Z]{1,5})[.)]\s+(.*)$")
MD_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
BULLET = re.compile(r"^[-•*‣◦]\s+(\S.*)$")
DEFINITION = re.compile(
    r"^[\"“]([^\"”\n]{1,80})[\"”](?:\*\*)?:?"
    r"(?:\s*(?:,|or|and)\s*[\"“][^\"”\n]{1,80}[\"”])*\s*(?:\([^)\n]{0,40}\)\s*)?"
    r"(?:means|shall mean|refers to|is defined as|has the meaning)\b"
)
RUN_IN = re.compile(r"^([A-Z][^.:;!?\"“”\n]{0,60}?)[.](?:\s+(?=[A-Z0-9\"“*_])(.+))?$")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_NOT_IN_HEADINGS = frozenset("shall will must may should is are be been means".split())
"""A phrase with these ("IN NO EVENT SHALL ...") is a sentence in capitals, not a heading."""
_COMPANY_ENDINGS = ("Inc", "Ltd", "LLC", "Co", "Corp", "GmbH", "S.A", "B.V", "AG", "PLC")
_SMALL_WORDS = frozenset(
    "a an and as at by for from in into its of on or per than that the their these this to under upon via "
    "vs with your not no".split()
)
_SENTENCE_STARTS = frozenset(
    "a an all any as by each every for if in it no none nothing notwithstanding please such subject that the "
    "these this they thank to unless upon we when where you your".split()
)


LETTERS = ("alpha", "ALPHA", "roman", "ROMAN")
NESTED = "-nested"
"""Suffix of a letter style used a second time, deeper, inside its own list."""


@dataclass
class Marker:
    style: str
    value: str
    paren: bool = False
    title: str = ""
    word: str = "Section"
    heading: bool = False
    """Written as a markdown heading: numbering may jump (an excerpt, an omitted section)."""
    indent: int = 0
    runin: bool = False
    """Ranks with the headings at the start of a paragraph ("Outputs. We claim ...")."""
    alone: bool = False
    """A heading on a line of its own: it closes every heading at its indentation."""
    introduces_numbering: bool = False
    """A heading line right before a "1." list (an appended policy): the list sits under it."""
    restart: bool = False
    """Numbering starts over under this heading (a policy appended to a license): its labels
    carry the heading ("Meta Llama 3 Acceptable Use Policy §2.a"), as §2.a is also the license's."""
    unit: int = -1
    """Index of the unit this marker opened."""
    items: int = 0
    """Untitled indented paragraphs seen under this heading so far."""


@dataclass
class Unit:
    start: int
    label: str
    section_id: str
    heading: str
    end: int = 0
    title: str = ""
    """The title of the marker that opened the unit, if any."""
    definition: bool = False
    parent: int = -1
    """Index of the enclosing unit, -1 at top level."""
    children: list[int] = field(default_factory=list)
    after_list: bool = False
    """The clause's text after the list it holds: not a list item, so not part of the list and
    not led in by the text that introduced it."""


def roman_value(text: str) -> int:
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
    total = 0
    prev = 0
    for ch in reversed(text.lower()):
        v = values[ch]
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total


def is_roman(text: str) -> bool:
    return bool(text) and bool(_ROMAN.match(text.lower()))


def title_words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z][\w'’&-]*", text)


def is_title_case(text: str) -> bool:
    words = title_words(text)
    significant = [w for w in words if w.lower() not in _SMALL_WORDS]
    return bool(significant) and words[0][0].isupper() and all(w[0].isupper() for w in significant)


def is_all_caps(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 3 and all(ch.isupper() for ch in letters)


def title_from(rest: str, *, whole_line_heading: bool = False) -> str:
    """A short heading at the start of the clause text ("Grant of Rights."), else ''.

    Title Case is required unless the writer marked the heading themselves (bold text or a
    markdown heading line), since "a. No trademark licenses are granted." is a sentence.
    """
    bold = re.match(r"^\s*(?:\*\*|__)\s*([^*_\n]{2,100}?)\s*(?:\*\*|__)", rest)
    if bold and bold.group(1).strip(" .:"):
        return bold.group(1).strip(" .:")
    if whole_line_heading:
        return clean_title(rest)
    closed = re.match(r"^\s*([^*_\n]{2,100}?)[.:]?\s*(?:\*\*|__)", rest)
    if closed:  # "**2.2. Distribution of ... Mistral AI.**": the writer marked the heading
        return closed.group(1).strip()
    rest = rest.strip().strip("*_").strip()
    if not rest:
        return ""
    candidate = rest
    match = re.match(r"^(.{2,80}?)[.:](?:\s|\*|$)", rest)
    if match:
        candidate = match.group(1)
    elif len(rest) > 80:
        return ""
    candidate = candidate.strip().strip("*_").strip()
    words = title_words(candidate)
    if not words or len(words) > 12 or not is_title_case(candidate):
        return ""
    return candidate


def heading_phrase(text: str, *, unnumbered: bool) -> bool:
    """Does ``text`` read as a heading ("Outputs", "DISCLAIMERS", "Ownership of content")?"""
    words = title_words(text)
    if not words or len(words) > 10 or len(text) > 80 or _YEAR.search(text) or "http" in text:
        return False
    if any(w.lower() in _NOT_IN_HEADINGS for w in words) or text.endswith(_COMPANY_ENDINGS):
        return False
    if is_all_caps(text) or is_title_case(text):
        return True
    # Sentence case ("Who we are", "Opt out") only where the text has no numbering to go by,
    # and never a short sentence ("No.", "This is it.").
    return unnumbered and len(words) <= 6 and words[0].lower() not in _SENTENCE_STARTS
def clean_title(text: str) -> str:
    text = text.strip().strip("*_").strip().rstrip(".:").strip()
    return text if len(text) <= 100 else ""
