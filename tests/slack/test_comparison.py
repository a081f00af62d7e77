"""`/license compare` and `/license diff`, and two-license questions, as Slack receives them:
within Slack's block and text limits, clauses verbatim, every wording from messages.yaml."""

from __future__ import annotations

import json
from typing import Any

import pytest

from licensebot import prompts
from licensebot.answering.service import AnswerService
from licensebot.slack.blocks import BLOCK_LIMIT, SECTION_LIMIT
from licensebot.slack.deps import SlackDeps
from licensebot.slack.listeners import commands
from tests.fakes import FakeGenerator
from tests.pairs_fixture import pair_documents, pair_retriever
from tests.slack.test_listeners import Recorder

MESSAGE_TEXT = 12_000


@pytest.fixture
def pair_deps(deps: SlackDeps) -> SlackDeps:
    deps.service = AnswerService(pair_retriever(), FakeGenerator("It is compatible."))
    return deps


def _run(deps: SlackDeps, text: str) -> dict[str, Any]:
    respond = Recorder()
    commands.run_command(deps, {"text": text, "user_id": "U1", "channel_id": "C1"}, respond)  # type: ignore[arg-type]
    assert len(respond.calls) == 1
    call: dict[str, Any] = respond.calls[0]
    return call


def _texts(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "text" and isinstance(v, str)] + [
            t for k, v in node.items() if k != "text" or not isinstance(v, str) for t in _texts(v)]
    if isinstance(node, list):
        return [t for item in node for t in _texts(item)]
    return []


def _within_limits(blocks: list[dict[str, Any]]) -> None:
    assert len(blocks) <= BLOCK_LIMIT
    assert sum(len(t) for t in _texts(blocks)) <= MESSAGE_TEXT
    for b in blocks:
        if b["type"] == "section":
            assert len(b["text"]["text"]) <= SECTION_LIMIT


def _quoted(blocks: list[dict[str, Any]]) -> list[str]:
    return [e["text"] for b in blocks if b["type"] == "rich_text" for q in b["elements"]
            if q["type"] == "rich_text_quote" for e in q["elements"]]


def test_compare_shows_one_section_per_topic_with_both_clauses_verbatim(pair_deps: SlackDeps) -> None:
    call = _run(pair_deps, "compare mit apache-2.0")
    blocks = call["blocks"]
    _within_limits(blocks)
    assert call["response_type"] == "ephemeral"
    headers = [b["text"]["text"] for b in blocks if b["type"] == "section"][1:]
    assert headers == [f"*{label}*" for label in (
        "Grant and commercial use", "Outputs and training other models", "Attribution and naming",
        "Redistribution and flow-down", "Patents", "Termination", "User or revenue thresholds", "Governing law")]
    bodies = {d.key: d.body for d in pair_documents()}
    quoted = _quoted(blocks)
    assert quoted and all(bodies["mit"].find(q) >= 0 or bodies["apache-2.0"].find(q) >= 0 for q in quoted)
    assert "not addressed" in json.dumps(blocks)


def test_the_longest_pairs_stay_within_slack_limits(pair_deps: SlackDeps) -> None:
    for text in ("compare gpl-3.0 agpl-3.0", "compare llama-3.1 llama-4", "diff gpl-2.0 gpl-3.0",
                 "diff llama-2 llama-3.1", "diff lgpl-2.1 lgpl-3.0"):
        _within_limits(_run(pair_deps, text)["blocks"])


def test_diff_marks_removed_and_added_words_and_lists_clauses_of_one_version(pair_deps: SlackDeps) -> None:
    blocks = _run(pair_deps, "diff llama-3 llama-3.1 outputs")["blocks"]
    _within_limits(blocks)
    elements = [e for b in blocks if b["type"] == "rich_text" for q in b["elements"] for e in q["elements"]]
    added = " ".join(e["text"] for e in elements if e.get("style") == {"bold": True})
    removed = " ".join(e["text"] for e in elements if e.get("style") == {"strike": True})
    assert "outputs or results" in added and "Meta Llama 3" in removed
    assert "Only in" in json.dumps(blocks) and prompts.message("diff_legend") in json.dumps(blocks)


def test_usage_and_missing_licenses_are_explained(pair_deps: SlackDeps) -> None:
    assert "Usage: `/license compare" in _run(pair_deps, "compare mit")["text"]
    assert "Usage: `/license diff" in _run(pair_deps, "diff")["text"]
    assert "Not indexed" in _run(pair_deps, "compare mit cddl-1.0")["text"]
    assert commands.parse("compare mit apache-2.0 patents") == ("compare", "mit apache-2.0 patents")
    assert commands.parse("diff llama-3 llama-3.1") == ("diff", "llama-3 llama-3.1")


def test_a_compatibility_question_shows_direction_verdict_attribution_and_clauses(pair_deps: SlackDeps) -> None:
    call = _run(pair_deps, "Is Apache-2.0 code compatible with a GPL-2.0-only project?")
    blocks = call["blocks"]
    _within_limits(blocks)
    head = blocks[0]["text"]["text"]
    assert "inbound" in head and "verdict: No" in head and "CC-BY-4.0" in head and "2024-05-21" in head
    assert {"licensebot_feedback", "licensebot_share"} <= {b.get("block_id") for b in blocks}
    assert len(_quoted(blocks)) >= 2


def test_an_uncovered_pair_in_slack_has_no_verdict(pair_deps: SlackDeps) -> None:
    head = _run(pair_deps, "Is Llama 3.1 compatible with Gemma?")["blocks"][0]["text"]["text"]
    assert "does not cover" in head and "verdict:" not in head
