"""Slack's size limits on a message, and splitting a reply that would break them into several
messages instead of losing it (``msg_blocks_too_long``) or cutting it.

Limits: 3,000 characters per section text; 50 blocks per message; the blocks of one message
may add up to about 12,000 characters, measured here as the JSON Slack receives, which is never
shorter than the text it carries.
"""

from __future__ import annotations

import json
from typing import Any

Block = dict[str, Any]

SECTION_LIMIT = 3000
BLOCK_LIMIT = 50
MESSAGE_CHARS = 12_000
PIECE = 2900
"""Longest text element of a quote; a longer clause is split across elements."""
MESSAGE_QUOTE_BUDGET = 24_000
"""Quoted characters per reply (over all its messages); further quotes are named with the
command that shows them."""


def size(blocks: list[Block] | Block) -> int:
    return len(json.dumps(blocks, ensure_ascii=False))


def _split_rich_text(block: Block, limit: int) -> list[Block]:
    """A rich_text block too big for one message, as several holding its elements in order."""
    if block.get("type") != "rich_text" or size(block) <= limit:
        return [block]
    out: list[Block] = []
    current: list[Any] = []
    for element in block["elements"]:
        if current and size({**block, "elements": [*current, element]}) > limit:
            out.append({**block, "elements": current})
            current = []
        current.append(element)
    out.append({**block, "elements": current})
    return out


def split_messages(blocks: list[Block], tail: list[Block] | None = None, *,
                   limit: int = MESSAGE_CHARS, max_blocks: int = BLOCK_LIMIT) -> list[list[Block]]:
    """``blocks`` in order over as few messages as keep within the limits, ``tail`` (the
    buttons) at the end of the last one. Nothing is dropped or cut: a block is never split
    except a rich_text one, between its quote pieces."""
    tail = tail or []
    messages: list[list[Block]] = [[]]
    # Headroom for the commas JSON puts between blocks.
    for block in (piece for b in blocks for piece in _split_rich_text(b, limit - 2)):
        current = messages[-1]
        if current and (len(current) >= max_blocks or size([*current, block]) > limit):
            messages.append([])
        messages[-1].append(block)
    last = messages[-1]
    if tail and (len(last) + len(tail) > max_blocks or size([*last, *tail]) > limit):
        messages.append([])
    messages[-1].extend(tail)
    return messages
