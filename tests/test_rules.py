"""Rule kinds read from the clause's own words, on real clauses of the licenses staff ask about."""

from __future__ import annotations

import pytest

from licensebot.answering.rules import classify
from licensebot.index.sources import load_packaged
from licensebot.index.text import chunk_document, sentence_spans
from tests.conftest import licensedb_docs


def _clause(key: str, needle: str) -> tuple[str, str]:
    """(the sentence containing ``needle``, the lead-in of its clause), from the real text of ``key``."""
    docs = load_packaged().documents if key.startswith("mistral") else licensedb_docs([key])
    doc = next(d for d in docs if d.key == key)
    # The clause itself, not a lead-in chunked together with the list that holds it.
    chunk = min((c for c in chunk_document(doc) if needle in " ".join(c.text.split())), key=lambda c: len(c.text))
    sentence = next(
        chunk.text[s:e] for s, e in sentence_spans(chunk.text) if needle in " ".join(chunk.text[s:e].split())
    )
    return " ".join(sentence.split()), chunk.context


@pytest.mark.parametrize(
    ("key", "needle", "rule"),
    [
        ("llama-2-license-2023", "You will not use the Llama Materials or any output", "prohibition"),
        ("llama-2-license-2023", "you must request a license from Meta", "condition"),
        ("llama-2-license-2023", "You are granted a non-exclusive, worldwide", "permission"),
        ("llama-2-license-2023", "You must retain in all copies of the Llama Materials", "obligation"),
        ("llama-2-license-2023", "UNLESS REQUIRED BY APPLICABLE LAW, THE LLAMA MATERIALS", "disclaimer"),
        ("llama-2-license-2023", '"Licensee" or "you" means you', "definition"),
        ("gemma-tou-2025-03-24", "You must not use any of the Gemma Services", "prohibition"),
        ("gemma-tou-2025-03-24", "Google claims no rights in Outputs", "disclaimer"),
        ("gemma-tou-2025-03-24", '"Model Derivatives" means', "definition"),
        # A denial of rights is not a permission, although it says "grants".
        ("gemma-tou-2025-03-24", "Nothing in this Agreement grants you any rights to use Google", "prohibition"),
        # A grant whose conditions are listed after it: the main verb grants (tests/data/rule_sentences.jsonl).
        ("gemma-tou-2025-03-24", "You may reproduce or Distribute copies of Gemma", "permission"),
        ("mistral-ai-non-production-license", "You shall not supply the Mistral Models", "prohibition"),
        ("mistral-ai-non-production-license", "You must retain in all copies of the Mistral Models", "obligation"),
        ("mistral-ai-non-production-license", "Mistral AI hereby grants You a non-exclusive", "permission"),
        ("bigscience-open-rail-m", "To provide medical advice and medical results interpretation", "prohibition"),
        ("bigscience-open-rail-m", "MUST be included as an enforceable provision", "obligation"),
        ("gpl-3.0", "Convey the object code in, or embodied in, a physical product", "condition"),
        ("gpl-3.0", "THERE IS NO WARRANTY FOR THE PROGRAM", "disclaimer"),
        ("apache-2.0", "If You institute patent litigation against any entity", "condition"),
        ("apache-2.0", "each Contributor hereby grants to You a perpetual, worldwide", "permission"),
        ("apache-2.0", "You must cause any modified files to carry prominent notices", "obligation"),
        ("apache-2.0", "This License does not grant permission to use the trade names", "prohibition"),
        # "Neither ... nor ... may be used": a denied permission, although it says "may".
        ("bsd-new", "Neither the name of the", "prohibition"),
    ],
)
def test_rule_kinds_of_real_clauses(key: str, needle: str, rule: str) -> None:
    sentence, lead_in = _clause(key, needle)
    assert classify(sentence, lead_in) == rule, sentence[:120]


def test_a_sub_item_without_a_rule_word_takes_its_lead_ins_kind() -> None:
    assert classify("(a) In any way that violates any applicable national law;") is None
    assert classify("(a) In any way that violates any applicable national law;",
                    "You agree not to use the Model or Derivatives of the Model:") == "prohibition"


def test_a_boilerplate_subject_to_is_not_a_condition() -> None:
    grant = "Subject to the terms and conditions of this License, each Contributor hereby grants to You a license."
    assert classify(grant) == "permission"
    # A proviso qualifies the grant; a leading case or "only if" / "so long as" makes it a condition.
    assert classify("You may use it, provided that you keep this notice.") == "permission"
    assert classify("If you distribute it, you may use it.") == "condition"
    assert classify("You may use it only if you keep this notice.") == "condition"


def test_a_sentence_no_pattern_fits_stays_unlabelled() -> None:
    assert classify("This Agreement will be governed by the laws of the State of California.") is None
