"""Clause-aware chunking: split a document along its own numbering, not blind windows.

Legal texts number their clauses in many styles: ``1.`` / ``a.`` / ``i.`` (Llama),
``Section 3`` + ``3.2`` + ``(a)`` (Gemma), markdown ``## 3.`` + ``**3.2.**`` (Mistral),
``4.`` + ``(d)`` (Apache), quoted definitions (``"Agreement" means ...``). We read the
text line by line, recognise clause markers, keep a stack of the enclosing markers to
build a label such as ``§1.b.v`` or ``§3.2 Use Restrictions``, and cut one unit per
clause. Clauses longer than the size limit are split further with
langchain-text-splitters at paragraph and sentence boundaries.

Every chunk is an exact slice ``body[start:end]``, so a quote can always be shown
verbatim and located in the document.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from langchain_text_splitters import RecursiveCharacterTextSplitter

from licensebot.index.models import Chunk, Document

CHUNKER_VERSION = "3"
"""Bump when chunk boundaries or labels change, so existing indexes are rebuilt."""

MAX_CHARS = 1400
SPLIT_CHARS = 1000
SPLIT_OVERLAP = 150
MERGE_BELOW = 90
"""A heading-only unit shorter than this is joined to the clause that follows it."""

_ROMAN = re.compile(r"^(?=[ivxlc]+$)m{0,3}(c[md]|d?c{0,3})(x[cl]|l?x{0,3})(i[xv]|v?i{0,3})$")
_SECTION = re.compile(
    r"^(SECTION|Section|ARTICLE|Article|PART|Part|CHAPTER|Chapter"
    r"|ATTACHMENT|Attachment|APPENDIX|Appendix|ANNEX|Annex|EXHIBIT|Exhibit|SCHEDULE|Schedule)"
    r"\s+(\d{1,3}|[IVXLC]{1,6}|[A-Z])(?:\s*[.:]\s*|\s+[-–—]\s+|\s*$)(.*)$"
)
_DOTTED = re.compile(r"^(\d{1,3}(?:\.\d{1,3})+)\.?(?=\s|\*|$)\s*(.*)$")
_NUMBER = re.compile(r"^(\d{1,2})[.)](?=\s|\*|$)\s*(.*)$")
_PAREN_NUMBER = re.compile(r"^\((\d{1,2})\)\s*(.*)$")
_PAREN_LETTERS = re.compile(r"^\(([a-zA-Z]{1,5})\)\s*(.*)$")
_DOT_LETTERS = re.compile(r"^([a-zA-Z]{1,5})[.)]\s+(.*)$")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_DEFINITION = re.compile(
    r"^[\"“]([^\"”\n]{1,80})[\"”](?:\*\*)?:?"
    r"(?:\s*(?:,|or|and)\s*[\"“][^\"”\n]{1,80}[\"”])*\s*(?:\([^)\n]{0,40}\)\s*)?"
    r"(?:means|shall mean|refers to|is defined as|has the meaning)\b"
)
_PLAIN_TITLE = re.compile(r"^[A-Z][^.;:!?]{2,80}$")
_SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"}


@dataclass
class _Marker:
    style: str
    value: str
    paren: bool = False
    title: str = ""
    word: str = "Section"
    heading: bool = False
    """Written as a markdown heading: numbering may jump (an excerpt, an omitted section)."""


@dataclass
class _Unit:
    start: int
    label: str
    section_id: str
    heading: str
    end: int = 0


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


def _title_from(rest: str, *, whole_line_heading: bool = False) -> str:
    """A short heading at the start of the clause text ("Grant of Rights."), else ''.

    Title Case is required unless the writer marked the heading themselves (bold text or a
    markdown heading line), since "a. No trademark licenses are granted." is a sentence.
    """
    bold = re.match(r"^\s*(?:\*\*|__)?\s*([^*_\n]{2,100}?)\s*(?:\*\*|__)", rest)
    if bold and bold.group(1).strip(" .:"):
        return bold.group(1).strip(" .:")
    if whole_line_heading:
        return _clean_title(rest)
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
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", candidate)]
    if not words or len(words) > 12:
        return ""
    significant = [w for w in words if w.lower() not in _SMALL_WORDS]
    if not significant or not all(w[0].isupper() for w in significant):
        return ""
    return candidate


class _Numbering:
    """The stack of enclosing clause markers while walking down a document."""

    def __init__(self) -> None:
        self.stack: list[_Marker] = []
        self.dec_titles: dict[str, str] = {}
        self.last_top: int | None = None
        self.part = ""
        self.pending_part = ""

    def _find(self, style: str) -> int | None:
        for i, marker in enumerate(self.stack):
            if marker.style == style:
                return i
        return None

    def _current(self, style: str) -> _Marker | None:
        i = self._find(style)
        return self.stack[i] if i is not None else None

    def _follows(self, style: str, value: str) -> bool:
        """Is ``value`` the next (or next but one) item after the current one in ``style``?"""
        current = self._current(style)
        if current is None:
            return False
        if style in ("alpha", "ALPHA"):
            if len(value) != 1 or len(current.value) != 1:
                return False
            step = ord(value.lower()) - ord(current.value.lower())
        elif style in ("roman", "ROMAN"):
            step = _roman_value(value) - _roman_value(current.value)
        else:
            step = int(value) - int(current.value)
        return step in (1, 2)

    def _starts(self, style: str, value: str) -> bool:
        if style in ("alpha", "ALPHA"):
            return value.lower() == "a"
        if style in ("roman", "ROMAN"):
            return value.lower() == "i"
        return value == "1"

    def _letters_style(self, value: str) -> str | None:
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
            if self._starts(style, value):
                # "i" under an open letter item is a sub-item, not the letter after "h".
                if style == alpha and roman in candidates and self._find(alpha) is not None:
                    continue
                return style
        return None

    def accept(self, marker: _Marker) -> bool:
        """Push ``marker`` if it plausibly continues the numbering; False means plain text."""
        style = marker.style
        if style == "def":
            self._pop_defs()
            self.stack.append(marker)
            return True
        if style == "dec" and "." not in marker.value:
            n = int(marker.value)
            if self.last_top is None:
                if n > 10:
                    return False
            elif n == 1 and self.last_top >= 2:
                # A second numbered list (an appended policy, an appendix) starts over.
                self.dec_titles.clear()
                self.part = self.pending_part
            elif n != self.last_top + 1 and not (
                marker.title and (n == self.last_top + 2 or (marker.heading and n > self.last_top))
            ):
                # "7." at the start of a wrapped line ("... under section\n7. This") is text.
                return False
        elif style == "dec":
            parts = marker.value.split(".")
            if "0" in parts[1:] or any(len(p) > 2 for p in parts):
                return False
        elif style == "pnum":
            if not (self._starts(style, marker.value) or self._follows(style, marker.value)):
                return False
        self._pop_defs()
        if style == "dec":
            # Decimal numbering is absolute ("3.2"), so it sits right under any "Section".
            self.stack = [m for m in self.stack if m.style == "section"]
        index = self._find(style)
        if style == "section":
            self.stack = [marker]
            self.last_top = None
            return True
        if index is not None:
            del self.stack[index:]
        self.stack.append(marker)
        if style == "dec":
            top = marker.value.split(".")[0]
            self.last_top = int(top)
            if marker.title:
                self.dec_titles[marker.value] = marker.title
        return True

    def _pop_defs(self) -> None:
        while self.stack and self.stack[-1].style == "def":
            self.stack.pop()

    def reset(self) -> None:
        self.stack = []
        self.last_top = None

    def path(self) -> tuple[str, ...]:
        has_numbers = any(m.style == "dec" for m in self.stack)
        parts: list[str] = []
        for m in self.stack:
            if m.style == "def":
                continue
            if m.style == "section":
                if not has_numbers:
                    parts.append(m.value)
                continue
            parts.append(f"({m.value})" if m.paren else m.value)
        return tuple(parts)

    def breadcrumb(self) -> str:
        crumbs: list[str] = [self.part] if self.part else []
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
        return " > ".join(crumbs)

    def label(self) -> tuple[str, str]:
        """(label, section_id): e.g. ('§3.2 Use Restrictions', '3.2')."""
        path = self.path()
        section_id = _join_path(path)
        deepest = self.stack[-1] if self.stack else None
        if deepest is not None and deepest.style == "def":
            prefix = f"§{section_id} " if section_id else ""
            return f"{prefix}definition of “{deepest.value}”", section_id
        if not section_id:
            return "", ""
        title = deepest.title if deepest is not None else ""
        if deepest is not None and deepest.style == "section" and section_id == deepest.value:
            return f"{deepest.word} {section_id}" + (f" {title}" if title else ""), section_id
        top = self.stack[0]
        if top.style == "section" and top.word != "Section" and section_id.startswith(top.value):
            # "Attachment A(c)" reads better than "§A(c)" for appendices.
            return f"{top.word} {section_id}" + (f" {title}" if title else ""), section_id
        return f"§{section_id}" + (f" {title}" if title else ""), section_id


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
    return text, level


def _marker_for(line: str, numbering: _Numbering) -> _Marker | None:
    text, md_level = _strip_decoration(line)
    if not text:
        return None
    m = _SECTION.match(text)
    if m:
        word = m.group(1).capitalize()
        return _Marker("section", m.group(2), title=_clean_title(m.group(3)), word=word)
    heading = md_level > 0
    m = _DOTTED.match(text) or _NUMBER.match(text)
    if m:
        title = _title_from(m.group(2), whole_line_heading=heading)
        return _Marker("dec", m.group(1), title=title, heading=heading)
    m = _PAREN_NUMBER.match(text)
    if m:
        return _Marker("pnum", m.group(1), paren=True, title=_title_from(m.group(2)))
    for pattern, paren in ((_PAREN_LETTERS, True), (_DOT_LETTERS, False)):
        m = pattern.match(text)
        if m:
            style = numbering._letters_style(m.group(1))
            if style is None:
                return None
            return _Marker(style, m.group(1), paren=paren, title=_title_from(m.group(2)))
    if md_level:
        return _Marker("md", text.strip("*_ ").rstrip(":"), title=_clean_title(text))
    m = _DEFINITION.match(text)
    if m:
        return _Marker("def", m.group(1).strip())
    return None


def _clean_title(text: str) -> str:
    text = text.strip().strip("*_").strip().rstrip(".:").strip()
    return text if len(text) <= 100 else ""


def _lines(body: str) -> Iterator[tuple[int, str]]:
    pos = 0
    for line in body.splitlines(keepends=True):
        yield pos, line
        pos += len(line)


def _units(body: str) -> list[_Unit]:
    numbering = _Numbering()
    md_heading = ""
    units: list[_Unit] = [_Unit(0, "", "", "")]
    prev_blank = True
    prev_closed = True
    for pos, line in _lines(body):
        stripped = line.strip()
        if not stripped:
            prev_blank = True
            continue
        marker = _marker_for(line, numbering)
        if marker is not None and marker.style == "def" and not (prev_blank or prev_closed):
            marker = None  # a quoted term inside a wrapped sentence is not a definition
        if marker is None and prev_blank and _PLAIN_TITLE.match(stripped):
            numbering.pending_part = stripped
        prev_blank = False
        prev_closed = marker is not None or stripped.endswith((".", ";", ":", "**"))
        if marker is None:
            continue
        if marker.style == "md":
            numbering.reset()
            md_heading = marker.title
            units.append(_Unit(pos + len(line) - len(line.lstrip()), md_heading, "", md_heading))
            continue
        if not numbering.accept(marker):
            continue
        label, section_id = numbering.label()
        crumb = numbering.breadcrumb()
        if md_heading and not crumb.startswith(md_heading):
            crumb = f"{md_heading} > {crumb}" if crumb else md_heading
        start = pos + len(line) - len(line.lstrip())
        units.append(_Unit(start, label, section_id, crumb))
    for unit, nxt in zip(units, units[1:], strict=False):
        unit.end = nxt.start
    units[-1].end = len(body)
    if len(units) > 1:
        units[0].label = "Preamble"
    return units


def _merge_headings(body: str, units: list[_Unit]) -> list[_Unit]:
    """Join a bare heading ("b. Redistribution and Use.") to the clause under it."""
    out: list[_Unit] = []
    carry: int | None = None
    for i, unit in enumerate(units):
        text = body[unit.start : unit.end].strip()
        if not text:
            continue
        nxt = units[i + 1] if i + 1 < len(units) else None
        is_parent = nxt is not None and (
            not unit.section_id
            or (
                len(nxt.section_id) > len(unit.section_id)
                and nxt.section_id.startswith(unit.section_id)
            )
            or bool(
                unit.heading
                and len(nxt.heading) > len(unit.heading)
                and nxt.heading.startswith(unit.heading)
            )
        )
        if len(text) < MERGE_BELOW and is_parent:
            carry = unit.start if carry is None else carry
            continue
        if carry is not None:
            unit.start = carry
            carry = None
        out.append(unit)
    if carry is not None and out:
        out[-1].end = len(body)
    elif carry is not None:
        out.append(_Unit(carry, "", "", "", end=len(body)))
    return out


def _trimmed(body: str, start: int, end: int) -> tuple[int, int]:
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    return start, end


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
    for piece in _SPLITTER.split_text(text):
        at = text.find(piece, cursor)
        if at < 0:  # the splitter only ever drops whitespace, so this is a bug guard
            at = text.find(piece)
        if at < 0:
            continue
        yield start + at, start + at + len(piece)
        cursor = at + 1


def chunk_document(doc: Document) -> list[Chunk]:
    body = doc.body
    units = _merge_headings(body, _units(body))
    chunks: list[Chunk] = []
    for unit in units:
        spans = list(_pieces(body, unit.start, unit.end))
        for part, (start, end) in enumerate(spans, 1):
            label = unit.label
            if len(spans) > 1:
                label = f"{label} (part {part} of {len(spans)})".strip()
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
                )
            )
    return chunks
