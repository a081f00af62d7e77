"""Clause-aware chunking: split a document along its own structure, not blind windows.

Legal texts number their clauses in many styles: ``1.`` / ``a.`` / ``i.`` (Llama),
``Section 3`` + ``3.2`` + ``(a)`` (Gemma), ``Section 1 -- Definitions.`` + ``a.`` + ``1.`` (Creative
Commons), markdown ``## 3.`` + ``**3.2.**`` (Mistral), ``4.`` + ``(d)`` (Apache), quoted
definitions (``"Agreement" means ...``). Texts copied from web pages often lost their numbers
and kept only indentation and headings: a line of its own ("INDEMNIFICATION", "Who we are") or a
run-in heading at the start of a paragraph ("Outputs. We claim no ownership ...").

We read the text line by line, recognise those markers, and keep a stack of the enclosing ones
to build a label (``§1.b.v``, ``§3.2 Use Restrictions``, ``License Grant > Outputs``) and a
heading path. Rules that keep structure honest:

- a list starts only if its next item exists ("(1) assert copyright ... and (2) offer you" in
  running text is not a list);
- a definition ends with its paragraph, so the text after the definitions is not "definition of
  you (part 19 of 19)";
- run-in headings and indented paragraphs make structure only where the text has no numbering;
- when numbering alone is ambiguous (a "1." list inside "a."), deeper indentation nests.

Every sub-item carries its parent's lead-in (the sentence that ends "... in one of these ways:")
as ``context``, an exact span shown with it and embedded with it; every later part of a long
clause split for length carries the clause's first sentence. Every chunk is an exact slice
``body[start:end]``, so a quote can always be shown verbatim and located in the document.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from langchain_text_splitters import RecursiveCharacterTextSplitter

from licensebot.index.models import Chunk, Document

CHUNKER_VERSION = "15"
"""Bump when chunk boundaries, labels or what is embedded change, so indexes are rebuilt."""

MAX_CHARS = 1400
SPLIT_CHARS = 1000
SPLIT_OVERLAP = 150
MERGE_BELOW = 90
"""A heading-only unit shorter than this is joined to the clause that follows it."""
CONTEXT_CHARS = 400
"""At most this much of a parent's lead-in travels with each sub-item (its last sentences)."""

_ROMAN = re.compile(r"^(?=[ivxlc]+$)m{0,3}(c[md]|d?c{0,3})(x[cl]|l?x{0,3})(i[xv]|v?i{0,3})$")
_SECTION = re.compile(
    r"^(SECTION|Section|ARTICLE|Article|PART|Part|CHAPTER|Chapter"
    r"|ATTACHMENT|Attachment|APPENDIX|Appendix|ANNEX|Annex|EXHIBIT|Exhibit|SCHEDULE|Schedule)"
    r"\s+(\d{1,3}|[IVXLC]{1,6}|[A-Z])(?![.]\d)(?:\s*(?:--|[-–—:.])\s*|\s*$|\s+(?=[A-Z\"“*_]))(.*)$"
)
_DOTTED = re.compile(r"^(\d{1,3}(?:\.\d{1,3})+)\.?(?=\s|\*|$)\s*(.*)$")
_NUMBER = re.compile(r"^(\d{1,2})[.)](?=\s|\*|$|[A-Z][a-z])\s*(.*)$")
_PAREN_NUMBER = re.compile(r"^\((\d{1,2})\)\s*(.*)$")
_PAREN_LETTERS = re.compile(r"^\(([a-zA-Z]{1,5})\)\s*(.*)$")
_DOT_LETTERS = re.compile(r"^([a-zA-Z]{1,5})[.)]\s+(.*)$")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_BULLET = re.compile(r"^[-•*‣◦]\s+(\S.*)$")
_DEFINITION = re.compile(
    r"^[\"“]([^\"”\n]{1,80})[\"”](?:\*\*)?:?"
    r"(?:\s*(?:,|or|and)\s*[\"“][^\"”\n]{1,80}[\"”])*\s*(?:\([^)\n]{0,40}\)\s*)?"
    r"(?:means|shall mean|refers to|is defined as|has the meaning)\b"
)
_RUN_IN = re.compile(r"^([A-Z][^.:;!?\"“”\n]{0,60}?)[.](?:\s+(?=[A-Z0-9\"“*_])(.+))?$")
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
_SENTENCE_END = re.compile(r"(?<=[.:;])\s+(?=[A-Z(\"“])")


_LETTERS = ("alpha", "ALPHA", "roman", "ROMAN")
_NESTED = "-nested"
"""Suffix of a letter style used a second time, deeper, inside its own list."""


@dataclass
class _Marker:
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
class _Unit:
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


def _roman_value(text: str) -> int:
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
    total = 0
    prev = 0
    for ch in reversed(text.lower()):
        v = values[ch]
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total


def _is_roman(text: str) -> bool:
    return bool(text) and bool(_ROMAN.match(text.lower()))


