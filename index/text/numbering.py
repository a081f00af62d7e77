"""Chunking, phase 2: the stack of open numberings while a text is read line by line: which
marker continues, nests in or closes which list, and the label and heading path it gives.
"""

from __future__ import annotations

from licensebot.index.text.markers import LETTERS, NESTED, Marker, is_roman, roman_value


class Numbering:
    """The stack of enclosing clause markers while walking down a document."""

    def __init__(self) -> None:
        self.stack: list[Marker] = []
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

    def _current(self, style: str) -> Marker | None:
        i = self._find(style)
        return self.stack[i] if i is not None else None

    def numbered(self) -> bool:
        """Is any numbering (not only headings, definitions and bullets) in effect?"""
        return any(m.style not in ("def", "hd", "item", "md", "bullet") for m in self.stack)

    def _follows(self, style: str, value: str) -> bool:
        """Is ``value`` the next (or next but one) item after the current one in ``style``?"""
        current = self._current(style)
        if current is None and style in self.last_seen:
            current = Marker(style, self.last_seen[style])
        if current is None:
            return False
        style = style.removesuffix(NESTED)
        if style in ("alpha", "ALPHA"):
            if len(value) != 1 or len(current.value) != 1:
                return False
            step = ord(value.lower()) - ord(current.value.lower())
        elif style in ("roman", "ROMAN"):
            step = roman_value(value) - roman_value(current.value)
        else:
            step = int(value) - int(current.value)
        return step in (1, 2)

    @staticmethod
    def starts(style: str, value: str) -> bool:
        style = style.removesuffix(NESTED)
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
        if is_roman(value):
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

    def accept(self, marker: Marker) -> bool:
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
        if style in LETTERS:
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
        elif style in ("pnum", "sub") or style.endswith(NESTED):
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

    def _letters_by_indent(self, marker: Marker) -> str:
        """Letters or numerals inside a numbered item that is itself inside the same kind of list
        (Creative Commons' Section 2(a)(1)(a), 3(a)(1)(b)) form a nested list of their own,
        told apart from the outer one by indentation."""
        style = marker.style
        nested = self._current(style + NESTED)
        if nested is not None and marker.indent >= nested.indent and self._follows(style + NESTED, marker.value):
            return style + NESTED
        outer = self._current(style)
        top = self.stack[-1] if self.stack else None
        if (
            outer is not None and top is not None and top is not outer and self.starts(style, marker.value)
            and outer.indent < top.indent < marker.indent
        ):
            return style + NESTED
        return style

    def _nests_by_indent(self, marker: Marker) -> bool:
        if not self.stack or marker.value != "1":
            return False
        top = self.stack[-1]
        return top.style.removesuffix(NESTED) in (*LETTERS, "pnum") and marker.indent > top.indent

    @staticmethod
    def _level(marker: Marker) -> tuple[int, int]:
        """Headings nest by indentation; at equal indentation a heading line is above a run-in
        heading, which is above an untitled item."""
        rank = {"hd": 1 if marker.runin else 0, "item": 2}.get(marker.style, -1)
        return (marker.indent, rank)

    def accept_item(self, indent: int, lead_in: bool) -> Marker | None:
        """An untitled paragraph indented under a heading or under a paragraph that ends with a
        colon (a list item whose number was lost). ``lead_in``: this paragraph ends with a colon."""
        self._pop_defs()
        item = Marker("item", "", indent=indent)
        level = self._level(item)
        while self.stack and self.stack[-1].style == "item" and self._level(self.stack[-1]) >= level:
            self.stack.pop()
        parent = self.stack[-1] if self.stack else None
        if parent is None or parent.style not in ("hd", "item") or indent <= parent.indent:
            if lead_in and (parent is None or parent.style in ("hd", "item")) and not self.numbered():
                # "You may not use nor allow others to use Gemma ... to:" opens a list.
                lead = Marker("item", "", indent=indent)
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
            and self.stack[-1].style.removesuffix(NESTED) in (*LETTERS, "pnum", "sub")
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
