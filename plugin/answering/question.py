"""Turn whatever a user typed into a clean question, or explain politely why not."""

from __future__ import annotations

import re
import unicodedata

from licensebot.errors import BadQuestion

_SLACK_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]*)>")
_SLACK_BARE_LINK = re.compile(r"<(https?://[^|>]+)>")
USER_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")
_SLACK_CHANNEL = re.compile(r"<#[A-Z0-9]+(?:\|([^>]*))?>")
_SLACK_SPECIAL = re.compile(r"<![^>]*>")
_SPACES = re.compile(r"\s+")
_INSTRUCTION_OVERRIDE = re.compile(
    r"\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(instructions?|rules?|prompts?|guidelines|above)\b"
    r"|\b(system prompt|jailbreak|developer mode|you are now|pretend (?:to be|you are)|act as (?:a|an|my)\b)"
    r"|\bsay (?:that )?the licen[cs]e (?:allows|permits) everything\b",
    re.IGNORECASE,
)


def tries_to_change_rules(question: str) -> bool:
    """A request to drop the bot's rules is not a license question; it gets "not found"."""
    return bool(_INSTRUCTION_OVERRIDE.search(question))


def clean_question(raw: str, *, max_chars: int) -> str:
    """NFKC-normalised, control characters and Slack markup removed, spaces collapsed."""
    if not isinstance(raw, str):
        raise BadQuestion("Please ask your question as text.")
    # Lone surrogates cannot be encoded anywhere downstream; drop them.
    text = raw.encode("utf-8", "ignore").decode("utf-8") if _has_surrogates(raw) else raw
    text = _SLACK_LINK.sub(r"\2", text)
    text = _SLACK_BARE_LINK.sub(r"\1", text)
    text = USER_MENTION.sub(" ", text)
    text = _SLACK_CHANNEL.sub(lambda m: f"#{m.group(1) or 'channel'}", text)
    text = _SLACK_SPECIAL.sub(" ", text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    text = unicodedata.normalize("NFKC", text)
    text = "".join(
        ch if not unicodedata.category(ch).startswith("C") else " "
        for ch in text
    )
    text = _SPACES.sub(" ", text).strip()
    if len(text) > max_chars:
        raise BadQuestion(
            f"That question is {len(text):,} characters long; please keep it under "
            f"{max_chars:,} and ask about one license point at a time."
        )
    if not any(ch.isalnum() for ch in text):
        raise BadQuestion(
            "Please type a question, for example: Can we use Llama 3.1 outputs to train our own model?"
        )
    return text


def _has_surrogates(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)
