"""Chunking, phase 3: the text read line by line into units (one per clause, definition or
heading), each with its label, heading path and parent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from licensebot.index.text.markers import (
    BULLET,
    DEFINITION,
    DOT_LETTERS,
    DOTTED,
    MD_HEADING,
    NUMBER,
    PAREN_LETTERS,
    PAREN_NUMBER,
    RUN_IN,
    SECTION,
    Marker,
    Unit,
    clean_title,
    heading_phrase,
    roman_value,
    title_from,
)
from licensebot.index.text.numbering import Numbering

_ESCAPED_NUMBER = re.compile(r"^(\d{1,3})(?:\\|\*\*|__)([.)])")


def _strip_decoration(line: str) -> tuple[str, int]:
    """Drop indentation and markdown emphasis before a marker; return (text, md level)."""
    text = line.strip()
    level = 0
    md = MD_HEADING.match(text)
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
    return phrase if heading_phrase(phrase, unnumbered=True) else ""


def _numbered_marker(text: str, md_level: int, numbering: Numbering, next_line: str = "") -> Marker | None:
    m = SECTION.match(text)
    if m:
        word = m.group(1).capitalize()
        return Marker("section", m.group(2), title=clean_title(m.group(3)), word=word)
    heading = md_level > 0
    m = DOTTED.match(text) or NUMBER.match(text)
    if m:
        title = title_from(m.group(2), whole_line_heading=heading) or _line_title(m.group(2), next_line)
        return Marker("dec", m.group(1), title=title, heading=heading)
    m = PAREN_NUMBER.match(text)
    if m:
        return Marker("pnum", m.group(1), paren=True, title=title_from(m.group(2)))
    m = BULLET.match(text)
    if m:
        return Marker("bullet", "")
    for pattern, paren in ((PAREN_LETTERS, True), (DOT_LETTERS, False)):
        m = pattern.match(text)
        if m:
            style = numbering.letters_style(m.group(1))
            if style is None:
                return None
            return Marker(style, m.group(1), paren=paren, title=title_from(m.group(2)))
    return None




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


def _paragraph_text(lines: list[_Line], first: int) -> str:
    """The text of the paragraph that starts with ``lines[first]`` (by position: looking the line
    up by value compared every line before it, field by field, once per paragraph)."""
    out: list[str] = []
    for line in lines[first:]:
        if out and line.starts_paragraph:
            break
        out.append(line.text)
    return "".join(out)


def _marker_values(lines: list[_Line]) -> set[tuple[str, str]]:
    """(kind, value) of every line that could open a numbered item, for the next-sibling check."""
    found: set[tuple[str, str]] = set()
    for line in lines:
        text, _ = _strip_decoration(line.text)
        for kind, pattern in (("num", NUMBER), ("pnum", PAREN_NUMBER), ("let", PAREN_LETTERS),
                              ("let", DOT_LETTERS)):
            m = pattern.match(text)
            if m:
                found.add((kind, m.group(1).lower()))
    return found


def _next_value(marker: Marker) -> tuple[str, str]:
    style, value = marker.style, marker.value
    if style in ("alpha", "ALPHA"):
        return "let", chr(ord(value.lower()) + 1)
    if style in ("roman", "ROMAN"):
        numerals = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"]
        n = roman_value(value)
        return "let", numerals[n] if n < len(numerals) else ""
    if style == "pnum":
        return "pnum", str(int(value) + 1)
    return "num", str(int(value) + 1)


def read_units(body: str) -> list[Unit]:
    lines = _lines(body)
    values = _marker_values(lines)
    numbered_doc = sum(1 for line in lines if NUMBER.match(line.text.strip()) or DOTTED.match(line.text.strip())
                       or SECTION.match(line.text.strip())) >= 3
    numbering = Numbering()
    units: list[Unit] = [Unit(0, "", "", "")]
    prev_closed = True
    part_title: _Line | None = None
    """A title-like line since the last marker: a part's title if numbering then starts over."""
    first = True

    def open_unit(line: _Line, marker: Marker | None) -> None:
        label, section_id = numbering.label()
        crumbs = numbering.titles()
        parent = next((m.unit for m in reversed(numbering.stack) if m is not marker and m.unit >= 0), -1)
        start = line.pos + len(line.text) - len(line.text.lstrip())
        title = marker.title if marker is not None else ""
        definition = marker is not None and marker.style == "def"
        units.append(Unit(start, label, section_id, " > ".join(crumbs), parent=parent, title=title,
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
            and Numbering.starts(marker.style, marker.value)
            and _next_value(marker) not in values
        ):
            marker = None  # a list that starts here must go on: "(1) assert ... and (2) offer" is text
        if marker is None and md_level:
            marker = Marker("md", text.strip("*_ ").rstrip(":"), title=clean_title(text))
        if marker is None:
            d = DEFINITION.match(text)
            if d and (line.starts_paragraph or prev_closed):
                marker = Marker("def", d.group(1).strip())
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
                lead_in = _paragraph_text(lines, n).rstrip().endswith(":")
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
            units.append(Unit(start, marker.title, "", marker.title, title=marker.title))
            continue
        if marker.style == "hd" and marker.alone and (numbered_doc or numbering.numbered()):
            numbering.reset()  # a heading line of its own starts a new part of a numbered text
        if (
            marker.style == "dec" and marker.value == "1" and part_title is not None
            and numbering.last_top is not None and numbering.last_top >= 2
        ):
            # "1." again after "7.": a new numbered part; the title-like line before it names it.
            title = part_title.text.strip()
            heading = Marker("hd", title, title=title, alone=True, introduces_numbering=True, restart=True)
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
    return not text.endswith((".", ",", ";", ":")) and heading_phrase(text, unnumbered=False)


def _heading_marker(line: _Line, text: str, *, sentence_case: bool, in_numbering: bool) -> Marker | None:
    """A heading line of its own ("GENERAL TERMS"), or a run-in heading ("Outputs. We claim ...").

    Run-in headings count only where no numbering is in effect (numbered texts put their titles
    after the number); sentence-case headings ("Who we are") only in texts without numbering."""
    if line.alone:
        phrase = text.strip().strip("*_").rstrip(":.").strip()
        if phrase and not phrase.endswith((",", ";")) and heading_phrase(phrase, unnumbered=sentence_case):
            # A heading line is above the run-in headings of its own indentation only when it
            # introduces them ("Using our Services" / "What you can do. ..."); otherwise it is one
            # of them without body text ("INDEMNIFICATION", "License Grant.").
            nxt = line.next_paragraph
            introduces = nxt is not None and nxt.indent == line.indent and bool(
                (m := RUN_IN.match(nxt.text.strip())) and m.group(2) is not None
            )
            follows = nxt.text.strip() if nxt is not None else ""
            numbering_follows = any(p.match(follows) for p in (NUMBER, DOTTED, SECTION, PAREN_NUMBER))
            return Marker("hd", phrase, title=phrase, runin=not introduces, alone=True,
                           introduces_numbering=numbering_follows)
    if in_numbering:
        return None
    m = RUN_IN.match(text.strip())
    if m and m.group(2) is not None and heading_phrase(m.group(1).strip(), unnumbered=sentence_case):
        return Marker("hd", m.group(1).strip(), title=m.group(1).strip(), runin=True)
    return None
