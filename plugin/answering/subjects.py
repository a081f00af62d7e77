"""What a question named, said first and plainly: the model or product and the license that covers
it (with the source of that claim), the licenses it names that the index lacks and how an admin
adds them, and, when it names nothing and several licenses fit, the choice to make."""

from __future__ import annotations

import re
from collections.abc import Sequence

from licensebot import prompts
from licensebot.answering.answer import Choice, NotIndexed, Subject
from licensebot.index.search import Mention, Retrieval, Snapshot
from licensebot.index.sources import LICENSEDB_URL

MAX_CHOICES = 4
_UNNAMED = re.compile(
    r"\b(?:the|this|that|these|those|its|their)\s+(?:model|models|license|licence|licenses|terms|agreement|"
    r"weights|checkpoint|policy)\b",
    re.IGNORECASE,
)
"""A question about "the model" or "this license" that names none: which one is meant?"""


def _title(key: str, snapshot: Snapshot) -> str:
    chunks = snapshot.doc_chunks(key)
    if chunks:
        return chunks[0].title
    entry = snapshot.catalog.get(key)
    return entry.name if entry and entry.name else key


def _url(key: str, snapshot: Snapshot) -> str:
    chunks = snapshot.doc_chunks(key)
    if chunks and chunks[0].url:
        return chunks[0].url
    return LICENSEDB_URL.format(key=key) if snapshot.in_licensedb(key) else ""


def subject_of(retrieval: Retrieval) -> Subject | None:
    """The model or product the question names (first), else the license it is answered from."""
    snapshot, mentions = retrieval.snapshot, retrieval.named.mentions
    model = next((m for m in mentions if m.model is not None), None)
    if model is not None and model.model is not None:
        entry = model.model
        key = entry.license or ""
        periods = len(model.periods) > 1
        return Subject(
            name=entry.name, kind=entry.kind, license=key, source=entry.source,
            license_title=_title(key, snapshot) if key else entry.license_name,
            also=tuple(_title(k, snapshot) for k in entry.also),
            period=entry.describe_period() if periods else "",
        )
    searched = set(retrieval.searched_docs)
    for m in mentions:
        docs = [d for d in m.docs if d in searched] or [d for d in m.docs if d in retrieval.named.indexed]
        if docs:
            key = next((d for d in docs if d in retrieval.preferred), docs[0])
            return Subject(name=m.written or m.phrase, kind="license", license=key, source=_url(key, snapshot),
                           license_title=_title(key, snapshot))
    return None


def subject_line(subject: Subject) -> str:
    """"Kimi K2 is released under the Modified MIT License (source)." for a model or product."""
    also = prompts.render("subject_also", licenses="; ".join(subject.also)) if subject.also else ""
    period = prompts.render("subject_period", period=subject.period) if subject.period else ""
    return prompts.render("subject_model", name=subject.name, license=subject.license_title, also=also,
                          period=period, source=subject.source)


def other_periods(mention: Mention, snapshot: Snapshot) -> list[str]:
    """"7.10 and earlier: Apache License 2.0" for each other license period of a product."""
    return [f"{p.describe_period()}: {_title(p.license, snapshot) if p.license else p.license_name}"
            for p in mention.periods if p is not mention.model]


def not_indexed(retrieval: Retrieval) -> list[NotIndexed]:
    catalog = retrieval.snapshot.catalog
    out: list[NotIndexed] = []
    for mention in retrieval.named.missing:
        entry = mention.model
        if entry is not None and entry.license is None:
            out.append(NotIndexed(entry.license_name or entry.name, "license text missing", model=entry.name,
                                  source=entry.source))
        elif entry is not None:
            out.append(NotIndexed(catalog.describe(entry.license or ""), "not indexed", model=entry.name,
                                  source=entry.source))
        else:
            out.append(NotIndexed(", ".join(catalog.describe(d) for d in mention.docs), "not indexed"))
    for unknown in retrieval.named.unknown:
        if unknown.kind == "version":
            versions = tuple(catalog.describe(d) for d in unknown.family if d in retrieval.named.indexed)
            out.append(NotIndexed(unknown.phrase, "version not indexed", versions))
        else:
            out.append(NotIndexed(unknown.phrase, f"unknown {unknown.kind}"))
    return out


def how_to_add(item: NotIndexed, snapshot: Snapshot) -> str:
    if item.reason == "version not indexed":
        versions = ", ".join(item.indexed_versions) or "none"
        return prompts.render("not_indexed_version", name=item.name, versions=versions)
    if item.reason == "unknown license":
        return prompts.render("not_indexed_unknown_license", name=item.name)
    if item.reason == "unknown model":
        return prompts.render("not_indexed_unknown_model", name=item.name)
    if item.reason == "license text missing":
        return prompts.render("not_indexed_model_license", model=item.model, name=item.name, source=item.source)
    key = item.name.rsplit("(", 1)[-1].rstrip(")") if item.name.endswith(")") else item.name
    in_licensedb = snapshot.catalog.get(key) is not None and snapshot.in_licensedb(key)
    text = prompts.render("not_indexed_licensedb" if in_licensedb else "not_indexed_folder", name=item.name, key=key)
    if item.model:
        return prompts.render("not_indexed_model", model=item.model, source=item.source) + " " + text
    return text


def choices(question: str, retrieval: Retrieval) -> tuple[Choice, ...]:
    """When the question asks about "the model" or "this license" and names none, the licenses
    its best clauses come from (when they come from more than one): ask which, do not guess."""
    named = retrieval.named
    if named.mentions or named.unknown or retrieval.about_discussions or not _UNNAMED.search(question):
        return ()
    docs: list[str] = []
    for hit in retrieval.hits:
        if hit.chunk.kind == "license" and hit.chunk.doc not in docs:
            docs.append(hit.chunk.doc)
    if len(docs) < 2:
        return ()
    return tuple(Choice(d, _title(d, retrieval.snapshot)) for d in docs[:MAX_CHOICES])


def choice_lines(options: Sequence[Choice]) -> str:
    return "\n".join([prompts.load("which_license"), *(f"• {c.title} ({c.key})" for c in options)])
