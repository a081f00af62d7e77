"""How big a chunk may get, where long clauses are cut, and how much context travels with a
piece. Changing any of these changes chunks: bump ``chunker.CHUNKER_VERSION``.
"""

from __future__ import annotations

MAX_CHARS = 1400
SPLIT_CHARS = 1000
SPLIT_OVERLAP = 150
MERGE_BELOW = 90
"""A heading-only unit shorter than this is joined to the clause that follows it."""
CONTEXT_CHARS = 400
"""At most this much of a parent's lead-in travels with each sub-item (its last sentences)."""
