"""The lead: the sentence(s) of the best clause that answer the question, verbatim.

The answer opens with the clause's own words rather than a model's restatement of them. Within
the clause, each sentence is scored by how close its embedding is to the question's and by the
question words it contains (weighted by how rare they are). The best sentence is extended when
what follows qualifies it ("However, ...", "provided that ...", "unless ...") or when it ends in
a colon and the rule is the list after it; a sub-item is shown after its parent's lead-in.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

import numpy as np
import numpy.typing as npt

from licensebot.answering.amounts import amounts_asked, sets_threshold
from licensebot.answering.answer import Lead, LeadSentence, Quote
from licensebot.answering.rules import classify
from licensebot.index.embed import Embedder, Vectors
from licensebot.index.search import Query, Terms, tokenize
from licensebot.index.search.housekeeping import asks_about_warranty, leads_for
from licensebot.index.search.places import limits_by_place
from licensebot.index.search.rerank import ASKS_MEANING
from licensebot.index.text import ITEM_START, PROSE_SENTENCE_END, heading_length, item_kind, sentence_spans

LEXICAL_WEIGHT = 1.0
"""Share of word overlap against embedding similarity when choosing the lead sentence."""
FIRST_SENTENCE_BONUS = 0.05
"""Legal drafting states the rule first and qualifies it after: the first sentence may get a head start."""
LATER_QUOTE_PENALTY = 0.1
"""A sentence of the second quote must match this much better to lead instead of the first's."""
AMOUNT_WEIGHT = 0.3
"""How much a sentence setting a threshold on the kind of amount the question states counts, on the
scale of word overlap plus embedding similarity (each 0..1)."""
DUTY_WEIGHT = 0.1
"""How much a sentence stating a duty counts for a question asking whether one applies."""
_REFERS_BACK = re.compile(
    r"^\W*(?:but|however|this (?:requirement|obligation|restriction|license|section)|such|that|these|those|"
    r"the (?:foregoing|above)|notwithstanding the foregoing|subject to the foregoing|in that case)\b",
    re.IGNORECASE,
)
"""A sentence that qualifies the one before it: the lead starts there."""
MAX_LEAD = 700
"""Characters at most in a lead (a long sentence is shown whole up to this)."""
MAX_LIST = 1200
"""Characters at most in a lead that is a whole list (a question for every duty it states)."""
_ANNOUNCES = re.compile(r"(?::|\bthe following\b[^.;:]*[.;]|\bas follows[.;]?)\s*$", re.IGNORECASE)
"""A sentence that announces what follows ("...:", "the following conditions also apply.") is
not the rule by itself: the lead goes on into it."""
_QUALIFIER = re.compile(
    r"^\W*(?:however|notwithstanding|except|excluding|provided|unless|but|this (?:does not|shall not)|"
    r"nothing in|for the avoidance of doubt|in (?:that|such) case|otherwise)\b|^[a-z(]",
    re.IGNORECASE,
)
"""A sentence the lead goes on into. Case-blind, "^[a-z(]" matches any sentence that starts with a
letter, so a lead runs on until MAX_LEAD or the next list item: the sentence that answers is often
the one after the best-scoring one. Matching only lower case (a sentence cut off mid-way) and the
qualifying words cost 8 lead-grounded questions over the sets (stop 32); kept until the sentence
choice itself is right more often than the window is."""


