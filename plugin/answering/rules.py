"""What kind of rule a clause states, read from its own words: no model, no guessing.

A sentence is read the way a lawyer reads it: its *main clause* decides; the words around it
only qualify it. The steps, in order:

1. No rule (``None``): courtesy requests and advice ("would be appreciated", "are encouraged
   to", "we recommend", "you are advised that you may have to ..."), notice templates ("Copyright
   [yyyy] ...", "You may obtain a copy of the License at ...") and what the document itself is
   ("This License is not an Open Source license").
2. The main clause: numbering and headings (also one run into the sentence without a full stop),
   framing words ("However,", "For clarity,", "Note that", "The change is that,") and leading
   clauses that only qualify ("Subject to ...,", "Conditioned on ...,", "Except as ...,",
   "Unless ...,", "Notwithstanding ...,", "With respect to ...,", "Upon ...,", "While ...,") are set
   aside. Parentheticals, quotations and relative, purpose or reported clauses (", which Meta
   may grant", "content that may be harmful", "as may be amended", "so that ...", "a notice
   saying it may be ...") are removed: a "may" there grants nothing.
3. ``disclaimer`` when a disclaimer is the subject ("The disclaimer of warranties ... shall be
   interpreted ..."); ``definition`` when a term is defined: '"X" means / refers to / includes /
   is ...', "X shall mean", "is referred to as", "includes, but is not limited to", a bare Term
   "may include" ("Use may include ..."), "the licensor is the ...".
4. ``condition`` when the main clause opens with a case - "If", "When", "Where", "Should ...",
   "Once", "In the event", "In the case of", "In order to", "As a condition of", "Provided that" -
   and goes on to state a rule or a consequence (a case followed by a bare fact states no rule).
5. ``disclaimer`` anywhere: "AS IS", "without warranty", "no warranty", "in no event ... liable",
   "disclaims", "makes no representations", "does not warrant", "claims no rights", "entire risk",
   "at your own risk", "may not always be accurate", "we are not obligated to".
6. ``condition`` when the rule holds only while or if something is so: "only if", "so long as",
   "on condition that" (not a grant said to be "without conditions").
7. Otherwise the *first* rule word of the main clause decides; later conjuncts ("..., and must
   not ...", "except that you may ...", "provided that you do not ...") only qualify it:
   - ``prohibition``: withheld rights ("does not grant/cover/imply", "no ... license is granted",
     "is not licensed", "nothing in this License permits", "gives no permission", "rights are
     reserved", "this License does not apply in ..."), negated duties and permissions ("shall/
     must/may/will not", "cannot", "agree not to", "is prohibited", "is not allowed", "neither ...
     nor ... may", "No use ... can", "no one ... has the right", an imperative "do not");
   - ``definition``: negated definitions ("does not include", "shall not include", "is not
     deemed", "is not a Derivative Model", "is not conveying", "never produces", "does not define");
   - ``obligation``: "must", "shall", "is required to", "is responsible for", "agree/undertake/
     commit to", "has to", and "will" + an act of a short subject ("You will indemnify", "The
     arbitration will be conducted");
   - ``permission``: "may", "can", "grants you", "is granted", "is permitted", "free to", "has
     permission / the right to", "usable", and lifted restrictions ("need not", "is not required
     to", "does not limit you from", "does not impose any restriction").
   Uses of these words that state no rule are passed over: "may" of possibility ("may contain",
   "may include", "may be subject to", "may still ...", unless said of the licensee), "may" said
   of people in general ("A licensor may make requests", "These owners may contribute"), "will"
   of prediction ("the likelihood that a crime will ..."), time or consequence ("will continue",
   "shall survive", "will terminate", "will be void", "shall be governed", "does not apply"),
   "should" (advice). A rule addressed to someone other than the licensee that applies "if you
   ..." ("Meta may terminate this Agreement if you are in breach", "the rights are not granted to
   you if you are ...") is about the licensee's case: ``condition``.
8. A list item without a rule word of its own ("(a) In any way that violates any applicable
   law") completes the last sentence of its lead-in - one that ends open (":", "to") or announces
   "the following" - and takes its kind ("You agree not to use the Model:" - a prohibition); an
   item of a proviso ("You may distribute ..., provided that:", "subject to the following
   conditions") is a ``condition``. A sentence that matches none of this is left unlabelled
   rather than guessed.
"""

from __future__ import annotations

import re
from typing import Literal

