"""Amounts: a question that states how big the asker is ("we make $3M a year", "about 800 million
monthly users") is answered by the sentence that sets a threshold on that kind of amount ("more than
USD $1,000,000 in annual revenue", "greater than 700 million monthly active users"), whatever words
the rest of the question shares with the clause's other sentences."""

from __future__ import annotations

import re
from typing import Literal

Kind = Literal["money", "users"]

_SCALE = r"(?:\s*(?:k|m|mm|bn|b|thousand|million|billion))?"
_BIG = r"(?:\d[\d,.]*\s*(?:k|m|mm|bn|thousand|million|billion)\b|\d{1,3}(?:,\d{3})+\b|\d{4,}\b)"
"""A count said as a count: "800 million", "15M", "100,000", "5000"; not "Llama 3" or "Qwen 2.5"."""
_MONEY_ASKED = re.compile(
    rf"(?:[$€£¥]|\b(?:usd|eur|gbp|rmb|cny|us\$))\s?\d[\d,.]*{_SCALE}\b"
    rf"|\b\d[\d,.]*{_SCALE}\s*(?:dollars|euros|pounds|usd|eur|rmb|yuan)\b"
    rf"|{_BIG}[^.?!]{{0,30}}\b(?:revenue|turnover|sales)\b|\b(?:revenue|turnover|sales)\b[^.?!\d]{{0,30}}{_BIG}",
    re.IGNORECASE,
)
_USERS_ASKED = re.compile(
    rf"{_BIG}\+?\s*(?:monthly |daily |weekly |active |registered )*(?:users|customers|subscribers|mau|dau)\b",
    re.IGNORECASE,
)
_MONEY_THRESHOLD = re.compile(
    r"(?:[$€£¥]|\b(?:usd|eur|gbp|rmb|cny|us\$))\s?\d[\d,.]*"
    r"|\b\d[\d,.]*\s*(?:million|billion)\s*(?:dollars|euros|usd|eur|rmb|yuan)\b"
    r"|\b(?:annual|yearly|monthly) (?:gross )?revenue\b",
    re.IGNORECASE,
)
_USERS_THRESHOLD = re.compile(
    r"\b(?:monthly|daily) active users\b|\bMAU\b|\b\d[\d,.]*\s*(?:million|billion)?\s*(?:end )?users\b",
    re.IGNORECASE,
)
_ASKED: dict[Kind, re.Pattern[str]] = {"money": _MONEY_ASKED, "users": _USERS_ASKED}
_THRESHOLD: dict[Kind, re.Pattern[str]] = {"money": _MONEY_THRESHOLD, "users": _USERS_THRESHOLD}


def amounts_asked(question: str) -> frozenset[Kind]:
    """The kinds of amount the question states about the asker."""
    return frozenset(kind for kind, pattern in _ASKED.items() if pattern.search(question))


def sets_threshold(sentence: str, kinds: frozenset[Kind]) -> bool:
    """Does ``sentence`` set a threshold on one of ``kinds``?"""
    return any(_THRESHOLD[kind].search(sentence) for kind in kinds)