def choose_lead(
    quotes: Sequence[Quote],
    query: Query,
    *,
    question_vector: Vectors | None,
    embedder: Embedder | None,
    terms: Terms,
    picked: Collection[tuple[str, int, int]] = (),
) -> Lead:
    """The lead sentence(s) for ``query``, from the first of ``quotes`` unless a later one holds
    a sentence that matches better by more than LATER_QUOTE_PENALTY. ``terms``: the question's
    words weighted by rarity, its license names left out (in every sentence of that license, they
    say nothing about which one answers), everyday words expanded to license words.

    Boilerplate never leads a question that is not about it: a warranty or liability disclaimer,
    a definition (unless the question asks what a word means), a preamble or an appendix, while
    another quoted sentence can; nor does housekeeping (``index/search/housekeeping.py``), unless
    it is in a clause the question picks out by a rare word or a quoted phrase (``picked``: doc,
    start, end of such clauses)."""
    spans_of = [sentence_spans(q.text) or [(0, len(q.text))] for q in quotes]
    candidates = [(qi, s, e) for qi, spans in enumerate(spans_of) for s, e in spans]  # (quote, start, end)
    places = [(qi, si) for qi, spans in enumerate(spans_of) for si in range(len(spans))]
    texts = [quotes[qi].text[s:e] for qi, s, e in candidates]
    # A list item is read with the lead-in it completes ("provided that you also do one of the
    # following:" + "a) Accompany it with ..."), as the lead shows it.
    words = [_words(t) | (_lead_in_words(quotes[qi], spans_of[qi], si) if ITEM_START.match(t) else set())
             for (qi, si), t in zip(places, texts, strict=True)]
    match = np.array([terms.coverage(w) for w in words]) * LEXICAL_WEIGHT
    if embedder is not None and question_vector is not None:
        match = match + embedder.embed(texts) @ np.asarray(question_vector, dtype=np.float32)
    match = match + _priors(query.question, quotes, spans_of, places, texts)
    scores = match.copy()
    firsts = [i for i, c in enumerate(candidates) if i == 0 or candidates[i - 1][0] != c[0]]
    scores[firsts] += FIRST_SENTENCE_BONUS
    scores -= LATER_QUOTE_PENALTY * np.array([qi for qi, _, _ in candidates], dtype=np.float64)
    boiler = np.array([_boilerplate(quotes[qi], text, query.text, s, e, picked)
                       for (qi, s, e), text in zip(candidates, texts, strict=True)])
    if not boiler.all():
        scores[boiler] = -np.inf
    _settled(scores, query, quotes, spans_of, candidates, places, texts)
    best = int(np.argmax(scores))
    strength = float(match[best])
    qi = candidates[best][0]
    quote = quotes[qi]
    spans = spans_of[qi]
    best = spans.index(candidates[best][1:])
    start, end = spans[best]
    if best > 0 and _REFERS_BACK.match(quote.text[start:end]):
        # "But this requirement does not apply if ..." qualifies the sentence before it.
        start = spans[best - 1][0]
    for nxt_start, nxt_end in spans[best + 1 :]:
        current = quote.text[start:end]
        follows = quote.text[nxt_start:nxt_end]
        if nxt_end - start > MAX_LEAD or _into_next_item(quote, end, nxt_start):
            break
        if _ANNOUNCES.search(current) or (not ITEM_START.match(follows)
                                          and (_QUALIFIER.match(follows) or len(current) < 60)):
            end = nxt_end
            continue
        break
    first = [s for s, _ in spans].index(start)
    if _ASKS_EVERY_DUTY.search(query.question):
        # From an item, or from the lead-in that announces its list, to the whole list.
        item = first + 1 if (first + 1 < len(spans) and _ANNOUNCES.search(quote.text[slice(*spans[first])])) else first
        if ITEM_START.match(quote.text[slice(*spans[item])]):
            whole, last = _whole_list(quote.text, spans, item, end)
            if whole != item or item == first:
                first, end = whole, last
                start = spans[first][0]
    in_quote = _lead_in(quote, spans, first) if ITEM_START.match(quote.text[start:end]) else ("", 0, 0)
    start += heading_length(quote.text[start:end])
    text = quote.text[start:end]
    # Shown with the lead-in of the clause it was cut from, else the one in the quote that it
    # completes; labelled with the nearest of the two.
    context, context_start, context_end = quote.context_of(quote.start + start)
    if not context:
        context, context_start, context_end = in_quote
    sentences = _labelled(quote, start, end, in_quote[0] or context)
    return Lead(
        doc=quote.doc,
        title=quote.title,
        section=quote.section_of(quote.start + start, quote.start + end),
        url=quote.url,
        text=text,
        start=quote.start + start,
        end=quote.start + end,
        rule=sentences[0].rule if sentences else "",
        context=context,
        context_start=context_start,
        context_end=context_end,
        sentences=sentences,
        strength=strength,
    )


