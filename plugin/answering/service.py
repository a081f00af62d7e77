"""The answering service: retrieve clauses, quote them verbatim, let the model summarise.

It imports nothing from Slack; the CLI, the Slack app and the evaluation all call
``AnswerService.ask`` and render the ``Answer`` it returns.

Guarantees, whatever the model writes:
- every quote is ``body[start:end]`` of an indexed document, copied from the chunk;
- a quotation in the model's summary that is not verbatim in the quoted clauses is removed;
- nothing relevant found means an explicit "not found", never a guess.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from licensebot import prompts
from licensebot.answering.question import clean_question, tries_to_change_rules
from licensebot.errors import ModelError
from licensebot.index.keyword import tokenize
from licensebot.index.models import Chunk, Hit
from licensebot.index.retrieval import Retrieval, Retriever
from licensebot.llm.generate import Generator

_QUOTED = re.compile(r"\"([^\"]{3,})\"|“([^”]{3,})”|‘([^’]{8,})’")
_MENTION = re.compile(r"<[@#!][^>]*>|@(?:here|channel|everyone)\b|@[A-Za-z0-9._-]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“(])")
_PROMPT_CLAUSE_CHARS = 700
SECOND_QUOTE_MARGIN = 0.08
MAX_MERGED_QUOTE = 2800


@dataclass(frozen=True)
class Quote:
    doc: str
    title: str
    section: str
    text: str
    start: int
    end: int
    url: str
    kind: str = "license"
    section_id: str = ""


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    abstained: bool
    quotes: tuple[Quote, ...] = ()
    hits: tuple[Hit, ...] = ()
    notice: str = ""
    notes: tuple[str, ...] = ()
    """Extra lines for the reader, e.g. which version is quoted."""
    summary_available: bool = True
    seconds: float = 0.0
    searched: tuple[str, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        """The documented JSON shape other tools rely on."""
        return {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "quotes": [
                asdict(q) for q in self.quotes
            ],
            "hits": [
                {"doc": h.chunk.doc, "section": h.chunk.section, "text": h.chunk.text, "score": round(h.score, 6)}
                for h in self.hits
            ],
            "notes": list(self.notes),
            "notice": self.notice,
            "summary_available": self.summary_available,
        }


def normalize_for_match(text: str) -> str:
    """The comparison used for quotes: straight quotes, no markdown bold, collapsed spaces."""
    text = text.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")
    text = text.replace("**", "")
    return " ".join(text.split()).lower()


def strip_unverified_quotes(summary: str, sources: Sequence[str]) -> str:
    """Remove quotations that are not verbatim in any source (after normalisation)."""
    haystack = [normalize_for_match(s) for s in sources]

    def keep(match: re.Match[str]) -> str:
        inner = next(g for g in match.groups() if g is not None)
        needle = normalize_for_match(inner)
        if needle and any(needle in h for h in haystack):
            return match.group(0)
        return ""

    cleaned = _QUOTED.sub(keep, summary)
    return " ".join(cleaned.split())


_ABBREVIATIONS = frozenset("e.g i.e etc inc ltd co no nos sec art vs cf approx u.s".split())


def sentences_of(text: str) -> list[str]:
    """Split clause text at sentence ends, but not after "e.g." or inside parentheses."""
    flat = " ".join(text.split())
    out: list[str] = []
    start = 0
    for m in re.finditer(r"[.;:]\s+", flat):
        piece = flat[start : m.start() + 1]
        last_word = piece.rstrip(".;:").rsplit(" ", 1)[-1].lstrip("(").lower()
        if piece.count("(") > piece.count(")") or last_word in _ABBREVIATIONS or len(last_word) == 1:
            continue
        out.append(piece.strip())
        start = m.end()
    if flat[start:].strip():
        out.append(flat[start:].strip())
    # Fold fragments ("3. Grant of Patent License.", "(i)") into a neighbouring sentence.
    merged: list[str] = []
    carry = ""
    for sentence in out:
        if carry:
            sentence, carry = f"{carry} {sentence}", ""
        if len(sentence) >= 40:
            merged.append(sentence)
        elif merged:
            merged[-1] = f"{merged[-1]} {sentence}"
        else:
            carry = sentence
    if carry:
        merged.append(carry)
    return merged


def key_sentences(text: str, question: str, n: int = 2) -> str:
    """The ``n`` sentences of a clause sharing most words with the question, in text order."""
    sentences = sentences_of(text)
    if len(sentences) <= n:
        return " ".join(sentences)
    wanted = set(tokenize(question))
    scored = sorted(
        range(len(sentences)),
        key=lambda i: (-len(wanted & set(tokenize(sentences[i]))), i),
    )[:n]
    return " ".join(sentences[i] for i in sorted(scored))


# Plain-English connecting words a faithful restatement may use that a clause may not contain.
_PLAIN_WORDS = frozenset(tokenize("cannot yes allowed permitted required need needs provide use offer include"))


def supported(summary: str, sources: Sequence[str], question: str) -> bool:
    """Does every number, and nearly every content word, of the summary occur in the sources?

    A 135M-parameter model sometimes invents terms ("a 100% refund"); such a summary is
    dropped rather than shown next to real clauses.
    """
    source_text = " ".join(sources) + " " + question
    source_words = set(tokenize(source_text)) | _PLAIN_WORDS
    words = tokenize(summary)
    if not words:
        return False
    numbers = re.findall(r"\d[\d,.]*", summary)
    if any(num.rstrip(".,") not in source_text for num in numbers):
        return False
    known = sum(1 for w in words if w in source_words)
    return known / len(words) >= 0.85


_OFF_TASK = re.compile(
    r"rewrit|plain english|this (?:sentence|text)|legal (?:document|text)|i'?m sorry|i am sorry|"
    r"as an ai|\b(\w+)(?:,? \1\b){2,}",
    re.IGNORECASE,
)


def _off_task(summary: str) -> bool:
    """Echoes of the instructions, apologies, stutters, a question back, or a rule change."""
    return bool(_OFF_TASK.search(summary)) or summary.rstrip().endswith("?") or tries_to_change_rules(summary)


def tidy_summary(raw: str, sources: Sequence[str], *, max_sentences: int = 2) -> str:
    # Small models sometimes repeat the instruction line before answering; drop that paragraph.
    paragraphs = [p for p in re.split(r"\n\s*\n", raw) if not re.search(r"rewrite in plain english", p, re.I)]
    text = _MENTION.sub("", " ".join(paragraphs))
    text = text.replace("<", "‹").replace(">", "›")
    text = strip_unverified_quotes(text, sources)
    sentences = [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]
    text = " ".join(sentences[:max_sentences])
    text = re.sub(r"\s+([.,;:!?])", r"\1", text).strip()
    # A list marker copied from the clause ("- ", "b. ") is not part of the summary.
    text = re.sub(r"^(?:[-*•]|\(?(?:\d{1,2}(?:\.\d{1,2})*|[a-z]|[ivx]{1,4})[.)])\s+", "", text)
    # A dangling fragment ("The license says.", a bare heading) is worse than nothing.
    return text if len(re.findall(r"[A-Za-z]{2,}", text)) >= 6 else ""


def quote_of(chunk: Chunk) -> Quote:
    return Quote(
        doc=chunk.doc,
        title=chunk.title,
        section=chunk.section,
        text=chunk.text,
        start=chunk.start,
        end=chunk.end,
        url=chunk.url,
        kind=chunk.kind,
        section_id=chunk.section_id,
    )


def widen(q: Quote, chunk: Chunk) -> Quote | None:
    """The union of a quote and an overlapping chunk of the same document: still an exact span
    ``body[start:end]``, since both are. None if it would be too long to show."""
    start, end = min(q.start, chunk.start), max(q.end, chunk.end)
    if (start, end) == (q.start, q.end) or end - start > MAX_MERGED_QUOTE:
        return None
    if chunk.start < q.start:
        text = chunk.text + q.text[chunk.end - q.start :] if chunk.end < q.end else chunk.text
    else:
        text = q.text + chunk.text[q.end - chunk.start :]
    first, last = (chunk, q) if chunk.start < q.start else (q, chunk)
    section = first.section if first.section == last.section else f"{first.section} to {last.section}"
    return replace(q, start=start, end=end, text=text, section=section)


class AnswerService:
    def __init__(
        self,
        retriever: Retriever,
        generator: Generator | None,
        *,
        max_quotes: int = 3,
        max_question_chars: int = 2000,
        max_tokens: int = 96,
    ) -> None:
        self.retriever = retriever
        self.generator = generator
        self.max_quotes = max_quotes
        self.max_question_chars = max_question_chars
        self.max_tokens = max_tokens

    def ask(self, raw_question: str, *, context: Sequence[str] = ()) -> Answer:
        """Answer one question. ``context``: earlier questions of the same thread, oldest first.

        Raises BadQuestion for unusable input and StoreUnavailable when the index is down.
        """
        started = time.perf_counter()
        question = clean_question(raw_question, max_chars=self.max_question_chars)
        search_text = question
        if context and not self.retriever.names(question).docs:
            # "and what about Gemma?" names its license; "and for outputs?" borrows the thread's.
            search_text = f"{context[-1]} {question}"
        retrieval = self.retriever.search(search_text)
        if not retrieval.confident or tries_to_change_rules(question):
            return self._not_found(question, retrieval, started)
        quotes = self._select_quotes(retrieval)
        notes = self._version_notes(retrieval, quotes)
        summary, available = self._summarise(question, quotes)
        return Answer(
            question=question,
            answer=summary,
            abstained=False,
            quotes=tuple(quotes),
            hits=retrieval.hits,
            notice=prompts.load("disclaimer"),
            notes=tuple(notes),
            summary_available=available,
            seconds=time.perf_counter() - started,
            searched=retrieval.searched_docs,
        )

    def _not_found(self, question: str, retrieval: Retrieval, started: float) -> Answer:
        docs = self.retriever.documents
        if retrieval.searched_docs:
            searched = ", ".join(retrieval.searched_docs)
        else:
            licenses = sum(1 for k in docs.values() if k == "license")
            discussions = len(docs) - licenses
            searched = f"all {len(docs)} indexed documents ({licenses} licenses, {discussions} discussions)"
        return Answer(
            question=question,
            answer=prompts.render("not_found", searched=searched),
            abstained=True,
            quotes=(),
            hits=retrieval.hits,
            notice=prompts.load("disclaimer"),
            seconds=time.perf_counter() - started,
            searched=retrieval.searched_docs,
        )

    def _select_quotes(self, retrieval: Retrieval) -> list[Quote]:
        hits = list(retrieval.hits)
        quotes: list[Quote] = []

        def place(chunk: Chunk) -> None:
            """Quote a chunk, or widen the quote it overlaps (the two parts of a long clause)."""
            for i, q in enumerate(quotes):
                if q.doc == chunk.doc and q.start < chunk.end and chunk.start < q.end:
                    quotes[i] = widen(q, chunk) or q
                    return
            if len(quotes) < self.max_quotes:
                quotes.append(quote_of(chunk))

        # A question naming several licenses ("did 3.1 change Llama 2's rule?") quotes each.
        named = [m.docs for m in retrieval.named.mentions if len(m.docs) == 1]
        if len(named) > 1:
            for docs in named:
                best = next((h for h in hits if h.chunk.doc in docs), None)
                if best is not None:
                    place(best.chunk)
        # Beyond the best hit, quote only clauses nearly as close to the question: a
        # disclaimer quoted "for context" would only dilute the answer.
        best_similarity = max((h.similarity for h in hits[:3]), default=0.0)
        for h in hits[: self.max_quotes + 2]:
            if quotes and h.similarity < best_similarity - SECOND_QUOTE_MARGIN:
                continue
            place(h.chunk)

        def rank(q: Quote) -> int:
            return next(
                (i for i, h in enumerate(hits) if h.chunk.doc == q.doc and q.start <= h.chunk.start < q.end),
                len(hits),
            )

        return sorted(quotes, key=rank)

    @staticmethod
    def _version_notes(retrieval: Retrieval, quotes: Sequence[Quote]) -> list[str]:
        notes = []
        for q in quotes:
            if q.doc in retrieval.preferred:
                notes.append(
                    f"No version was named, so the newest indexed version is quoted: {q.title}."
                )
                break
        if any(q.kind == "discussion" for q in quotes):
            notes.append("Discussion excerpts are opinions from public threads, not license terms.")
        return notes

    def _summarise(self, question: str, quotes: Sequence[Quote]) -> tuple[str, bool]:
        if self.generator is None:
            return prompts.load("summary_unavailable"), False
        # A 135M model summarises one sentence faithfully and several sentences badly, so it
        # gets the sentence of the best clause that shares most words with the question.
        clause = key_sentences(quotes[0].text, question, 1)[:_PROMPT_CLAUSE_CHARS]
        user = prompts.render("answer", clause=clause, question=question)
        try:
            raw = self.generator.generate(prompts.load("system"), user, max_tokens=self.max_tokens)
        except ModelError:
            return prompts.load("summary_unavailable"), False
        sources = [q.text for q in quotes]
        summary = tidy_summary(raw, sources)
        if not summary or not supported(summary, sources, question) or _off_task(summary):
            first = quotes[0]
            return prompts.render("summary_rejected", title=first.title, section=first.section or "text"), True
        return summary, True

