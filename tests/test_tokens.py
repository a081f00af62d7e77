"""Token accounting: the model's tokenizer as every backend uses it, and where the tokens go."""

from __future__ import annotations

from licensebot.devtools.tokens import KINDS, chunk_kinds, profile
from licensebot.index.embed import default_model_path
from licensebot.index.embed.tokens import load_tokenizer, max_tokens, token_counts
from licensebot.index.text import chunk_document
from tests.conftest import licensedb_docs


def test_token_counts_truncate_at_the_models_cap_and_include_its_special_tokens() -> None:
    tokenizer = load_tokenizer(default_model_path())
    cap = max_tokens(default_model_path())
    assert cap == 256
    short, long = token_counts(tokenizer, ["license", "The Licensor grants you a license. " * 100])
    assert short == 3  # [CLS] license [SEP]
    assert long == cap


def test_chunks_are_told_apart_by_kind() -> None:
    chunks = chunk_document(licensedb_docs(["gpl-3.0"])[0])
    kinds = dict(zip((c.section for c in chunks), chunk_kinds(chunks), strict=True))
    assert kinds["§5 Conveying Modified Source Versions"] == "lead-in with its list"
    assert kinds["§5.a Conveying Modified Source Versions"] == "list item with lead-in"
    assert kinds["§11 Patents (part 1 of 5)"] == "first part"
    assert kinds["§11 Patents (part 2 of 5)"] == "later part"
    assert kinds["§13 Use with the GNU Affero General Public License"] == "whole clause"


def test_profile_adds_up_per_kind_and_counts_texts_at_the_cap() -> None:
    chunks = [c for d in licensedb_docs(["gpl-3.0", "cc-by-4.0"]) for c in chunk_document(d)]
    rows = profile(chunks, [c.search_text() for c in chunks], default_model_path())
    kinds = [rows[k] for k in KINDS if k in rows]
    for field in ("chunks", "tokens", "at_cap", "title", "lead_in", "text"):
        assert rows["all"][field] == sum(r[field] for r in kinds), field
    assert rows["all"]["chunks"] == len(chunks)
    assert rows["whole clause"]["lead_in"] == 0, "only items and later parts carry a lead-in"
    assert rows["list item with lead-in"]["lead_in"] > 0 and rows["later part"]["lead_in"] > 0
    # What is embedded is title, headings, lead-in and text: at most the cap, otherwise all of it
    # with [CLS] and [SEP] (joined by newlines, which the tokenizer drops).
    uncapped = rows["all"]["title"] + rows["all"]["lead_in"] + rows["all"]["text"]
    assert rows["all"]["tokens"] < uncapped + 2 * len(chunks)
    assert rows["all"]["at_cap"] > 0