def _priors(question: str, quotes: Sequence[Quote], spans_of: Sequence[Sequence[tuple[int, int]]],
            places: Sequence[tuple[int, int]], texts: Sequence[str]) -> npt.NDArray[np.float64]:
    """What the kind of question adds to each sentence's match (``places``: quote and sentence
    index of each of ``texts``). A question that says how big the asker is ("we make $3M a year")
    is answered by the sentence that sets a threshold on that amount; one whether a duty applies
    ("do we have to provide the source?") by a duty, or a duty lifted, rather than by a permission
    beside it ("You may distribute such Executable Form under ...")."""
    out = np.zeros(len(texts), dtype=np.float64)
    asked = amounts_asked(question)
    if asked:
        out += AMOUNT_WEIGHT * np.array([sets_threshold(t, asked) for t in texts], dtype=np.float64)
    if _ASKS_DUTY.search(question) or _ASKS_EVERY_DUTY.search(question):
        out += DUTY_WEIGHT * np.array([
            _states_duty(t, _lead_in(quotes[qi], spans_of[qi], si)[0] if ITEM_START.match(t) else quotes[qi].context)
            for (qi, si), t in zip(places, texts, strict=True)], dtype=np.float64)
    return out


def _settled(scores: npt.NDArray[np.float64], query: Query, quotes: Sequence[Quote],
             spans_of: Sequence[Sequence[tuple[int, int]]], candidates: Sequence[tuple[int, int, int]],
             places: Sequence[tuple[int, int]], texts: Sequence[str]) -> None:
    """Rule out, in ``scores``, the sentences a settled kind of question does not lead with.

    Where the asker is settles it when a sentence excludes that region: the first quote's such
    sentence leads (ranking put the clause before a preamble announcing it), unless it may not
    lead at all. "What do we have to do if we distribute it?" is answered by the list of
    conditions of the best clause, when it holds one, not by a sentence of another clause."""
    if query.regions:
        by_place = [bool(np.isfinite(scores[i])) and limits_by_place(
                        t, query.regions, quotes[qi].section_of(quotes[qi].start + s, quotes[qi].start + e))
                    for i, ((qi, s, e), t) in enumerate(zip(candidates, texts, strict=True))]
        if any(by_place):
            first = candidates[by_place.index(True)][0]
            scores[[not (hit and c[0] == first) for hit, c in zip(by_place, candidates, strict=True)]] = -np.inf
    if _ASKS_EVERY_DUTY.search(query.question):
        listed = [qi == 0 and bool(ITEM_START.match(t)) and _announcer(quotes[0].text, spans_of[0], si) is not None
                  for (qi, si), t in zip(places, texts, strict=True)]
        if any(listed) and np.isfinite(scores[listed]).any():
            scores[[c[0] != 0 for c in candidates]] = -np.inf


_WARRANTY = re.compile(r"\bwarrant|\bliab|\bdamages\b|\bas[- ]is\b|\bmerchantab|\bfitness\b", re.I)