from licensebot.index.text import heading_length

Rule = Literal["definition", "disclaimer", "condition", "prohibition", "obligation", "permission"]

_I = re.IGNORECASE

_NO_RULE = re.compile(
    r"\bwould be appreciated\b|\b(?:is|are) (?:strongly )?encouraged to\b|\bwe (?:kindly )?(?:ask|request) that\b"
    r"|\bwe recommend\b|\byou are (?:hereby )?advised (?:that|to)\b"
    r"|\[(?:yyyy|year|name of [^\]]*|fullname)\]|<(?:year|name of [^>]*|copyright holders?)>"
    r"|\bobtain a copy of (?:the|this) licen[cs]e at\b",
    _I,
)
"""Courtesy requests, advice and notice templates: they bind no one."""
_DOCUMENT_STATUS = re.compile(
    r"^(?:the|this)\b[^,;]{0,60}?\b(?:licen[cs]e|agreement|document) (?:is|are) (?:not )?an?\b", _I
)
"""What the license document itself is ("This License is not an Open Source license")."""

_DEFINED_TERM = re.compile(
    r"^\W*[\"“'‘][^\"”’']{1,80}[\"”’'](?:\s+(?:is|are)\b|[^.]{0,80}?"
    r"\b(?:means|shall mean|refers to|is defined as|has the meaning|(?:also )?includes)\b)"
    r"|^\W*(?:as used (?:in|herein)|for (?:the )?purposes of)\b[^.]{0,80}\b(?:means|refers to)\b",
    _I,
)
"""A quoted term defined: '"Outputs" means ...', '"Licensed patents" are ...'."""
_DEFINES = re.compile(
    r"^(?:(?!\b(?:may|must|shall|will|can|not|that|which|who|if|when|where|unless)\b)[\w\s-]){2,40}"
    r"\b(?:means|shall mean|refers to)\b"
    r"|\breferred to (?:herein )?as\b|\bincludes?,? but (?:is |are )?not limited to\b"
    r"|^(?!(?:the|this|these|those|our|your|its|their|a|an|any|each|all|no|you|we|they|it)\b)"
    r"(?-i:[A-Z][\w-]*(?: [A-Z][\w-]*)*) (?:may )?includes?\b"
    r"|^(?!(?:this|that|it|there|these|those|you|we|they)\b)(?:the |your |an? )?[\w-]+(?: [\w-]+){0,2}"
    r" (?:is|are) (?:all |any )?the\b",
    _I,
)
"""A term defined without quotes: "Use means ...", "X is referred to as ...", "Use may include ...",
"X includes, but is not limited to, ...", "the licensor is the ..."."""
_DISCLAIMER_SUBJECT = re.compile(
    r"^(?:the |this |such |any )?(?:disclaimers?|exclusions?|limitations?) of (?:warrant|liabilit)", _I
)
"""'The disclaimer of warranties ... shall be interpreted ...': a disclaimer as the subject."""

_FRAME = re.compile(
    r"^(?:(?:however|furthermore|therefore|thus|otherwise|additionally|moreover|accordingly|in addition|also"
    r"|for (?:example|instance|clarity|the avoidance of doubt|illustration purposes)"
    r"|as a special exception|(?:for (?:the )?purposes of|as used in)\b[^,]{1,80}|as used herein)\s*,?\s+"
    r"|note that\s+|[^,]{1,60}?\bis that,?\s+"
    r"|(?:subject to|conditioned (?:up)?on|except|unless|notwithstanding|without limiting|with respect to|upon"
    r"|while|within|to the extent|in (?!the event|(?:the )?case|order to|no event))\b[^,]{0,200}?,\s*)",
    _I,
)
"""Leading words and clauses that frame or qualify the main clause without making it conditional."""
_LEADING_CASE = re.compile(
    r"^(?:if|when(?:ever)?|where(?:ver)?|should|once|provided that|in the event|in (?:the )?case|in order to"
    r"|as an? (?:express )?condition (?:of|to|for))\b",
    _I,
)

