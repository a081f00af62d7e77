"""What kind of rule a clause states, read from its own words: no model, no guessing.

The first kind whose pattern matches wins, in this order:

1. ``definition``  - the sentence defines a term: '"Outputs" means ...', 'X shall mean ...'.
2. ``disclaimer``  - warranty or liability disclaimers: "AS IS", "WITHOUT WARRANTY",
   "IN NO EVENT ... LIABLE", "disclaims", and disclaimed rights: "Google claims no rights in Outputs".
3. ``condition``   - the rule applies only in a case: a sentence that opens with "If", "Unless",
   "In the event", "Where", "Provided that", or holds "provided that", "only if", "as long as",
   "on condition that", "the following conditions", "if you meet/comply with".
4. ``prohibition`` - a negated duty or permission: "shall not", "will not", "must not", "may not",
   "cannot", "agree not to", "is prohibited", "are not permitted", "no ... licenses are granted",
   "does not grant", "nothing in this Agreement grants", "nor may", "Neither X nor Y may".
5. ``obligation``  - "must", "shall", "is required to", "agree to", "will" + verb (of the licensee).
6. ``permission``  - "may", "can", "hereby grants", "is granted", "permission is hereby granted",
   "are free to", "is permitted", "you are allowed".

A sub-item without a rule word of its own ("(a) In any way that violates any applicable law")
takes the kind of its lead-in ("You agree not to use the Model ...:" - a prohibition). A sentence
that matches none is left unlabelled rather than guessed.
"""

from __future__ import annotations

import re
from typing import Literal

from licensebot.index.text import heading_length

Rule = Literal["definition", "disclaimer", "condition", "prohibition", "obligation", "permission"]

_PATTERNS: tuple[tuple[Rule, re.Pattern[str]], ...] = (
    ("definition", re.compile(
        r"^\W*(?:\(?[a-z0-9]{1,4}[.)]\s*)?(?:\*\*)?[\"“'‘][^\"”’']{1,80}[\"”’'](?:\*\*)?[^.]{0,80}?"
        r"\b(?:means|shall mean|refers to|is defined as|has the meaning)\b"
        r"|^\W*(?:as used (?:in|herein)|for (?:the )?purposes of this)\b[^.]{0,80}\bmeans\b"
        r"|^\W*[\w\s-]{2,40}\b(?:means|shall mean)\b",
        re.IGNORECASE)),
    ("disclaimer", re.compile(
        r"\bas[\s-]+is\b|\bwithout warrant|\bdisclaim|\bno warrant|\bnot\s+(?:be\s+)?liable\b"
        r"|\bin no event\b[^.]{0,200}\bliable\b|\blimitation of liability\b|\bnot responsible for\b"
        r"|\bclaims? no (?:ownership )?(?:rights?|ownership)\b",
        re.IGNORECASE)),
    ("condition", re.compile(
        r"^\W*(?:\(?[a-z0-9]{1,4}[.)]\s*)?(?:if|unless|in the event|where|provided that|in case|once)\b"
        r"|\bprovided,?\s+(?:however,?\s+)?that\b|\bonly if\b|\bas long as\b|\bso long as\b"
        r"|\bon (?:the )?condition that\b|\bthe following conditions\b|\bconditioned (?:up)?on\b"
        r"|\bif (?:and only if )?you (?:meet|comply|satisfy)\b",
        re.IGNORECASE)),
    ("prohibition", re.compile(
        r"\b(?:shall|will|must|may|can|should)\s+not\b|\bcannot\b|\b(?:won't|can't|mustn't|shan't)\b"
        r"|\bagrees?\s+not\s+to\b|\b(?:is|are)\s+(?:expressly\s+)?(?:prohibited|forbidden)\b"
        r"|\bnot\s+(?:be\s+)?(?:permitted|allowed|authori[sz]ed)\b|\bno\s+(?:\w+\s+){0,2}licen[cs]es?\s+"
        r"(?:is|are)\s+granted\b|\bdoes\s+not\s+grant\b|\bnor\s+(?:may|shall|will)\b"
        r"|\bneither\b[^.;]{1,200}\bnor\b[^.;]{1,200}\b(?:may|shall|will|can)\b|\byou may not\b"
        r"|\bnothing in (?:this|the)\b[^.]{0,60}\bgrants?\b|\bgrants? (?:you )?no\b",
        re.IGNORECASE)),
    ("obligation", re.compile(
        r"\b(?:must|shall|is required to|are required to|agrees? to|undertakes? to|has to|have to|needs? to)\b"
        r"|\b(?:you|licensee|recipient)\s+will\s+(?!not\b)\w+",
        re.IGNORECASE)),
    ("permission", re.compile(
        r"\b(?:may|can)\b|\bhereby grants?\b|\b(?:is|are)\s+(?:hereby\s+)?granted\b|\bpermission is hereby granted\b"
        r"|\bfree to\b|\b(?:is|are)\s+permitted\b|\ballowed to\b|\bgrants? (?:to )?you\b|\blicense to\b",
        re.IGNORECASE)),
)
_BOILERPLATE_CONDITION = re.compile(
    r"\bsubject to (?:the terms|this (?:license|agreement)|your compliance)", re.IGNORECASE
)
"""'Subject to the terms of this License, each Contributor grants ...' is a grant, not a condition."""


def classify(sentence: str, lead_in: str = "") -> Rule | None:
    """The kind of rule ``sentence`` states; a sub-item without a rule word takes its lead-in's."""
    text = _BOILERPLATE_CONDITION.sub("", sentence[heading_length(sentence) :])
    for rule, pattern in _PATTERNS:
        if pattern.search(text):
            return rule
    return classify(lead_in) if lead_in else None