def _boilerplate(quote: Quote, sentence: str, question: str, start: int, end: int,
                 picked: Collection[tuple[str, int, int]]) -> bool:
    """A sentence, ``quote.text[start:end]``, that must not lead unless the question is about it."""
    at = quote.start + start
    if any(doc == quote.doc and s <= at < e for doc, s, e in picked):
        # What the question picks out, disclaimer or not ('"FITNESS FOR A PARTICULAR PURPOSE"?'),
        # or a preamble that excludes the asker's region.
        return False
    if quote.role in ("preamble", "appendix"):
        return True
    if not leads_for(quote.section_of(at, quote.start + end), sentence, question):
        return True
    rule = classify(sentence, quote.context)
    if rule == "disclaimer" and _WARRANTY.search(sentence):
        # A warranty or liability disclaimer; not "NVIDIA claims no ownership rights in outputs".
        return not asks_about_warranty(question)
    if rule == "definition" or quote.role == "definition":
        return not ASKS_MEANING.search(question)
    return False


def _labelled(quote: Quote, start: int, end: int, context: str) -> tuple[LeadSentence, ...]:
    """The lead's sentences, each labelled on its own words (with the lead-in it completes).

    ``sentence_spans`` folds a short piece into the next sentence (a heading, a list marker); a
    short sentence that states a rule of its own ("You may use Output for any purpose.") is split
    off again here, so no label speaks for two rules."""
    out: list[LeadSentence] = []
    for s, e in sentence_spans(quote.text[start:end]) or [(0, end - start)]:
        span_start = start + s
        # finditer with a start position still reports positions in the whole text.
        cuts = [m.end() for m in PROSE_SENTENCE_END.finditer(quote.text, span_start, start + e)]
        at = span_start
        for cut in [*cuts, start + e]:
            piece = quote.text[at:cut].rstrip()
            if cut != start + e and classify(piece, context) is None:
                continue  # a fragment (a heading) stays with the sentence after it
            out.append(LeadSentence(text=piece, start=quote.start + at, end=quote.start + at + len(piece),
                                    rule=classify(piece, context) or ""))
            at = cut
    return tuple(out)


_ASKS_DUTY = re.compile(
    r"\b(?:do|does|would|will) (?:we|i|you|they|it|he|she)(?: still| also| then)? (?:have|need) to\b"
    r"|\bmust (?:we|i|they)\b|\b(?:are|is|am)\b[^?.]{0,60}\b(?:required|obliged|obligated|mandatory)\b"
    r"|\bobligations?\b|\brequires?\b|\bwhat do (?:we|i) owe\b",
    re.IGNORECASE,
)
"""A question whether a duty applies ("Is attribution required?", "Does it require a NOTICE file?")."""
_LIFTED = re.compile(r"\bneed not\b|\bnot (?:be )?required\b|\bno obligation\b|\bnot obligated\b", re.IGNORECASE)
"""A duty lifted ("need not", "is not required to"): it answers whether the duty applies."""
_PROVISO = re.compile(r"\bprovided\b(?=,?\s+(?:that|however|further|always)\b)", re.IGNORECASE)
"""The "provided" of a proviso, which makes a right depend on a duty."""


def _words(sentence: str) -> set[str]:
    """Keyword terms of ``sentence``, less the "provided" of "provided that": a proviso says
    nothing of providing anything, yet stems as "provide" does."""
    return set(tokenize(_PROVISO.sub(" ", sentence)))


def _states_duty(sentence: str, lead_in: str) -> bool:
    """Does ``sentence`` (read with the ``lead_in`` it completes) impose a duty, make a right depend
    on one ("You may copy ... provided that you also do one of the following:"), or lift one?"""
    return (classify(sentence, lead_in) in ("obligation", "condition")
            or bool(_LIFTED.search(sentence) or _PROVISO.search(sentence)))


_ASKS_EVERY_DUTY = re.compile(
    r"\bwhat (?:do|must|should|would) (?:we|i|you|they)(?: \w+)? (?:have to do|need to do|do|owe)\b"
    r"(?!\s+(?:with|about|regarding|to)\b)"
    r"|\bwhat (?:are|is) (?:the|our|their) (?:conditions|requirements|obligations|duties)\b",
    re.IGNORECASE,
)
"""A question for every duty a list states ("what do we have to do if we distribute it?"; not
"what do we have to do with the NOTICE file?", which asks about one thing) is
answered by the list, not by the one item closest to its words."""


