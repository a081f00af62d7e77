from __future__ import annotations

from pathlib import Path

from licensebot.index.chunking import MAX_CHARS, chunk_document
from licensebot.index.models import Document
from licensebot.index.sources import parse_document
from tests.conftest import chunks_of, licensedb_docs

DATA = Path(__file__).parent / "data"


def _doc(key: str) -> Document:
    return licensedb_docs([key])[0]


def test_llama_roman_subclauses_get_their_own_labels() -> None:
    sections = chunks_of(_doc("llama-2-license-2023"))
    assert "§1.b.v" in sections
    assert "improve any other large language model" in sections["§1.b.v"]
    assert "§1.b.iii" in sections and "Notice" in sections["§1.b.iii"]
    assert "§2 Additional Commercial Terms" in sections
    assert "700 million" in sections["§2 Additional Commercial Terms"]


def test_gemma_decimal_sections_under_section_headings() -> None:
    sections = chunks_of(_doc("gemma-tou-2025-03-24"))
    assert "§3.2 Use Restrictions" in sections
    assert "restrict (remotely or otherwise)" in sections["§3.2 Use Restrictions"]
    assert "§1.1(b)" in sections and "as a hosted service via API" in sections["§1.1(b)"]


def test_apache_lettered_paragraphs_inside_numbered_sections() -> None:
    sections = chunks_of(_doc("apache-2.0"))
    assert any(label.startswith("§4(d)") for label in sections)
    assert "§4(a)" in sections and sections["§4(a)"].startswith("(a) You must give")
    assert "§3 Grant of Patent License" in sections
    assert "definition of “Derivative Works”" in " ".join(sections)


def test_markdown_bold_clause_numbers_and_definitions() -> None:
    raw = (DATA / "markdown-license.md").read_bytes()
    doc = parse_document(raw, path=DATA / "markdown-license.md", source="test")
    sections = chunks_of(doc)
    assert "§3.2 Usage Limitation" in sections
    assert "hosted or managed service" in sections["§3.2 Usage Limitation"]
    assert "§1.1 Scope of the Agreement" in sections
    assert "§9 definition of “Outputs”" in sections
    chunk = next(c for c in chunk_document(doc) if c.section == "§3.2 Usage Limitation")
    assert chunk.section_id == "3.2"
    assert "3 Limitations" in chunk.heading


def test_every_chunk_is_an_exact_span_of_the_body_and_ids_are_stable() -> None:
    for doc in licensedb_docs(["llama-3.1-license-2024", "gpl-3.0", "bigscience-open-rail-m", "mit", "qwen-2024"]):
        first = chunk_document(doc)
        again = chunk_document(doc)
        assert [c.id for c in first] == [c.id for c in again]
        assert len({c.id for c in first}) == len(first)
        for c in first:
            assert doc.body[c.start : c.end] == c.text
            assert c.text.strip() == c.text and c.text
            assert len(c.text) <= MAX_CHARS


def test_wrapped_lines_that_start_with_numbers_are_not_clauses() -> None:
    labels = [c.section for c in chunk_document(_doc("gpl-3.0"))]
    # "section\n  7.  This requirement..." inside 5(c) and "section 13, concerning" must not open clauses.
    assert not any(label.startswith("Section 13") for label in labels)
    assert "§7 Additional Terms" in labels


def test_attachment_items_are_labelled_under_the_attachment() -> None:
    labels = [c.section for c in chunk_document(_doc("bigscience-open-rail-m"))]
    assert "Attachment A(a)" in labels


def test_unstructured_text_is_one_chunk_without_a_label() -> None:
    chunks = chunk_document(_doc("mit"))
    assert len(chunks) == 1 and chunks[0].section == ""