_DISCLAIMER = re.compile(
    r"\bas-is\b|[\"“'‘]as is\b|\bas is\W+(?:basis|without|with all faults)"
    r"|\bwithout (?:any )?(?:\w+ )?(?:(?:express|implied|or) )*warrant|\bno (?:\w+ )?warrant|\bdisclaims?\b"
    r"|\b(?:in no event|under no circumstances)\b.{0,400}?\bliable\b|\bnot (?:be )?(?:held )?liable\b"
    r"|\bnot responsible for\b|\bmakes? no (?:representations?|warrant)|\b(?:does|do) not (?:represent|warrant)\b"
    r"|\bclaims? no (?:ownership )?(?:rights?|ownership)\b|\b(?:does|do) not claim (?:any )?(?:ownership|rights?)\b"
    r"|\bat (?:your|its) own risk\b|\bassumes? (?:the |all )?(?:entire )?(?:risk|cost) of\b|\bentire risk\b"
    r"|\bmay not apply to you\b"
    r"|\bmay not (?:always )?be (?:accurate|complete|correct|reliable|error[- ]free)\b"
    r"|\b(?:we|licensor) (?:is|are) not (?:obligated|required)\b",
    _I,
)
_CONDITIONAL = re.compile(
    r"\bonly if\b|(?<!for )\b(?:so|as) long as\b|\bon (?:the )?condition that\b|\bconditioned (?:up)?on\b", _I
)
_UNCONDITIONAL = re.compile(r"\bwithout (?:any )?conditions?\b", _I)

_NOT_ACT = (
    r"(?:continue|commence|begin|remain|apply|expire|terminate|end|survive|prevail|bind|inure"
    r"|be (?:void|governed|deemed|construed|interpreted|reinstated))"
)
_MARKERS = re.compile(
    # "may"/"can" of possibility: a permission only when said of the licensee.
    r"(?P<possible>\b(?:may|can)(?:,[^,]{1,40},)? (?:still\b|(?:contain|include|be subject|become|have|vary|differ"
    r"|apply)\b))"
    # Words that state no rule here: time, consequence, interpretation, recommendation.
    rf"|(?P<skip>\b(?:will|shall) (?:\w+ly )*{_NOT_ACT}\b|\b(?:terminates|ends|ceases|expires|reinstates)\b"
    r"|\b(?:does|do|shall|will) not (?:apply|affect|constitute)\b|\bshould\b(?! not))"
    # Withheld rights.
    r"|(?P<withheld>\bno\b[^.;:]{0,80}?\b(?:is|are|be|been) (?:[\w,]+ ){0,5}?"
    r"(?:granted|licensed|implied|waived|authori[sz]ed|permitted)\b"
    r"|\b(?:is|are) not (?:being )?(?:granted|licensed)\b|\bnot been granted\b|\bhave no rights?\b"
    r"|\b(?:does|do|shall|will) not (?:grant|authori[sz]e|allow|permit|cover|imply|give|confer)\b"
    r"|\b(?:licen[cs]e|agreement|grant)\b[^.;,]{0,40}? (?:does|do|shall|will) not apply\b"
    r"|\bgives? (?:you )?no (?:permission|rights?|licen[cs]e)|\bgrants? (?:you )?no\b"
    r"|\bnothing\b[^.;]{0,60}?\b(?:grants?|permits?|gives?|authori[sz]es?|allows?|confers?)\b"
    r"|\b(?:grant|licen[cs]e)s?\b[^;:]{0,60}? (?:does|do|shall|will) not include\b"
    r"|\breserves? all (?:other )?rights\b|\brights\b[^.;]{0,60}?\b(?:is|are) (?:hereby |expressly )?reserved\b)"
    # Lifted restrictions.
    r"|(?P<lifted>\b(?:does|do|shall|will) not (?:(?:limit|restrict) (?:\w+ ){0,2}?(?:from|your?)"
    r"|impose (?:any |additional |further )?(?:restrictions?|obligations?|limitations?))\b"
    r"|\bnot required to\b|\bneed not\b"
    r"|\b(?:shall|will|may) have the (?:right|option) to\b)"
    # Negated definitions.
    r"|(?P<negdef>\b(?:does|do|shall|will) not include\b|\bnever (?:produces?|includes?|constitutes?)\b"
    r"|\b(?:(?:is|are) not|(?:shall|will) not be) (?:deemed|considered|included in)\b|\b(?:does|do) not define\b"
    r"|\b(?:is|are) not (?:an? )?(?:(?-i:[A-Z])\w*|\w+ing)\b)"
    r"|(?P<prohibition>\b(?:shall|will|must|may|can|should) not\b|\bcannot\b|\b(?:won't|can't|mustn't|shan't)\b"
    r"|\bagrees? not to\b|\b(?:is|are) (?:expressly |strictly )?(?:prohibited|forbidden)\b"
    r"|\bnot (?:be )?(?:permitted|allowed|authori[sz]ed)\b|\bnot (?:eligible|entitled) to\b|(?:^|[,;:] )do not\b"
    r"|\bnor (?:may|shall|will|can)\b|\bneither\b[^.;]{1,200}?\bnor\b[^.;]{1,200}?\b(?:may|shall|will|can|must)\b"
    r"|(?:^|[;:] |\band )no\b[^.;:,]{0,60}?\b(?:may|can|shall|will|must|ha(?:s|ve) the right)\b)"
    r"|(?P<obligation>\b(?:must|shall)\b|\b(?:is|are) (?:required|obliged) to\b"
    r"|\b(?:is|are) (?:solely )?responsible for\b|\b(?:agrees?|undertakes?|commits?) to\b|\b(?:has|have|needs?) to\b"
    r"|\bwill\b(?! be (?!\w+(?:ed|en)\b)))"
    r"|(?P<permission>\b(?:may|can)\b|\bhereby grants?\b|\bgrants? (?:to )?you\b|\bpermission is (?:hereby )?granted\b"
    r"|\b(?:is|are) (?:hereby )?granted\b|\bfree to\b|\b(?:is|are) (?:an? |always |expressly )?(?:permitted|allowed)\b"
    r"|\ballowed to\b"
    r"|\b(?:has|have) (?:the )?(?:permission|right) to\b|\bgrants?\b[^.;]{0,40}?\b(?:the right|a licen[cs]e)\b"
    r"|\busable\b)",
    _I,
)
_KIND: dict[str, Rule] = {
    "withheld": "prohibition", "lifted": "permission", "negdef": "definition",
    "prohibition": "prohibition", "obligation": "obligation", "permission": "permission",
}
_LICENSEE = re.compile(r"\b(?:you|licensee|recipient|customer|user)s?$", _I)
"""A subject whose head is the licensee ("You", "the Licensee", "Customers")."""
_IF_LICENSEE = re.compile(r"\bif (?:you|the licensee|licensee|recipient)\b", _I)
_WILL_SUBJECT = re.compile(r"^(?!.*(?<!agree )(?<!agrees )(?<!acknowledge )\bthat\b)(?:\S+ ){0,5}\S+$", _I)
"""Who "will" do something: a short subject of its clause ("You", "The arbitration", "You agree
that you"), not "the likelihood that a crime" - a "will" of prediction."""
_CLAUSE_END = re.compile(r"[;:]|,\s*(?:but|and|or)\b", _I)
_GENERIC = re.compile(
    r"^(?!(?:The|This|That|Our|Your|Its|Their|Each|Any|Every|All|No)\b)"
    r"(?:(?:[Aa]n?|[Tt]hese|[Tt]hose|[Ss]ome|[Mm]any|[Mm]ost|[Oo]ther|[Ss]uch) |[A-Z][a-z-]+ )"
    r"(?:[a-z-]+ ){0,2}?(?!(?:you|licensees?|anyone|everyone)\b)[a-z-]+(?: of(?: [a-z-]+){1,3})?$"
)
"""People in general ("A licensor", "These owners", "Commercial distributors of software"), not a
party to the license ("You", "Licensee", "A Data Recipient", "Meta")."""