def _title_words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z][\w'’&-]*", text)


def _is_title_case(text: str) -> bool:
    words = _title_words(text)
    significant = [w for w in words if w.lower() not in _SMALL_WORDS]
    return bool(significant) and words[0][0].isupper() and all(w[0].isupper() for w in significant)


def _is_all_caps(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 3 and all(ch.isupper() for ch in letters)


def _title_from(rest: str, *, whole_line_heading: bool = False) -> str:
    """A short heading at the start of the clause text ("Grant of Rights."), else ''.

    Title Case is required unless the writer marked the heading themselves (bold text or a
    markdown heading line), since "a. No trademark licenses are granted." is a sentence.
    """
    bold = re.match(r"^\s*(?:\*\*|__)\s*([^*_\n]{2,100}?)\s*(?:\*\*|__)", rest)
    if bold and bold.group(1).strip(" .:"):
        return bold.group(1).strip(" .:")
    if whole_line_heading:
        return _clean_title(rest)
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
    words = _title_words(candidate)
    if not words or len(words) > 12 or not _is_title_case(candidate):
        return ""
    return candidate


def _heading_phrase(text: str, *, unnumbered: bool) -> bool:
    """Does ``text`` read as a heading ("Outputs", "DISCLAIMERS", "Ownership of content")?"""
    words = _title_words(text)
    if not words or len(words) > 10 or len(text) > 80 or _YEAR.search(text) or "http" in text:
        return False
    if any(w.lower() in _NOT_IN_HEADINGS for w in words) or text.endswith(_COMPANY_ENDINGS):
        return False
    if _is_all_caps(text) or _is_title_case(text):
        return True
    # Sentence case ("Who we are", "Opt out") only where the text has no numbering to go by,
    # and never a short sentence ("No.", "This is it.").
    return unnumbered and len(words) <= 6 and words[0].lower() not in _SENTENCE_STARTS


class _Numbering:
    """The stack of enclosing clause markers while walking down a document."""

    def __init__(self) -> None:
        self.stack: list[_Marker] = []
        self.dec_titles: dict[str, str] = {}
        self.last_top: int | None = None
        self.dotted_top: int | None = None
        self.top_items = 0
        self.last_seen: dict[str, str] = {}
        """The last value of each style, kept across headings: Artistic 2.0 numbers (1) to (14)
        straight through its headings."""

    def _find(self, style: str) -> int | None:
        for i, marker in enumerate(self.stack):
            if marker.style == style:
                return i
        return None

    def _current(self, style: str) -> _Marker | None:
        i = self._find(style)
        return self.stack[i] if i is not None else None

    def numbered(self) -> bool:
        """Is any numbering (not only headings, definitions and bullets) in effect?"""
        return any(m.style not in ("def", "hd", "item", "md", "bullet") for m in self.stack)

    def _follows(self, style: str, value: str) -> bool:
        """Is ``value`` the next (or next but one) item after the current one in ``style``?"""
        current = self._current(style)
        if current is None and style in self.last_seen:
            current = _Marker(style, self.last_seen[style])
        if current is None:
            return False
        style = style.removesuffix(_NESTED)
        if style in ("alpha", "ALPHA"):
            if len(value) != 1 or len(current.value) != 1:
                return False
            step = ord(value.lower()) - ord(current.value.lower())
        elif style in ("roman", "ROMAN"):
            step = _roman_value(value) - _roman_value(current.value)
        else:
            step = int(value) - int(current.value)
        return step in (1, 2)

    @staticmethod
    def starts(style: str, value: str) -> bool:
        style = style.removesuffix(_NESTED)
        if style in ("alpha", "ALPHA"):
            return value.lower() == "a"
        if style in ("roman", "ROMAN"):
            return value.lower() == "i"
        return value == "1"

    def letters_style(self, value: str) -> str | None:
        """Decide whether letters like ``i`` or ``v`` are a letter item or a roman numeral."""
        upper = value.isupper()
        alpha, roman = ("ALPHA", "ROMAN") if upper else ("alpha", "roman")
        if not (value.islower() or value.isupper()):
            return None
        candidates = []
        if len(value) == 1:
            candidates.append(alpha)
        if _is_roman(value):
            candidates.append(roman)
        for style in candidates:
            if self._find(style) is not None and self._follows(style, value):
                return style
        for style in candidates:
            if self.starts(style, value):
                # "i" under an open letter item is a sub-item, not the letter after "h".
                if style == alpha and roman in candidates and self._find(alpha) is not None:
                    continue
                return style
        return None

    def accept(self, marker: _Marker) -> bool:
        """Push ``marker`` if it plausibly continues the structure; False means plain text."""
        style = marker.style
        if style in ("hd", "item"):
            level = (marker.indent, 0) if marker.alone else self._level(marker)
            while self.stack and (self.stack[-1].style == "def" or self._level(self.stack[-1]) >= level):
                self.stack.pop()
            self.stack.append(marker)
            return True
        if style == "def":
            self._pop_defs()
            self.stack.append(marker)
            return True
        if style == "bullet":
            self._pop_defs()
            self.end_bullets(marker.indent)
            parent = self.stack[-1] if self.stack else None
            if parent is None:
                self.top_items += 1
                marker.value = str(self.top_items)
            else:
                parent.items += 1
                marker.value = str(parent.items)
            self.stack.append(marker)
            return True
        if style in _LETTERS:
            marker.style = style = self._letters_by_indent(marker)
        if style == "dec" and "." not in marker.value:
            sub = self._current("sub")
            if sub is not None and marker.indent >= sub.indent and self._follows("sub", marker.value):
                # "2." at the indentation of the "1." list inside "a." (Creative Commons'
                # Section 2(a)(2)) goes on with that list; it is not the document's §2.
                marker.style = style = "sub"
        if style == "dec" and "." not in marker.value and self._nests_by_indent(marker):
            # "1." deeper than the open "a." (Creative Commons' Section 3(a)(1)): a list inside it.
            marker.style = style = "sub"
        if style == "dec" and "." not in marker.value:
            n = int(marker.value)
            if self.last_top is None:
                if n > 10:
                    return False
            elif n == 1 and self.last_top >= 2:
                self.dec_titles.clear()  # a second numbered list (an appended policy) starts over
            elif n != self.last_top + 1 and not (
                marker.title and (n == self.last_top + 2 or (marker.heading and n > self.last_top))
            ):
                # "7." at the start of a wrapped line ("... under section\n7. This") is text.
                return False
        elif style == "dec":
            parts = marker.value.split(".")
            # "2.0" at a line start is usually a wrapped "Apache License 2.0"; as a titled heading
            # ("1.0 Definitions of Capitalised Words") it is the ODbL's numbering.
            if ("0" in parts[1:] and not marker.title) or any(len(p) > 2 for p in parts):
                return False
            floor = self.dotted_top if self.dotted_top is not None else self.last_top
            if floor is not None and int(parts[0]) < floor and not marker.heading:
                # Numbering does not go back: "1.6.1" at the start of a wrapped line in the CNRI
                # license's §4 ("... PYTHON\n1.6.1 FOR ANY INCIDENTAL ...") is a version, and
                # "2.1" in MPL-2.0's §5.2 a reference. (After "3.1", a list "1." to "4." inside it
                # does not stop "3.2": only dotted numbers set the floor for dotted ones.)
                return False
            self.dotted_top = int(parts[0])
        elif style in ("pnum", "sub") or style.endswith(_NESTED):
            if not (self.starts(style, marker.value) or self._follows(style, marker.value)):
                return False
        self._pop_defs()
        if style == "dec":
            # Decimal numbering is absolute ("3.2"): it sits right under a "Section" or a heading.
            self.stack = [m for m in self.stack if m.style in ("section", "md") or m.introduces_numbering]
        index = self._find(style)
        if style == "section":
            self.stack = [marker]
            self.last_top = None
            self.dotted_top = None
            return True
        if index is not None:
            del self.stack[index:]
        self.stack.append(marker)
        self.last_seen[style] = marker.value
        if style == "dec":
            self.last_top = int(marker.value.split(".")[0])
            if marker.title:
                self.dec_titles[marker.value] = marker.title
        return True

    def _letters_by_indent(self, marker: _Marker) -> str:
        """Letters or numerals inside a numbered item that is itself inside the same kind of list
        (Creative Commons' Section 2(a)(1)(a), 3(a)(1)(b)) form a nested list of their own,
        told apart from the outer one by indentation."""
        style = marker.style
        nested = self._current(style + _NESTED)
        if nested is not None and marker.indent >= nested.indent and self._follows(style + _NESTED, marker.value):
            return style + _NESTED
        outer = self._current(style)
        top = self.stack[-1] if self.stack else None
        if (
            outer is not None and top is not None and top is not outer and self.starts(style, marker.value)
            and outer.indent < top.indent < marker.indent
        ):
            return style + _NESTED
        return style

    def _nests_by_indent(self, marker: _Marker) -> bool:
        if not self.stack or marker.value != "1":
            return False
        top = self.stack[-1]
        return top.style.removesuffix(_NESTED) in (*_LETTERS, "pnum") and marker.indent > top.indent

    @staticmethod
    def _level(marker: _Marker) -> tuple[int, int]:
        """Headings nest by indentation; at equal indentation a heading line is above a run-in
        heading, which is above an untitled item."""
        rank = {"hd": 1 if marker.runin else 0, "item": 2}.get(marker.style, -1)
        return (marker.indent, rank)

    def accept_item(self, indent: int, lead_in: bool) -> _Marker | None:
        """An untitled paragraph indented under a heading or under a paragraph that ends with a
        colon (a list item whose number was lost). ``lead_in``: this paragraph ends with a colon."""
        self._pop_defs()
        item = _Marker("item", "", indent=indent)
        level = self._level(item)
        while self.stack and self.stack[-1].style == "item" and self._level(self.stack[-1]) >= level:
            self.stack.pop()
        parent = self.stack[-1] if self.stack else None
        if parent is None or parent.style not in ("hd", "item") or indent <= parent.indent:
            if lead_in and (parent is None or parent.style in ("hd", "item")) and not self.numbered():
                # "You may not use nor allow others to use Gemma ... to:" opens a list.
                lead = _Marker("item", "", indent=indent)
                lead.value = ""
                self.stack.append(lead)
                return lead
            return None
        parent.items += 1
        item.value = str(parent.items)
        self.stack.append(item)
        return item

    def _pop_defs(self) -> None:
        while self.stack and self.stack[-1].style == "def":
            self.stack.pop()

    def end_bullets(self, indent: int) -> bool:
        """Close the bullet items at ``indent`` or deeper; True if one was closed."""
        closed = False
        while self.stack and self.stack[-1].style == "bullet" and self.stack[-1].indent >= indent:
            self.stack.pop()
            closed = True
        return closed

    def end_list(self, indent: int) -> bool:
        """Close the list items indented deeper than a paragraph without a marker; True if one was
        closed. Such a paragraph goes on with the clause that holds the list: GPL-3.0's "A separable
        portion of the object code ..." after §6 e) is §6's text, not item e)'s."""
        closed = False
        while (
            len(self.stack) > 1 and self.stack[-1].indent > indent
            and self.stack[-1].style.removesuffix(_NESTED) in (*_LETTERS, "pnum", "sub")
        ):
            self.stack.pop()
            closed = True
        return closed

    def end_paragraph_definition(self) -> bool:
        """A paragraph without a marker ends an open definition; True if one was closed."""
        if self.stack and self.stack[-1].style == "def":
            self._pop_defs()
            return True
        return False

    def reset(self) -> None:
        self.stack = []
        self.last_top = None
        self.dotted_top = None
        self.dec_titles.clear()

    def path(self) -> tuple[str, ...]:
        has_numbers = any(m.style == "dec" for m in self.stack)
        parts: list[str] = []
        for m in self.stack:
            if m.style in ("def", "hd", "item", "md", "bullet"):
                continue
            if m.style == "section":
                if not has_numbers:
                    parts.append(m.value)
                continue
            parts.append(f"({m.value})" if m.paren else m.value)
        return tuple(parts)

    def titles(self) -> list[str]:
        """The titles along the stack, outermost first (the heading path)."""
        crumbs: list[str] = []
        for m in self.stack:
            if m.style == "section":
                crumbs.append(f"{m.word} {m.value}" + (f": {m.title}" if m.title else ""))
            elif m.style == "dec":
                parts = m.value.split(".")
                for i in range(1, len(parts) + 1):
                    prefix = ".".join(parts[:i])
                    title = self.dec_titles.get(prefix, "")
                    if title:
                        crumbs.append(f"{prefix} {title}")
            elif m.style == "def":
                crumbs.append(f"definition of “{m.value}”")
            elif m.title:
                crumbs.append(m.title)
        return crumbs

    def label(self) -> tuple[str, str]:
        """(label, section_id): e.g. ('§3.2 Use Restrictions', '3.2'), ('§2.2 (item 1)', '2.2')."""
        bullets = [m.value for m in self.stack if m.style == "bullet"]
        if bullets:
            saved, self.stack = self.stack, [m for m in self.stack if m.style != "bullet"]
            try:
                label, section_id = self.label()
            finally:
                self.stack = saved
            return f"{label} (item {'.'.join(bullets)})".strip(), section_id
        path = self.path()
        section_id = _join_path(path)
        deepest = self.stack[-1] if self.stack else None
        numbered_title = next(
            (m.title for m in reversed(self.stack) if m.title and m.style not in ("hd", "item", "md", "def")), ""
        ) or next((m.title for m in reversed(self.stack) if m.introduces_numbering), "")
        if deepest is not None and deepest.style == "def":
            prefix = f"§{section_id} " if section_id else ""
            return f"{prefix}definition of “{deepest.value}”", section_id
        if deepest is not None and deepest.style in ("hd", "item"):
            return self._heading_label(), section_id
        if not section_id:
            return self._heading_label(), ""
        part = next((m.title for m in self.stack if m.restart), "")
        if part:
            return f"{part} §{section_id}" + (f" {deepest.title}" if deepest and deepest.title else ""), section_id
        title = deepest.title if deepest is not None and deepest.title else numbered_title
        if deepest is not None and deepest.style == "section" and section_id == deepest.value:
            return f"{deepest.word} {section_id}" + (f" {title}" if title else ""), section_id
        top = self.stack[0]
        if top.style == "section" and top.word != "Section" and section_id.startswith(top.value):
            # "Attachment A(c)" reads better than "§A(c)" for appendices.
            return f"{top.word} {section_id}" + (f" {title}" if title else ""), section_id
        return f"§{section_id}" + (f" {title}" if title else ""), section_id

    def _heading_label(self) -> str:
        """"License Grant > Outputs", or "Distribution (item 2)" for an untitled item."""
        titled = [m for m in self.stack if m.style in ("hd", "md") and m.title]
        label = " > ".join(m.title for m in titled[-2:])
        items = [m.value for m in self.stack if m.style == "item" and m.value]
        if items:
            label = f"{label} (item {'.'.join(items)})".strip()
        return label


def _join_path(parts: tuple[str, ...]) -> str:
    out = ""
    for part in parts:
        if not out:
            out = part
        elif part.startswith("("):
            out += part
        else:
            out += "." + part
    return out


_ESCAPED_NUMBER = re.compile(r"^(\d{1,3})(?:\\|\*\*|__)([.)])")


def _strip_decoration(line: str) -> tuple[str, int]:
    """Drop indentation and markdown emphasis before a marker; return (text, md level)."""
    text = line.strip()
    level = 0
    md = _MD_HEADING.match(text)
    if md:
        level = len(md.group(1))
        text = md.group(2).strip()
    if text.startswith(("**", "__")):
        text = text[2:]
    # Markdown escapes a number that starts a line ("1\\. **License Rights**.") so that it is not
    # rendered as a list, or wraps its dot in emphasis ("3**. Disclaimer**."); it is still the
    # clause number.
    text = _ESCAPED_NUMBER.sub(r"\1\2", text)
    return text, level


def _line_title(rest: str, next_line: str) -> str:
    """A title that fills the rest of the marker's line ("Scope of the rights granted") when the
    next line starts a sentence: sentence case is a title there, but not inside wrapped text."""
    phrase = rest.strip().rstrip(".").strip()
    if not phrase or len(phrase) > 60 or phrase.endswith((",", ";", ":")) or not next_line[:1].isupper():
        return ""
    return phrase if _heading_phrase(phrase, unnumbered=True) else ""


def _numbered_marker(text: str, md_level: int, numbering: _Numbering, next_line: str = "") -> _Marker | None:
    m = _SECTION.match(text)
    if m:
        word = m.group(1).capitalize()
        return _Marker("section", m.group(2), title=_clean_title(m.group(3)), word=word)
    heading = md_level > 0
    m = _DOTTED.match(text) or _NUMBER.match(text)
    if m:
        title = _title_from(m.group(2), whole_line_heading=heading) or _line_title(m.group(2), next_line)
        return _Marker("dec", m.group(1), title=title, heading=heading)
    m = _PAREN_NUMBER.match(text)
    if m:
        return _Marker("pnum", m.group(1), paren=True, title=_title_from(m.group(2)))
    m = _BULLET.match(text)
    if m:
        return _Marker("bullet", "")
    for pattern, paren in ((_PAREN_LETTERS, True), (_DOT_LETTERS, False)):
        m = pattern.match(text)
        if m:
            style = numbering.letters_style(m.group(1))
            if style is None:
                return None
            return _Marker(style, m.group(1), paren=paren, title=_title_from(m.group(2)))
    return None


def _clean_title(text: str) -> str:
    text = text.strip().strip("*_").strip().rstrip(".:").strip()
    return text if len(text) <= 100 else ""


@dataclass
class _Line:
    pos: int
    text: str
    indent: int
    starts_paragraph: bool
    alone: bool
    """The whole paragraph is this one line."""
    next_paragraph: _Line | None = None
    """The first line of the next paragraph (set for paragraph starts)."""


def _lines(body: str) -> list[_Line]:
    raw: list[tuple[int, str]] = []
    pos = 0
    for line in body.splitlines(keepends=True):
        raw.append((pos, line))
        pos += len(line)
    out: list[_Line] = []
    for i, (start, line) in enumerate(raw):
        if not line.strip():
            continue
        before_blank = i == 0 or not raw[i - 1][1].strip()
        after_blank = i + 1 == len(raw) or not raw[i + 1][1].strip()
        expanded = line.expandtabs(4)
        indent = len(expanded) - len(expanded.lstrip())
        out.append(_Line(start, line, indent, before_blank, before_blank and after_blank))
    starts = [entry for entry in out if entry.starts_paragraph]
    for entry, nxt in zip(starts, starts[1:], strict=False):
        entry.next_paragraph = nxt
    return out


def _paragraph_text(lines: list[_Line], first: _Line) -> str:
    """The text of the paragraph that starts with ``first``."""
    out: list[str] = []
    for line in lines[lines.index(first) :]:
        if out and line.starts_paragraph:
            break
        out.append(line.text)
    return "".join(out)


def _marker_values(lines: list[_Line]) -> set[tuple[str, str]]:
    """(kind, value) of every line that could open a numbered item, for the next-sibling check."""
    found: set[tuple[str, str]] = set()
    for line in lines:
        text, _ = _strip_decoration(line.text)
        for kind, pattern in (("num", _NUMBER), ("pnum", _PAREN_NUMBER), ("let", _PAREN_LETTERS),
                              ("let", _DOT_LETTERS)):
            m = pattern.match(text)
            if m:
                found.add((kind, m.group(1).lower()))
    return found


def _next_value(marker: _Marker) -> tuple[str, str]:
    style, value = marker.style, marker.value
    if style in ("alpha", "ALPHA"):
        return "let", chr(ord(value.lower()) + 1)
    if style in ("roman", "ROMAN"):
        numerals = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"]
        n = _roman_value(value)
        return "let", numerals[n] if n < len(numerals) else ""
    if style == "pnum":
        return "pnum", str(int(value) + 1)
    return "num", str(int(value) + 1)


def _units(body: str) -> list[_Unit]:
    lines = _lines(body)
    values = _marker_values(lines)
    numbered_doc = sum(1 for line in lines if _NUMBER.match(line.text.strip()) or _DOTTED.match(line.text.strip())
                       or _SECTION.match(line.text.strip())) >= 3
    numbering = _Numbering()
    units: list[_Unit] = [_Unit(0, "", "", "")]
    prev_closed = True
    part_title: _Line | None = None
    """A title-like line since the last marker: a part's title if numbering then starts over."""
    first = True

    def open_unit(line: _Line, marker: _Marker | None) -> None:
        label, section_id = numbering.label()
        crumbs = numbering.titles()
        parent = next((m.unit for m in reversed(numbering.stack) if m is not marker and m.unit >= 0), -1)
        start = line.pos + len(line.text) - len(line.text.lstrip())
        title = marker.title if marker is not None else ""
        definition = marker is not None and marker.style == "def"
        units.append(_Unit(start, label, section_id, " > ".join(crumbs), parent=parent, title=title,
                           definition=definition))
        if marker is not None:
            marker.unit = len(units) - 1

    for n, line in enumerate(lines):
        stripped = line.text.strip()
        text, md_level = _strip_decoration(line.text)
        following = lines[n + 1].text.strip() if n + 1 < len(lines) and not lines[n + 1].starts_paragraph else ""
        marker = _numbered_marker(text, md_level, numbering, following) if text else None
        if (
            marker is not None
            and marker.style not in ("section", "bullet")
            and not marker.heading
            and "." not in marker.value
            and _Numbering.starts(marker.style, marker.value)
            and _next_value(marker) not in values
        ):
            marker = None  # a list that starts here must go on: "(1) assert ... and (2) offer" is text
        if marker is None and md_level:
            marker = _Marker("md", text.strip("*_ ").rstrip(":"), title=_clean_title(text))
        if marker is None:
            d = _DEFINITION.match(text)
            if d and (line.starts_paragraph or prev_closed):
                marker = _Marker("def", d.group(1).strip())
        if marker is None and line.starts_paragraph and not first:
            marker = _heading_marker(line, text, sentence_case=not numbered_doc, in_numbering=numbering.numbered())
        if marker is None and part_title is None and not first and (line.starts_paragraph or prev_closed) and (
            _is_part_title(stripped)
        ):
            part_title = line
        prev_closed = marker is not None or stripped.endswith((".", ";", ":", "**"))
        is_first, first = first, False
        if marker is None:
            if line.starts_paragraph and not is_first:
                closed_definition = numbering.end_paragraph_definition()
                closed_definition = numbering.end_bullets(line.indent) or closed_definition
                after_list = numbering.end_list(line.indent)
                lead_in = _paragraph_text(lines, line).rstrip().endswith(":")
                item = None if numbering.numbered() else numbering.accept_item(line.indent, lead_in)
                if item is not None:
                    open_unit(line, item)
                elif after_list:
                    open_unit(line, None)
                    units[-1].label = f"{units[-1].label} (continued)".strip()
                    units[-1].after_list = True
                elif closed_definition:
                    open_unit(line, None)  # the text after a definition is not part of it
            continue
        marker.indent = line.indent
        if marker.style == "md":
            numbering.reset()
            marker.unit = len(units)
            numbering.stack = [marker]
            start = line.pos + len(line.text) - len(line.text.lstrip())
            units.append(_Unit(start, marker.title, "", marker.title, title=marker.title))
            continue
        if marker.style == "hd" and marker.alone and (numbered_doc or numbering.numbered()):
            numbering.reset()  # a heading line of its own starts a new part of a numbered text
        if (
            marker.style == "dec" and marker.value == "1" and part_title is not None
            and numbering.last_top is not None and numbering.last_top >= 2
        ):
            # "1." again after "7.": a new numbered part; the title-like line before it names it.
            title = part_title.text.strip()
            heading = _Marker("hd", title, title=title, alone=True, introduces_numbering=True, restart=True)
            numbering.reset()
            numbering.accept(heading)
            open_unit(part_title, heading)
        part_title = None
        if not numbering.accept(marker):
            continue
        open_unit(line, marker)
    for unit, nxt in zip(units, units[1:], strict=False):
        unit.end = nxt.start
    units[-1].end = len(body)
    structured = False
    for i, unit in enumerate(units):
        if not unit.label and (i > 0 or len(units) > 1):
            # Text outside any section: before the first one it is the preamble (after the
            # definitions of Llama's licenses, the acceptance clause); later, it belongs to the
            # section before it.
            unit.label = units[i - 1].label if structured and i > 0 else "Preamble"
        structured = structured or bool(unit.section_id or unit.heading)
    for i, unit in enumerate(units):
        if unit.parent >= 0 and not unit.after_list:
            units[unit.parent].children.append(i)
    return units


def _is_part_title(text: str) -> bool:
    """A line that could be the title of an appended part ("Meta Llama 3 Acceptable Use Policy")."""
    return not text.endswith((".", ",", ";", ":")) and _heading_phrase(text, unnumbered=False)


def _heading_marker(line: _Line, text: str, *, sentence_case: bool, in_numbering: bool) -> _Marker | None:
    """A heading line of its own ("GENERAL TERMS"), or a run-in heading ("Outputs. We claim ...").

    Run-in headings count only where no numbering is in effect (numbered texts put their titles
    after the number); sentence-case headings ("Who we are") only in texts without numbering."""
    if line.alone:
        phrase = text.strip().strip("*_").rstrip(":.").strip()
        if phrase and not phrase.endswith((",", ";")) and _heading_phrase(phrase, unnumbered=sentence_case):
            # A heading line is above the run-in headings of its own indentation only when it
            # introduces them ("Using our Services" / "What you can do. ..."); otherwise it is one
            # of them without body text ("INDEMNIFICATION", "License Grant.").
            nxt = line.next_paragraph
            introduces = nxt is not None and nxt.indent == line.indent and bool(
                (m := _RUN_IN.match(nxt.text.strip())) and m.group(2) is not None
            )
            follows = nxt.text.strip() if nxt is not None else ""
            numbering_follows = any(p.match(follows) for p in (_NUMBER, _DOTTED, _SECTION, _PAREN_NUMBER))
            return _Marker("hd", phrase, title=phrase, runin=not introduces, alone=True,
                           introduces_numbering=numbering_follows)
    if in_numbering:
        return None
    m = _RUN_IN.match(text.strip())
    if m and m.group(2) is not None and _heading_phrase(m.group(1).strip(), unnumbered=sentence_case):
        return _Marker("hd", m.group(1).strip(), title=m.group(1).strip(), runin=True)
    return None


_LEADING_MARKER = re.compile(
    r"^(?:#{1,6}\s*)?(?:\*\*|__)?\s*(?:(?:SECTION|Section|ARTICLE|Article|PART|Part|ATTACHMENT|Attachment|APPENDIX"
    r"|Appendix|EXHIBIT|Exhibit|SCHEDULE|Schedule|ANNEX|Annex|CHAPTER|Chapter)\s+\S+|\d{1,3}(?:\.\d{1,3})*\.?"
    r"|\(?[a-zA-Z0-9]{1,5}[.)])?\s*(?:--|[-–—:.])?\s*(?:\*\*|__)?\s*"
)


def _is_bare_heading(text: str, title: str) -> bool:
    """Only a number and a title ("b. Redistribution and Use."), no sentence of its own."""
    rest = _LEADING_MARKER.sub("", text, count=1).strip()
    if title and rest.startswith(title):
        rest = rest[len(title) :]
    elif not title:
        rest = rest if not (_is_title_case(rest.rstrip(".: ")) or _is_all_caps(rest)) else ""
    return not rest.strip(" \t\n.:*_-")


def _merge_headings(body: str, units: list[_Unit]) -> list[_Unit]:
    """Join a bare heading ("b. Redistribution and Use.") to the clause under it. A merged heading
    is nobody's parent any more: its children's lead-in comes from further up."""
    out: list[_Unit] = []
    carry: int | None = None
    merged: dict[int, int] = {}
    kept: dict[int, int] = {}
    for i, unit in enumerate(units):
        text = body[unit.start : unit.end].strip()
        if not text:
            merged[i] = unit.parent
            continue
        nxt = units[i + 1] if i + 1 < len(units) else None
        is_parent = nxt is not None and (
            (i == 0 and not unit.label)
            or (unit.section_id and len(nxt.section_id) > len(unit.section_id)
                and nxt.section_id.startswith(unit.section_id))
            or bool(unit.heading and len(nxt.heading) > len(unit.heading) and nxt.heading.startswith(unit.heading))
            or i + 1 in unit.children
        )
        if len(text) < MERGE_BELOW and is_parent and (i == 0 or _is_bare_heading(text, unit.title)):
            carry = unit.start if carry is None else carry
            merged[i] = unit.parent
            continue
        if carry is not None:
            unit.start = carry
            carry = None
        kept[i] = len(out)
        out.append(unit)
    if carry is not None and out:
        out[-1].end = len(body)
    elif carry is not None:
        out.append(_Unit(carry, "", "", "", end=len(body)))

    def resolve(index: int) -> int:
        while index >= 0 and index in merged:
            index = merged[index]
        return kept.get(index, -1) if index >= 0 else -1

    old_parents = [u.parent for u in out]
    for unit, parent in zip(out, old_parents, strict=True):
        unit.parent = resolve(parent)
        unit.children = []
    for i, unit in enumerate(out):
        if unit.parent >= 0 and not unit.after_list:
            out[unit.parent].children.append(i)
    return out


_INLINE_ITEM = re.compile(r"(?:^|(?<=[.;:]\s)|(?<=[.;:]\s\s))(\(?)([a-z]|[ivx]{1,4})([.)])\s+(?=[A-Z\"“])")


def _split_inline_lists(body: str, units: list[_Unit]) -> list[_Unit]:
    """Split a long unit at its own inline list ("... terms. a. Use Restrictions. ... b. ...") when
    the letters run in order from "a": better than cutting it every thousand characters."""
    out: list[_Unit] = []
    moved: dict[int, int] = {}
    inline: set[int] = set()
    for old, unit in enumerate(units):
        moved[old] = len(out)
        text = body[unit.start : unit.end]
        found: list[tuple[int, tuple[str, str]]] = []
        if len(text) > MAX_CHARS:
            for m in _INLINE_ITEM.finditer(text):
                value, style = m.group(2), (m.group(1), m.group(3))
                if value == chr(ord("a") + len(found)) and (not found or style == found[0][1]):
                    found.append((m.start(), style))
        if len(found) < 3:
            out.append(unit)
            continue
        parent = len(out)
        out.append(_Unit(unit.start, unit.label, unit.section_id, unit.heading, end=unit.start + found[0][0],
                         parent=unit.parent, title=unit.title, after_list=unit.after_list))
        bounds = [at for at, _ in found] + [len(text)]
        for letter, (at, nxt) in enumerate(zip(bounds, bounds[1:], strict=False)):
            item = text[at:nxt]
            title = _title_from(_INLINE_ITEM.sub("", item, count=1))
            value = chr(ord("a") + letter)
            label = f"{unit.label} ({value})" + (f" {title}" if title else "")
            section_id = f"{unit.section_id}({value})" if unit.section_id else ""
            inline.add(len(out))
            out.append(_Unit(unit.start + at, label, section_id, unit.heading, end=unit.start + nxt,
                             parent=parent, title=title))
    for i, unit in enumerate(out):
        if i not in inline and unit.parent >= 0:
            unit.parent = moved[unit.parent]
        unit.children = []
    for i, unit in enumerate(out):
        if unit.parent >= 0 and not unit.after_list:
            out[unit.parent].children.append(i)
    return out


def _trimmed(body: str, start: int, end: int) -> tuple[int, int]:
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    return start, end


_LIST_INTRO = re.compile(r":[ \t]*\n")


def _lead_in(body: str, start: int, end: int) -> tuple[int, int]:
    """The last sentences of ``body[start:end]``, at most CONTEXT_CHARS: what introduces a list.
    When a line of it ends in a colon ("d) Do one of the following:"), the lead-in ends there: the
    text after it is a first item the numbering did not recognise ("0) Convey ..."), not the rule."""
    start, end = _trimmed(body, start, end)
    colons = list(_LIST_INTRO.finditer(body, start, end))
    if colons:
        end = colons[-1].start() + 1
    if end - start <= CONTEXT_CHARS:
        return start, end
    text = body[start:end]
    for m in _SENTENCE_END.finditer(text):
        if len(text) - m.end() <= CONTEXT_CHARS:
            return _trimmed(body, start + m.end(), end)
    cut = text.find(" ", len(text) - CONTEXT_CHARS)
    return _trimmed(body, start + (cut if cut >= 0 else len(text) - CONTEXT_CHARS), end)


_OPEN_END = re.compile(r"(?:[:,;\u2013\u2014-]|[a-z])$")
"""A lead-in that stops on a colon, a dash or mid-sentence ("... cause any third party to") runs on
into its items."""
_ANNOUNCES = re.compile(r"\b(?:the\s+following|as\s+follows)\b", re.IGNORECASE)


def _introduces(text: str, unit: _Unit) -> bool:
    """Whether a parent's closing text introduces its sub-items, so that each item completes it.
    A heading alone ("4.4 Share alike.") already travels in the heading path, and a paragraph that
    ends in a full stop without announcing a list (a preamble before numbered sections, "If you
    don't accept the terms below, do not use the Datasets.") is not part of any one clause."""
    text = text.rstrip(" *_")
    words = {w.lower() for w in _title_words(text)}
    if words <= {w.lower() for w in _title_words(f"{unit.label} {unit.title} {unit.heading} section")}:
        return False
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if (
        lines and not lines[-1].endswith(":") and len(_title_words(lines[-1])) <= 8
        and (len(lines) == 1 or lines[-2].endswith((".", ";", "!", "?")))
    ):
        return False  # the text ends in a heading line ("5. Rules of use")
    if _OPEN_END.search(text):
        return True
    last = [m.end() for m in _SENTENCE_END.finditer(text)]
    return bool(_ANNOUNCES.search(text[last[-1] if last else 0 :]))


def _first_sentence(body: str, start: int, end: int) -> tuple[int, int]:
    """The opening sentence of ``body[start:end]`` (at most CONTEXT_CHARS): a long clause's rule."""
    start, end = _trimmed(body, start, end)
    text = body[start : min(end, start + CONTEXT_CHARS)]
    for m in _SENTENCE_END.finditer(text):
        # "11. Patents." is a number and a heading, not the clause's first sentence.
        if len(_title_words(text[: m.start()])) >= 6:
            return _trimmed(body, start, start + m.start())
    cut = text.rfind(" ")
    return _trimmed(body, start, start + (cut if cut > 0 and len(text) == CONTEXT_CHARS else len(text)))


_SPLITTER = RecursiveCharacterTextSplitter(
    chunk_size=SPLIT_CHARS,
    chunk_overlap=SPLIT_OVERLAP,
    separators=["\n\n", "\n", "; ", ". ", ", ", " ", ""],
    keep_separator="end",
    strip_whitespace=True,
)


def _pieces(body: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Spans of ``body[start:end]``, split at paragraph/sentence breaks when too long."""
    start, end = _trimmed(body, start, end)
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


_SENTENCE_BREAK = re.compile(r"[.!?;:][\"”’)]?\s+|\n[ \t]*\n\s*")
SENTENCE_BACK = 400
"""How far back a split part may start to take in the whole sentence it was cut in."""


def _sentence_start(text: str, lo: int, at: int) -> int:
    """Where the sentence holding ``text[at]`` starts, if that is at or after ``lo``."""
    ends = [m.end() for m in _SENTENCE_BREAK.finditer(text, lo, at)]
    return ends[-1] if ends else at


_PREAMBLE = re.compile(r"\bpreamble\b|\brecitals?\b|\bintroduction\b", re.IGNORECASE)
_APPENDIX = re.compile(r"\bhow to apply\b|\blicense notice\b", re.IGNORECASE)
"""Instructions for applying the license to your own work, and notice templates: not terms. (Not
"everything after END OF TERMS AND CONDITIONS": RAIL licenses attach their use restrictions there.)"""


_FORM_FIELD = re.compile(r"[^\[\]\n]{1,40}:\s*\[[^\]\n]{1,80}\]")
"""A blank to fill in ("Software: [name software]", "Licensor: [ABC company]"): a form, not a term."""


def _roles(body: str, units: list[_Unit]) -> list[str]:
    """The part of the document each unit is. Before the first numbered section of a numbered text
    (Creative Commons' "Using Creative Commons Public Licenses", GPL's preamble) is preamble: it
    explains the terms but is not one of them."""
    first_numbered = next((u.start for u in units if u.section_id), None)
    if first_numbered is not None and first_numbered > len(body) / 2:
        # Most of the text comes before the numbering: that text is the terms, and the numbered
        # part an appendix (the Business Source License's Terms, then four numbered covenants).
        first_numbered = None
    roles = []
    for unit in units:
        # "Preamble" is also the label given to text before a document's first section; without
        # numbered sections after it (the Commons Clause: its one condition, then "Software: ..."
        # fields) that text is the terms themselves, so only the numbering test below applies.
        auto = unit.label == "Preamble" and not unit.heading and not unit.section_id
        names = f"{'' if auto else unit.label} {unit.heading}"
        if unit.definition or "definition of" in unit.label:
            roles.append("definition")
        elif (
            _APPENDIX.search(unit.label) or _APPENDIX.search(unit.heading)
            or _FORM_FIELD.fullmatch(body[unit.start : unit.end].strip())
        ):
            roles.append("appendix")
        elif _PREAMBLE.search(names) or (
            first_numbered is not None and unit.start < first_numbered
        ):
            roles.append("preamble")
        else:
            roles.append("clause")
    return roles


def chunk_document(doc: Document) -> list[Chunk]:
    body = doc.body
    units = _merge_headings(body, _split_inline_lists(body, _units(body)))
    roles = _roles(body, units)
    # A unit with sub-items ends where its first sub-item starts: its text is their lead-in.
    lead_ins = {
        i: span for i, unit in enumerate(units) if unit.children
        for span in [_lead_in(body, unit.start, unit.end)] if _introduces(body[span[0] : span[1]], unit)
    }
    chunks: list[Chunk] = []
    for i, unit in enumerate(units):
        spans = list(_pieces(body, unit.start, unit.end))
        whole = _subtree_end(units, i) if i in lead_ins and len(spans) == 1 else unit.end
        if whole > unit.end and _trimmed(body, unit.start, whole)[1] - unit.start <= MAX_CHARS:
            # A lead-in is chunked with the list it introduces when they fit together (each item
            # is also a chunk of its own): "retain the following ...:" says nothing by itself.
            spans = list(_pieces(body, unit.start, whole))
        parent_context = lead_ins.get(unit.parent) if unit.parent >= 0 and not unit.after_list else None
        for part, (start, end) in enumerate(spans, 1):
            label = unit.label
            context = parent_context
            if len(spans) > 1:
                label = f"{label} (part {part} of {len(spans)})".strip()
                if part > 1:
                    first = _first_sentence(body, spans[0][0], spans[0][1])
                    context = first if first[1] > first[0] else context
            c_start, c_end = context if context and context[1] > context[0] and context[1] <= start else (0, 0)
            chunks.append(
                Chunk(
                    id=f"{doc.key}:{start}-{end}",
                    doc=doc.key,
                    title=doc.title,
                    kind=doc.kind,
                    category=doc.category,
                    url=doc.url,
                    section=label,
                    section_id=unit.section_id,
                    heading=unit.heading,
                    start=start,
                    end=end,
                    text=body[start:end],
                    doc_sha256=doc.sha256,
                    ordinal=len(chunks),
                    context=body[c_start:c_end],
                    context_start=c_start,
                    context_end=c_end,
                    role=roles[i] if doc.kind == "license" else "clause",
                )
            )
    return _with_gaps(body, chunks)


def _subtree_end(units: list[_Unit], i: int) -> int:
    """Where unit ``i`` and all its sub-items end."""
    while units[i].children:
        i = units[i].children[-1]
    return units[i].end


def _with_gaps(body: str, chunks: list[Chunk]) -> list[Chunk]:
    """Record the text between each chunk and the next one (see ``Chunk.gap``)."""
    order = sorted(range(len(chunks)), key=lambda i: (chunks[i].start, chunks[i].end))
    out = list(chunks)
    for i, j in zip(order, order[1:], strict=False):
        if chunks[j].start > chunks[i].end:
            out[i] = replace(chunks[i], gap=body[chunks[i].end : chunks[j].start])
    return out
