"""Clauses whose job is legal housekeeping rather than what a licensee may or must do.

A warranty or liability disclaimer, a trademark reservation, governing law, severability, entire
agreement and the like are in every license, so a question's everyday words ("use", "product",
"company") meet them as often as the clause that answers. They may be quoted, but they lead only a
question about them: "are there warranties?", "which courts?", "may we use their logo?".

A clause's topic is read from its section label ("§5 LIMITATION ON LIABILITY", "Trademarks",
"9.2 Entire Agreement"), where drafters name it; the sentence itself is also read for warranty and
liability wording, which is often unlabelled.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from licensebot.index.documents import Hit


@dataclass(frozen=True)
class Housekeeping:
    name: str
    label: re.Pattern[str]
    """Matches the section label of a clause on this topic."""
    asked: re.Pattern[str]
    """Matches a question about this topic."""
    said: re.Pattern[str] | None = None
    """When set, a sentence is on the topic only if it matches this too: a section headed
    "Limitations and Disclaimers" may open with "No patent rights ... are waived"."""

    def covers(self, label: str, sentence: str) -> bool:
        return bool(self.label.search(label)) and (self.said is None or bool(self.said.search(sentence)))


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


WARRANTY = Housekeeping(
    "warranty and liability",
    label=_re(r"\bwarrant|\bliabilit|\bdamages\b|\bindemn|\bdisclaim|\bas[- ]is\b"),
    asked=_re(r"\bwarrant|\bguarantee|\bliab|\bdamages\b|\bas[- ]is\b|\bdisclaim|\bindemn|\bsue[ds]?\b|\blawsuit|"
              r"\brisks?\b|\bdefects?\b|\bresponsible for (?:any |the )?(?:defects?|damages?|errors?|bugs?|harm|loss)"),
    said=_re(r"\bwarrant|\bliab|\bdamages\b|\bas[- ]is\b|\bmerchantab|\bfitness\b|\bindemn|\bresponsib|\brisks?\b"),
)
# Only labels that name the topic outright: "General Provisions", "Miscellaneous", "Waiver",
# "Assignment" and "Publicity" head operative terms too (Artistic-2.0's patent grant, CC0's waiver).
TOPICS = (
    # "Accepting Warranty or Additional Liability" (Apache §9 and licenses built on it) lets you
    # charge for support or a warranty: it answers that, not "may we sell a product built on it".
    # First: its label names warranty and liability too, and the first topic that covers wins.
    Housekeeping("support and warranty offered for a fee",
                 label=_re(r"\baccepting warranty|\badditional liability"),
                 asked=_re(r"\bsupport\b|\bwarrant|\bindemn|\bliab")),
    WARRANTY,
    Housekeeping("trademarks",
                 label=_re(r"\btrademark|\blogos?\b|\buse of (?:the )?names?\b"),
                 asked=_re(r"\btrademark|\blogos?\b|\bbrand|\bendorse|\b(?:the|their|its|a|our) names?\b|"
                           r"\bnam(?:ed|ing)\b|\bcall (?:it|our|the)\b")),
    Housekeeping("law and disputes",
                 label=_re(r"\bgoverning law|\bapplicable law|\bchoice of law|\bjurisdiction|\bvenue\b|\barbitration"),
                 asked=_re(r"\blaws? (?:of|governs?|applies|apply)\b|\b(?:which|what) (?:\w+ )?laws?\b|\bgoverned by\b|"
                           r"\bgoverning law|\bcourts?\b|\bjurisdiction|"
                           r"\bvenue\b|\bdispute|\barbitrat|\bsue[ds]?\b|\blawsuit|\blitigat|"
                           r"\bwhich (?:country|state)\b")),
    # A policy's closing lines on how to report a violation or a bug, in a section with no label
    # ("Reporting issues with the model: https://..."): they answer "how do we report ...?".
    Housekeeping("reporting problems",
                 label=_re(r"^"),
                 asked=_re(r"\breport|\bnotify|\bcontact\b|\bwho (?:do|should|must) (?:we|i) (?:tell|inform)\b"),
                 said=_re(r"^\W*(?:reporting\b|please report\b|to report\b|report (?:any )?(?:violations?|issues?|"
                          r"bugs?|problems?|risky)\b)")),
    # That the licensor may update the document, and when it last did ("Google reserves the right to
    # update this Gemma Prohibited Use Policy from time to time. Last modified: ..."), often under
    # a label of its own or none; the sentence carries the policy's name and so its words.
    Housekeeping("changes to the document",
                 label=_re(r"^"),
                 asked=_re(r"\b(?:updat|chang|modif|amend|revis)\w*\b[^?]{0,40}\b(?:terms|polic|licen[cs]e|agreement)"
                           r"|\bnew version|\blast (?:modified|updated|revised)|\bwhen was\b"),
                 said=_re(r"\breserves? the right to (?:update|modify|change|amend|revise)\b[^.]{0,40}"
                          r"\b(?:policy|terms|agreement|licen[cs]e)\b|^\W*last (?:modified|updated|revised)\b")),
    Housekeeping("interpretation",
                 label=_re(r"\bseverab|\bentire agreement|\binterpretation\b|\bcounterparts\b"),
                 asked=_re(r"\bseverab|\bentire agreement|\binterpret|\binvalid|\bunenforceable")),
)


def housekeeping(label: str, sentence: str) -> Housekeeping | None:
    """The housekeeping topic of ``sentence`` in a clause labelled ``label``, if any."""
    return next((t for t in TOPICS if t.covers(label, sentence)), None)


def asks_about_warranty(question: str) -> bool:
    return bool(WARRANTY.asked.search(question))


def leads_for(label: str, sentence: str, question: str) -> bool:
    """May ``sentence``, of a clause labelled ``label``, lead an answer to ``question``? Yes
    unless it is housekeeping the question does not ask about."""
    topic = housekeeping(label, sentence)
    return topic is None or bool(topic.asked.search(question))


def housekeeping_last(hits: Sequence[Hit], question: str, keep: Collection[str] = ()) -> list[Hit]:
    """``hits`` with the housekeeping clauses that ``question`` does not ask about after the
    others, each group in its order: a warranty disclaimer that shares the question's everyday
    words is not what it asks. ``keep``: ids of chunks the question picks out by a rare word or a
    quoted phrase ("Santa Clara"), which it is about whatever their topic."""
    def aside(hit: Hit) -> bool:
        topic = housekeeping(hit.chunk.section, hit.chunk.text)
        return topic is not None and hit.chunk.id not in keep and not topic.asked.search(question)

    flags = [aside(h) for h in hits]
    return [h for h, f in zip(hits, flags, strict=True) if not f] + [h for h, f in zip(hits, flags, strict=True) if f]
