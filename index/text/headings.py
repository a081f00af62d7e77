"""Chunking, phase 4: a heading alone joins the clause under it, and a list written inline
("... the following: (a) ... (b) ...") becomes units of its own.
"""

from __future__ import annotations

import re

from licensebot.index.text.markers import Unit, is_all_caps, is_title_case, title_from
from licensebot.index.text.sizes import MAX_CHARS, MERGE_BELOW

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
        rest = rest if not (is_title_case(rest.rstrip(".: ")) or is_all_caps(rest)) else ""
    return not rest.strip(" \t\n.:*_-")


def merge_headings(body: str, units: list[Unit]) -> list[Unit]:
    """Join a bare heading ("b. Redistribution and Use.") to the clause under it. A merged heading
    is nobody's parent any more: its children's lead-in comes from further up."""
    out: list[Unit] = []
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
        out.append(Unit(carry, "", "", "", end=len(body)))

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


def split_inline_lists(body: str, units: list[Unit]) -> list[Unit]:
    """Split a long unit at its own inline list ("... terms. a. Use Restrictions. ... b. ...") when
    the letters run in order from "a": better than cutting it every thousand characters."""
    out: list[Unit] = []
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
        out.append(Unit(unit.start, unit.label, unit.section_id, unit.heading, end=unit.start + found[0][0],
                         parent=unit.parent, title=unit.title, after_list=unit.after_list))
        bounds = [at for at, _ in found] + [len(text)]
        for letter, (at, nxt) in enumerate(zip(bounds, bounds[1:], strict=False)):
            item = text[at:nxt]
            title = title_from(_INLINE_ITEM.sub("", item, count=1))
            value = chr(ord("a") + letter)
            label = f"{unit.label} ({value})" + (f" {title}" if title else "")
            section_id = f"{unit.section_id}({value})" if unit.section_id else ""
            inline.add(len(out))
            out.append(Unit(unit.start + at, label, section_id, unit.heading, end=unit.start + nxt,
                             parent=parent, title=title))
    for i, unit in enumerate(out):
        if i not in inline and unit.parent >= 0:
            unit.parent = moved[unit.parent]
        unit.children = []
    for i, unit in enumerate(out):
        if unit.parent >= 0 and not unit.after_list:
            out[unit.parent].children.append(i)
    return out
