"""The answering service: find the clauses, lead with the one sentence that answers, quote verbatim.

It imports nothing from Slack; the CLI, the Slack app and the evaluation all call
``AnswerService.ask`` and render the ``Answer`` it returns.

Guarantees, whatever the model writes:
- the lead and every quote are exact spans ``body[start:end]`` of an indexed document;
- a model's restatement is shown only when it keeps the lead sentence's negations, modal force,
  exception words, numbers and parties (``faithfulness.py``); otherwise there is none;
- a question that names licenses the index does not hold is told so and never answered from
  another license; nothing relevant found means an explicit "not found", never a guess.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import replace

from licensebot import prompts
from licensebot.answering import subjects
from licensebot.answering.answer import Answer, Lead, NotIndexed, Quote, Subject
from licensebot.answering.faithfulness import tidy, unfaithful
from licensebot.answering.lead import choose_lead
from licensebot.answering.lookup import Lookup, lookup
from licensebot.answering.outside import load_outside, unsettled
from licensebot.answering.pairs import answer_pair, needs_both_texts
from licensebot.answering.question import clean_question, tries_to_change_rules
from licensebot.answering.quotes import select_quotes
from licensebot.answering.subjects import how_to_add
from licensebot.errors import ModelError
from licensebot.index.embed import Embedder
from licensebot.index.search import Retrieval, Retriever
from licensebot.index.store import Inventory
from licensebot.llm.generate import Generator

log = logging.getLogger("licensebot.answer")
LEAD_FROM = 2
"""The lead is chosen among the sentences of this many best quotes (the second's must match
clearly better, ``lead.LATER_QUOTE_PENALTY``, or the first's be boilerplate)."""


class AnswerService:
    def __init__(
        self,
        retriever: Retriever,
        generator: Generator | None,
        *,
        embedder: Embedder | None = None,
        max_quotes: int = 3,
        max_question_chars: int = 2000,
        max_tokens: int = 96,
    ) -> None:
        self.retriever = retriever
        self.embedder = embedder if embedder is not None else retriever.embedder
        """Embeds the quoted sentences, to find the one closest to the question."""
        self.generator = generator
        self.max_quotes = max_quotes
        self.max_question_chars = max_question_chars
        self.max_tokens = max_tokens
        self.outside = load_outside()
        """Read now, so a broken data file stops the service at start, not every question."""

    def ask(self, raw_question: str, *, context: Sequence[str] = ()) -> Answer:
        """Answer one question. ``context``: earlier questions of the same thread, oldest first.

        Raises BadQuestion for unusable input and StoreUnavailable when the index is down.
        """
        started = time.perf_counter()
        question = clean_question(raw_question, max_chars=self.max_question_chars)
        snapshot = self.retriever.snapshot()
        # Two licenses at once (compatibility, comparison, versions): answering/pairs/.
        paired = answer_pair(self.retriever, question, snapshot, embedder=self.embedder)
        if paired is not None:
            return paired
        query = self.retriever.query(question, snapshot, context=context)
        retrieval = self.retriever.search(query, snapshot)
        not_indexed = subjects.not_indexed(retrieval)
        if tries_to_change_rules(question):
            return self._not_found(question, retrieval, started)
        if not_indexed and not retrieval.about_discussions and (
            not retrieval.named.docs or retrieval.named.stated_missing or needs_both_texts(question, snapshot)
        ):
            # What people said about a license can be in the discussions even when its text is
            # not indexed; the answer then notes that the license itself is missing. Whether two
            # licenses combine, or what changed between them, the one indexed text cannot say
            # (a comparison still quotes the side that is indexed, noting the other); nor can a
            # product's usual license speak for a part of it said to be under another.
            return self._not_held(question, retrieval, not_indexed, started)
        # "Can we use the model?": which one? Asked even when nothing matched well, which is usual
        # for a question that names nothing.
        options = subjects.choices(question, retrieval)
        if options:
            return replace(self._abstain(question, subjects.choice_lines(options), retrieval, started, not_indexed),
                           choices=options)
        if not retrieval.confident:
            return self._not_found(question, retrieval, started, not_indexed)
        outside = unsettled(question, retrieval.hits, self.outside)
        if outside is not None:
            closest = "; ".join(f"{h.chunk.title}, {h.chunk.section}" for h in retrieval.hits[:LEAD_FROM])
            return self._abstain(question, prompts.render("outside_texts", topic=outside.label,
                                                          searched=_searched(retrieval), closest=closest),
                                 retrieval, started, not_indexed)
        quotes = select_quotes(retrieval, self.max_quotes, snapshot.doc_chunks)
        lead = choose_lead(quotes[:LEAD_FROM], query, question_vector=retrieval.vector, embedder=self.embedder,
                           terms=retrieval.terms, picked=retrieval.picked)
        # A weak lead is not restated: a plain-words version would read as the answer.
        paraphrase, available = self._paraphrase(question, lead) if not lead.weak else ("", True)
        subject = subjects.subject_of(retrieval)
        return Answer(
            question=question,
            answer=_model_line(subject) + self._lead_text(lead, paraphrase, quotes),
            subject=subject,
            abstained=False,
            quotes=tuple(quotes),
            hits=retrieval.hits,
            notice=prompts.load("disclaimer"),
            notes=tuple(self._notes(retrieval, quotes, not_indexed)),
            summary_available=available,
            seconds=time.perf_counter() - started,
            searched=retrieval.searched_docs,
            lead=lead,
            paraphrase=paraphrase,
            not_indexed=tuple(not_indexed),
        )

    def lookup(self, query: str) -> Lookup:
        """A clause verbatim by license and section, or a license's sections (``lookup.py``)."""
        return lookup(self.retriever.snapshot(), query)

    def inventory(self) -> Inventory:
        """What is indexed now."""
        return self.retriever.snapshot().inventory()

    @staticmethod
    def _lead_text(lead: Lead, paraphrase: str, quotes: Sequence[Quote]) -> str:
        """The first thing a reader sees: where the rule is, what kind it is, its own words; each
        sentence with its own kind when they differ. A weak lead is offered as the closest clause,
        not as the answer."""
        where = f"{lead.title}, {lead.section}" if lead.section else lead.title
        context = f"{' '.join(lead.context.split())} … " if lead.context else ""
        if lead.mixed:
            words = " ".join(f"({s.rule or 'no rule'}) “{' '.join(s.text.split())}”" for s in lead.sentences)
            text = f"{where}: {context}{words}"
        else:
            kind = f" ({lead.rule})" if lead.rule else ""
            text = f"{where}{kind}: “{context}{' '.join(lead.text.split())}”"
        if lead.weak:
            others = "; ".join(f"{q.title}, {q.section}" for q in quotes[1:] if q.section)
            text = prompts.render("closest_clauses", lead=text, others=others or "none")
        return f"{text}\nIn plain words: {paraphrase}" if paraphrase else text

    def _not_held(
        self, question: str, retrieval: Retrieval, items: list[NotIndexed], started: float
    ) -> Answer:
        lines = [prompts.load("not_indexed"), *(f"• {how_to_add(i, retrieval.snapshot)}" for i in items)]
        return self._abstain(question, "\n".join(lines), retrieval, started, items)

    def _not_found(
        self, question: str, retrieval: Retrieval, started: float, not_indexed: Sequence[NotIndexed] = ()
    ) -> Answer:
        return self._abstain(question, prompts.render("not_found", searched=_searched(retrieval)), retrieval,
                             started, not_indexed)

    @staticmethod
    def _abstain(
        question: str, text: str, retrieval: Retrieval, started: float, not_indexed: Sequence[NotIndexed]
    ) -> Answer:
        """An answer without quotes: "not found" or "not in the index", with what was searched. A
        model or product named is said first with its license, as in an answer: "not found" in the
        Apache License is read differently once one knows the model is under it."""
        # A model's own line would contradict a question that says the thing is under another license.
        quiet = retrieval.named.stated_missing or any(i.model for i in not_indexed)
        subject = None if quiet else subjects.subject_of(retrieval)
        return Answer(
            question=question,
            answer=_model_line(subject) + text,
            subject=subject,
            abstained=True,
            hits=retrieval.hits,
            notice=prompts.load("disclaimer"),
            seconds=time.perf_counter() - started,
            searched=retrieval.searched_docs,
            not_indexed=tuple(not_indexed),
        )

    @staticmethod
    def _notes(retrieval: Retrieval, quotes: Sequence[Quote], not_indexed: Sequence[NotIndexed]) -> list[str]:
        notes = []
        if not_indexed:
            notes.append(prompts.render("missing_note", names="; ".join(i.name for i in not_indexed)))
        for mention in retrieval.named.mentions:
            if mention.model is not None and len(mention.periods) > 1:
                notes.append(prompts.render("other_periods", name=mention.model.name,
                                            periods="; ".join(subjects.other_periods(mention, retrieval.snapshot))))
        for q in quotes:
            if q.doc in retrieval.preferred:
                notes.append(f"No version was named, so the newest indexed version is quoted: {q.title}.")
                break
        if any(q.kind == "discussion" for q in quotes):
            notes.append("Discussion excerpts are opinions from public threads, not license terms.")
        return notes

    def _paraphrase(self, question: str, lead: Lead) -> tuple[str, bool]:
        """The model's restatement of the lead sentence, if it is faithful to it; else ""."""
        if self.generator is None:
            return "", False
        user = prompts.render("answer", sentence=" ".join(lead.text.split()))
        try:
            raw = self.generator.generate(prompts.load("system"), user, max_tokens=self.max_tokens)
        except ModelError as exc:
            log.warning("the answering model failed; answering with the clause alone: %s", exc)
            return "", False
        candidate = tidy(raw, [lead.context, lead.text])
        why = unfaithful(candidate, f"{lead.context} {lead.text}".strip(), question) if candidate else "empty"
        if why:
            log.info("paraphrase withheld (%s): %r", why, candidate[:200])
            return "", True
        return candidate, True


def _model_line(subject: Subject | None) -> str:
    """The line naming the model or product asked about and its license, or "" for a license."""
    return subjects.subject_line(subject) + "\n" if subject is not None and subject.kind != "license" else ""


def _searched(retrieval: Retrieval) -> str:
    """What a "not found" says was searched: the named documents, or the whole index."""
    return ", ".join(retrieval.searched_docs) or retrieval.snapshot.inventory().describe()
