"""Text: clause-aware chunking and the sentence and span helpers everything else shares.

``chunk_document`` splits a document along its own structure (phases: ``markers`` →
``numbering`` → ``units`` → ``headings`` → ``leadins`` → ``roles``, assembled in ``chunker``).
A change to what it produces needs ``CHUNKER_VERSION`` bumped (a test fails until it is), so
existing indexes rebuild themselves.
"""

from licensebot.index.text.chunker import CHUNKER_VERSION, chunk_document
from licensebot.index.text.sentences import (
    CLAUSE_SENTENCE_END,
    ITEM_START,
    PROSE_SENTENCE_END,
    SPLIT_POINT,
    heading_length,
    item_kind,
    normalize_for_match,
    sentence_spans,
    trim_span,
)
from licensebot.index.text.sizes import MAX_CHARS
from licensebot.index.text.spans import text_between

__all__ = [
    "CHUNKER_VERSION", "CLAUSE_SENTENCE_END", "ITEM_START", "MAX_CHARS", "PROSE_SENTENCE_END", "SPLIT_POINT",
    "chunk_document", "heading_length", "item_kind", "normalize_for_match", "sentence_spans", "text_between",
    "trim_span",
]