_RUN_IN_HEADING = re.compile(
    r"^(?!(?:If|When|Where|Unless|Should|Once|In|Subject|Except|Notwithstanding|Upon|While|For|As|With|Without"
    r"|To|Any|All|No|Nothing|The|This|These|Each|Our|Your|You|We|It|Permission)\b)"
    r"[A-Z][a-z][\w-]*(?: (?:[A-Z][a-z][\w-]*|and|of|the|for|to|on|in|or|&)){0,5} "
    r"(?=(?:If|When|Where|Unless|Subject to|Notwithstanding|Except|You|Licensee|Each|No|Nothing|We|Permission)\b)"
)
"""A heading run into its sentence without a full stop: "Distribution and Redistribution You may ..."."""
_PARENTHETICAL = re.compile(r"\s*\([^()]*\)")
_QUOTATION = re.compile(r"[\"“][^\"“”]*[\"”]")
_RELATIVE = re.compile(
    r",\s*which\b[^,;:]*|\bwhich (?:[\w’'-]+ ){0,3}?(?:may|might|can|could)\b[^,;:]*"
    r"|\b(?:that|who) (?:may|might|can|could)\b[^,;:]*|\bas may be\b[^,;:]*|\b(?:so that|saying|stating)\b[^,;:]*",
    _I,
)
"""Relative, purpose and reported clauses: ", which Meta may grant", "content that may be harmful",
"as may be amended", "so that the public can ...", "a notice saying it may be distributed"."""
_OPEN_LEAD_IN = re.compile(r"[^.!?]\s*$|\b(?:the following|as follows)\b", _I)
_PROVISO_END = re.compile(
    r"\b(?:provided(?:,? however,?)? that|on (?:the )?condition that|only if|if"
    r"|subject to the following (?:conditions|restrictions))\b[^.;]*[.:]?\s*$",
    _I,
)
_LEAD_SENTENCE_END = re.compile(r"(?<=[.;:])\s+(?=[-–—*#\s\"“(]*[A-Z])")