def _announcer(text: str, spans: Sequence[tuple[int, int]], item: int) -> int | None:
    """Index in ``spans`` of the sentence that announces the list whose item is ``spans[item]``:
    back over the items of the same list only, as a colon further up announces another list. The
    lead-in of a nested list may be an item itself ("d) Do one of the following:"), but not one of
    the item's own list: "e)" after "d) ...: 0) ... 1) ..." is led in by what announced "d)"."""
    kind = item_kind(text[slice(*spans[item])])

    def passed_over(sentence: str) -> bool:
        return bool(ITEM_START.match(sentence)) and (not _ANNOUNCES.search(sentence) or item_kind(sentence) == kind)

    at = item - 1
    while at >= 0 and passed_over(text[slice(*spans[at])]):
        at -= 1
    return at if at >= 0 and _ANNOUNCES.search(text[slice(*spans[at])]) else None


def _whole_list(text: str, spans: Sequence[tuple[int, int]], item: int, end: int) -> tuple[int, int]:
    """(index of the first sentence, end) of the lead-in that announces the list holding
    ``spans[item]`` through its last item, when that fits in a lead; else ``(item, end)``."""
    first = _announcer(text, spans, item)
    if first is None:
        return item, end
    kind = item_kind(text[slice(*spans[first + 1])])
    last = first
    # Items of this list only: "e)" after "0) ... 1) ..." is the next item of the list around it.
    while last + 1 < len(spans) and item_kind(text[slice(*spans[last + 1])]) == kind:
        last += 1
    if last == first or spans[last][1] - spans[first][0] > MAX_LIST:
        return item, end
    return first, max(end, spans[last][1])


def _lead_in(quote: Quote, spans: Sequence[tuple[int, int]], item: int) -> tuple[str, int, int]:
    """The sentence that introduces the list item ``spans[item]`` of ``quote``, as (text, start,
    end) in the document: the one announcing its list in the quote, else the lead-in the clause
    was cut from (``quote.context_of``)."""
    at = _announcer(quote.text, spans, item)
    if at is None:
        return quote.context_of(quote.start + spans[item][0])
    s, e = spans[at]
    s += heading_length(quote.text[s:e])
    return quote.text[s:e], quote.start + s, quote.start + e


def _lead_in_words(quote: Quote, spans: Sequence[tuple[int, int]], item: int) -> set[str]:
    """Keyword terms of the lead-ins the item ``spans[item]`` completes: of a nested list's item,
    both its own ("d) Do one of the following:") and the one that lead-in completes ("You may
    convey a Combined Work ... if you also do each of the following:"), as the items of the outer
    list have."""
    words: set[str] = set()
    while True:
        at = _announcer(quote.text, spans, item)
        text = quote.text[slice(*spans[at])] if at is not None else quote.context_of(quote.start + spans[item][0])[0]
        words |= _words(text)
        if at is None or not ITEM_START.match(text):
            return words
        item = at


_PART_OF_LONG_CLAUSE = re.compile(r"\s*\(part \d+ of \d+\)$")


def _into_next_item(quote: Quote, end: int, nxt: int) -> bool:
    """Would going on from ``quote.text[:end]`` to the sentence at ``nxt`` leave one item of a
    quoted list for the next? A lead quotes one item (with the lead-in it completes), not the list
    after it; from a lead-in into its first item, or across the split of a long clause, is fine."""
    here, there = quote.part_at(quote.start + end - 1), quote.part_at(quote.start + nxt)
    if here is None or there is None or here == there:
        return False
    if here.start <= there.start and there.end <= here.end:
        return False
    return _PART_OF_LONG_CLAUSE.sub("", here.section) != _PART_OF_LONG_CLAUSE.sub("", there.section)
