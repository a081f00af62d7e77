"""Clause-aware chunking: split a document along its own structure, not blind windows.

Legal texts number their clauses in many styles: ``1.`` / ``a.`` / ``i.`` (Llama),
``Section 3`` + ``3.2`` + ``(a)`` (Gemma), ``Section 1 -- Definitions.`` + ``a.`` + ``1.`` (Creative
Commons), markdown ``## 3.`` + ``**3.2.**`` (Mistral), ``4.`` + ``(d)`` (Apache), quoted
definitions (``"Agreement" means ...``). Texts copied from web pages often lost their numbers
and kept only indentation and headings: a line of its own ("INDEMNIFICATION", "Who we are") or a
run-in heading at the start of a paragraph ("Outputs. We claim no ownership ...").

We read the text line by line, recognise those markers, and keep a stack of the enclosing ones
to build a label (``§1.b.v``, ``§3.2 Use Restrictions``, ``License Grant > Outputs``) and a
heading path. Rules that keep structure honest:

- a list starts only if its next item exists ("(1) assert copyright ... and (2) offer you" in
  running text is not a list);
- a definition ends with its paragraph, so the text after the definitions is not "definition of
  you (part 19 of 19)";
- run-in headings and indented paragraphs make structure only where the text has no numbering;
- when numbering alone is ambiguous (a "1." list inside "a."), deeper indentation nests.

Every sub-item carries its parent's lead-in (the sentence that ends "... in one of these ways:")
as ``context``, an exact span shown with it and embedded with it; every later part of a long
clause split for length carries the clause's first sentence. Every chunk is an exact slice
``body[start:end]``, so a quote can always be shown verbatim and located in the document.
"""

from __future__ import annotations

from dataclasses import replace

from licensebot.index.documents import Chunk, Document
from licensebot.index.text.headings import merge_headings, split_inline_lists
from licensebot.index.text.leadins import first_sentence, introduces, lead_in, pieces
from licensebot.index.text.markers import Unit
from licensebot.index.text.roles import assign_roles
from licensebot.index.text.sentences import trim_span
from licensebot.index.text.sizes import MAX_CHARS
from licensebot.index.text.units import read_units

CHUNKER_VERSION = "17"
"""Bump when chunk boundaries, labels or what is embedded change, so indexes are rebuilt."""
def chunk_document(doc: Document) -> list[Chunk]:
    body = doc.body
    units = merge_headings(body, split_inline_lists(body, read_units(body)))
    roles = assign_roles(body, units)
    # A unit with sub-items ends where its first sub-item starts: its text is their lead-in.
    lead_ins = {
        i: span for i, unit in enumerate(units) if unit.children
        for span in [lead_in(body, unit.start, unit.end)] if introduces(body[span[0] : span[1]], unit)
    }
    chunks: list[Chunk] = []
    for i, unit in enumerate(units):
        spans = list(pieces(body, unit.start, unit.end))
        whole = _subtree_end(units, i) if i in lead_ins and len(spans) == 1 else unit.end
        if whole > unit.end and trim_span(body, unit.start, whole)[1] - unit.start <= MAX_CHARS:
            # A lead-in is chunked with the list it introduces when they fit together (each item
            # is also a chunk of its own): "retain the following ...:" says nothing by itself.
            spans = list(pieces(body, unit.start, whole))
        parent_context = lead_ins.get(unit.parent) if unit.parent >= 0 and not unit.after_list else None
        for part, (start, end) in enumerate(spans, 1):
            label = unit.label
            context = parent_context
            if len(spans) > 1:
                label = f"{label} (part {part} of {len(spans)})".strip()
                if part > 1:
                    first = first_sentence(body, spans[0][0], spans[0][1])
                    context = first if first[1] > first[0] else context
            c_start, c_end = context if context and context[1] > context[0] and context[1] <= start else (0, 0)
            chunks.append(
                Chunk(
                    id=f"{doc.key}:{start}-{end}",
                    doc=doc.key,
                    title=doc.title,
                    kind=doc.kind,
                    category=doc.category,
                    url=doc.url,
                    section=label,
                    section_id=unit.section_id,
                    heading=unit.heading,
                    start=start,
                    end=end,
                    text=body[start:end],
                    doc_sha256=doc.sha256,
                    ordinal=len(chunks),
                    context=body[c_start:c_end],
                    context_start=c_start,
                    context_end=c_end,
                    role=roles[i] if doc.kind == "license" else "clause",
                )
            )
    return _with_gaps(body, chunks)


def _subtree_end(units: list[Unit], i: int) -> int:
    """Where unit ``i`` and all its sub-items end."""
    while units[i].children:
        i = units[i].children[-1]
    return units[i].end


def _with_gaps(body: str, chunks: list[Chunk]) -> list[Chunk]:
    """Record the text between each chunk and the next one (see ``Chunk.gap``)."""
    order = sorted(range(len(chunks)), key=lambda i: (chunks[i].start, chunks[i].end))
    out = list(chunks)
    for i, j in zip(order, order[1:], strict=False):
        if chunks[j].start > chunks[i].end:
            out[i] = replace(chunks[i], gap=body[chunks[i].end : chunks[j].start])
    return out