def classify(sentence: str, lead_in: str = "") -> Rule | None:
    """The kind of rule ``sentence`` states; a list item without a rule word takes its lead-in's."""
    text = _normalize(sentence)
    if _NO_RULE.search(text):
        return None
    main, case = _main_clause(text)
    plain = _plain(main)
    if _DOCUMENT_STATUS.search(plain):
        return None
    if _DISCLAIMER_SUBJECT.search(plain):
        return "disclaimer"
    if _DEFINED_TERM.search(text) or _DEFINED_TERM.search(main) or _DEFINES.search(plain):
        return "definition"
    if case and _MARKERS.search(plain):
        return "condition"
    if _DISCLAIMER.search(text):
        return "disclaimer"
    if _CONDITIONAL.search(plain) and not _UNCONDITIONAL.search(plain):
        return "condition"
    rule = _first_rule(plain)
    if rule is None and not case and lead_in:
        return _item_kind(lead_in)
    return rule


def _normalize(sentence: str) -> str:
    """The sentence without its numbering or headings, on one line, out of enclosing parentheses."""
    text = " ".join(sentence.split())
    while cut := heading_length(text) or (m.end() if (m := _RUN_IN_HEADING.match(text)) else 0):
        text = text[cut:]
    if text.startswith("(") and text.rstrip(".").endswith(")") and not _PARENTHETICAL.sub("", text).strip(". "):
        text = text.rstrip(".")[1:-1]
    return text


def _main_clause(text: str) -> tuple[str, bool]:
    """``text`` from its main clause on, and whether that opens with a case ("If ...,")."""
    while frame := _FRAME.match(text):
        text = text[frame.end() :]
    return text, bool(_LEADING_CASE.match(text))


def _plain(text: str) -> str:
    """``text`` without parentheticals, quotations and relative clauses: what is left is the rule."""
    while (shorter := _PARENTHETICAL.sub("", text)) != text:
        text = shorter
    return _RELATIVE.sub("", _QUOTATION.sub("Q", text))


def _first_rule(plain: str) -> Rule | None:
    """The kind of the first rule word of the main clause, passing over words that state no rule."""
    for marker in _MARKERS.finditer(plain):
        group = marker.lastgroup or "skip"
        subject = plain[: marker.start()].strip()
        by_licensee = bool(_LICENSEE.search(subject))
        if group != "possible" and not by_licensee and _IF_LICENSEE.search(_clause_after(plain, marker.end())):
            return "condition"  # someone else's rule that applies "if you ...": the licensee's case
        if group == "possible" and by_licensee:
            return "permission"
        word = marker.group().lower()
        if (
            group in ("possible", "skip")
            or (group == "permission" and word in ("may", "can") and _GENERIC.match(subject))
            or (word == "will" and not _WILL_SUBJECT.match(re.split(r"[,;:]", subject)[-1].strip()))
        ):
            continue
        return _KIND[group]
    return None


def _clause_after(plain: str, at: int) -> str:
    """The rest of the clause ``plain[at:]`` is in, up to "; " or ", but ..."."""
    end = _CLAUSE_END.search(plain, at)
    return plain[at : end.start() if end else len(plain)]


def _item_kind(lead_in: str) -> Rule | None:
    """The kind a list item takes from the last sentence of its lead-in, which it completes; a
    lead-in that ends a sentence without announcing a list ("the following") has no items."""
    last = _plain(_LEAD_SENTENCE_END.split(lead_in.strip())[-1])
    if not _OPEN_LEAD_IN.search(last):
        return None
    if _PROVISO_END.search(last):
        return "condition"
    return classify(last)
