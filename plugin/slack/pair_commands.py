"""`/license compare X Y [topic]` and `/license diff X Y [topic]`: the same pair answers as
`licensebot compare` / `licensebot diff`, rendered by ``comparison_blocks``."""

from __future__ import annotations

from typing import Literal

from licensebot import prompts
from licensebot.answering.pairs import pair_command
from licensebot.answering.pairs.topics import load_topics
from licensebot.slack.blocks import escape
from licensebot.slack.comparison_blocks import pair_blocks, pair_fallback
from licensebot.slack.deps import SlackDeps
from licensebot.slack.replies import Message, Reply, text_reply


def pair_reply(deps: SlackDeps, sub: str, rest: str) -> Reply:
    """The pair's blocks, or the usage / not-indexed wording."""
    kind: Literal["compare", "diff"] = "diff" if sub == "diff" else "compare"
    service = deps.service
    found = pair_command(service.retriever, kind, rest, embedder=service.embedder)
    if found.status == "ok" and found.answer is not None:
        return Reply((Message(pair_fallback(found.answer), pair_blocks(found.answer)),), True, found.answer)
    if found.status == "not_indexed":
        text = prompts.message("pair_not_indexed", names=escape(", ".join(found.missing)))
    else:
        topics = ", ".join(t.key.replace("_", " ") for t in load_topics().compare)
        if kind == "diff":
            text = prompts.message("diff_usage", topics=topics)
        else:
            text = prompts.message("compare_usage", topics=topics)
    return text_reply(text)
