"""Chunking, phase 6: the role of each unit: operative clause, preamble, definition or appendix
(how to apply the license, form blanks), which ranking weighs.
"""

from __future__ import annotations

import re

from licensebot.index.text.markers import Unit

_PREAMBLE = re.compile(r"\bpreamble\b|\brecitals?\b|\bintroduction\b", re.IGNORECASE)
_DEFINITIONS = re.compile(r"definitions?(?: of capitali[sz]ed words)?", re.IGNORECASE)
_DEFINES = re.compile(
    r"(?m)^\W*(?:[\w.()]{1,10}[.)]?\s+)?[“\"][^”\"\n]{1,60}[”\"](?:\s*\([^)\n]{0,60}\))?,?\s+(?:shall\s+)?(?:means?|refers?\s+to)\b"
)
"""A unit that opens by defining a term ('2. “Data” means ...', '9. "You" (or "Your") shall mean ...'), on
its first line or after its section's heading ('1. Definitions\n----\n\n1.1. "Contributor"\n    means')."""
_HEADING_NUMBER = re.compile(r"^\s*(?:(?:section|article)\s+)?([\dIVX]+(?:\.\d+)*)?[.:]?\s*", re.IGNORECASE)


_APPENDIX = re.compile(r"\bhow to apply\b|\blicense notice\b", re.IGNORECASE)
"""Instructions for applying the license to your own work, and notice templates: not terms. (Not
"everything after END OF TERMS AND CONDITIONS": RAIL licenses attach their use restrictions there;
but a unit that opens with "APPENDIX: How to apply ...", and the items under it, is the appendix.)"""
_OPENING = 200


_FORM_FIELD = re.compile(r"[^\[\]\n]{1,40}:\s*\[[^\]\n]{1,80}\]")
"""A blank to fill in ("Software: [name software]", "Licensor: [ABC company]"): a form, not a term."""


def _in_definitions(unit: Unit) -> bool:
    """Is a numbered unit a "Definitions" section or one of its items (OpenRAIL's '(a) "License"
    means ...', EXAONE's "1.4 Licensor")? Under a numbered Definitions heading, only a unit whose
    number continues the heading's is: a heading path can run on past its section ('1 DEFINITIONS
    > 3.5 Required Notices')."""
    if not unit.section_id:
        return False
    for part in [unit.title, *unit.heading.split(" > ")]:
        found = _HEADING_NUMBER.match(part)
        number = found.group(1) if found else None
        name = part[found.end():] if found else part
        if _DEFINITIONS.fullmatch(name.strip(" .:")) and (
            not number or part is unit.title or re.match(rf"{re.escape(number)}(?![\d])", unit.section_id)
        ):
            return True
    return False


def assign_roles(body: str, units: list[Unit]) -> list[str]:
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
        # A numbered unit is named by its own title only: under a heading "Preamble" (the ODbL's
        # "### Preamble" before "### 1.0 Definitions", OpenRAIL's "Section I: PREAMBLE" before
        # "1. Definitions") its terms are still terms.
        names = unit.title if unit.section_id else f"{'' if auto else unit.label} {unit.heading}"
        text = body[unit.start : unit.end]
        if unit.definition or "definition of" in unit.label or _DEFINES.search(text[:_OPENING]) or (
            _in_definitions(unit)
        ):
            roles.append("definition")
        elif (
            _APPENDIX.search(unit.label) or _APPENDIX.search(unit.heading) or _APPENDIX.search(text[:_OPENING])
            or _FORM_FIELD.fullmatch(text.strip())
            or (0 <= unit.parent < len(roles) and roles[unit.parent] == "appendix")
        ):
            roles.append("appendix")
        elif _PREAMBLE.search(names) or (
            first_numbered is not None and unit.start < first_numbered
        ):
            roles.append("preamble")
        else:
            roles.append("clause")
    return roles
