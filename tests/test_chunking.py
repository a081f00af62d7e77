from __future__ import annotations

import re
from pathlib import Path

import pytest

from licensebot.index.documents import Chunk, Document
from licensebot.index.sources import load_folders, load_scancode, parse_document, read_selection
from licensebot.index.text import MAX_CHARS, chunk_document, text_between
from tests.conftest import chunks_of, licensedb_docs

DATA = Path(__file__).parent / "data"
PART = re.compile(r"\s*\(part (\d+) of (\d+)\)$")


def _doc(key: str) -> Document:
    return licensedb_docs([key])[0]


def _chunk(doc: Document, label: str) -> Chunk:
    return next(c for c in chunk_document(doc) if c.section == label)


def test_llama_roman_subclauses_get_their_own_labels_with_the_parent_heading() -> None:
    sections = chunks_of(_doc("llama-2-license-2023"))
    assert "improve any other large language model" in sections["§1.b.v Redistribution and Use"]
    assert "Notice" in sections["§1.b.iii Redistribution and Use"]
    assert "700 million" in sections["§2 Additional Commercial Terms"]


def test_gemma_decimal_sections_under_section_headings() -> None:
    sections = chunks_of(_doc("gemma-tou-2025-03-24"))
    assert "restrict (remotely or otherwise)" in sections["§3.2 Use Restrictions"]
    assert "as a hosted service via API" in sections["§1.1(b) Definitions"]


def test_apache_lettered_paragraphs_inside_numbered_sections() -> None:
    sections = chunks_of(_doc("apache-2.0"))
    assert sections["§4(a) Redistribution"].startswith("(a) You must give")
    assert "§3 Grant of Patent License" in sections
    assert "definition of “Derivative Works”" in " ".join(sections)


def test_markdown_bold_clause_numbers_and_definitions() -> None:
    raw = (DATA / "markdown-license.md").read_bytes()
    doc = parse_document(raw, path=DATA / "markdown-license.md", source="test")
    sections = chunks_of(doc)
    assert "hosted or managed service" in sections["§3.2 Usage Limitation (item 2)"]
    assert "§1.1 Scope of the Agreement" in sections
    assert "§9 definition of “Outputs”" in sections
    chunk = _chunk(doc, "§3.2 Usage Limitation (item 2)")
    assert chunk.section_id == "3.2" and "3 Limitations" in chunk.heading


def test_sub_items_carry_their_parents_lead_in_as_an_exact_span() -> None:
    doc = _doc("gpl-3.0")
    item = _chunk(doc, "§6.a Conveying Non-Source Forms")
    lead_in = " ".join(item.context.split())
    assert lead_in.startswith("6. Conveying Non-Source Forms. You may convey a covered work in object code form")
    assert lead_in.endswith("in one of these ways:")
    assert doc.body[item.context_start : item.context_end] == item.context
    assert item.context in item.search_text(), "the lead-in is embedded with the sub-item"


def test_later_parts_of_a_long_clause_carry_its_first_sentence() -> None:
    doc = _doc("gpl-3.0")
    parts = [c for c in chunk_document(doc) if c.section.startswith("§11 Patents (part")]
    assert len(parts) > 2
    first_sentence = 'A "contributor" is a copyright holder who authorizes use under this License'
    for later in parts[1:]:
        assert first_sentence in " ".join(later.context.split())
        assert doc.body[later.context_start : later.context_end] == later.context


def test_run_in_headings_start_sections_when_a_text_has_no_numbering() -> None:
    sections = {PART.sub("", label): text for label, text in chunks_of(_doc("flux-1-nc")).items()}
    assert sections["License Grant > Outputs"].startswith("Outputs. We claim no ownership rights")
    assert sections["Restrictions"].startswith("Restrictions. You will not")
    item = next(c for c in chunk_document(_doc("flux-1-nc")) if c.section == "Restrictions (item 1)")
    assert item.context == sections["Restrictions"], "each item carries the restriction it completes"
    assert "DISCLAIMERS" in sections and "INDEMNIFICATION" in sections
    assert not any(label.startswith("definition of “you”") and len(text) > 200 for label, text in sections.items())


def test_a_definition_ends_with_its_paragraph() -> None:
    doc = parse_document(
        b'1. Definitions.\n\n"Model" means the weights.\n\nBy using the Model you accept these terms in full.\n\n'
        b"2. Use. You may use the Model.\n\n3. End. That is all.\n",
        path=Path("t.txt"), source="test",
    )
    labels = {c.section: c.text for c in chunk_document(doc)}
    assert labels["§1 definition of “Model”"].endswith('"Model" means the weights.')
    assert any(text.startswith("By using the Model") for label, text in labels.items() if "definition" not in label)


def test_a_list_that_does_not_go_on_is_running_text() -> None:
    labels = [c.section for c in chunk_document(_doc("gpl-3.0"))]
    # The preamble's "(1) assert copyright on the software, and (2) offer you this License" is prose.
    assert not any(re.fullmatch(r"§\(\w+\)", PART.sub("", label)) for label in labels)
    assert "§7 Additional Terms" in labels


def test_dash_bullets_are_items_under_their_lead_in() -> None:
    sections = {c.section: c for c in chunk_document(_doc("deepseek-la-1.0"))}
    military = next(c for label, c in sections.items() if "For military use in any way" in c.text)
    assert "(item" in military.section and military.context.endswith("Derivatives of the Model:")


def test_every_chunk_is_an_exact_span_of_the_body_and_ids_are_stable() -> None:
    for doc in licensedb_docs(["llama-3.1-license-2024", "gpl-3.0", "bigscience-open-rail-m", "mit", "qwen-2024",
                               "flux-1-nc", "openai-tou-20241211", "cc-by-4.0"]):
        first = chunk_document(doc)
        again = chunk_document(doc)
        assert [c.id for c in first] == [c.id for c in again]
        assert len({c.id for c in first}) == len(first)
        for c in first:
            assert doc.body[c.start : c.end] == c.text
            assert c.text.strip() == c.text and c.text
            assert len(c.text) <= MAX_CHARS
            if c.context:
                assert doc.body[c.context_start : c.context_end] == c.context and c.context_end <= c.start


def test_attachment_items_are_labelled_under_the_attachment() -> None:
    labels = [c.section for c in chunk_document(_doc("bigscience-open-rail-m"))]
    assert any(label.startswith("Attachment A(a)") for label in labels)


def test_unstructured_text_is_one_chunk_without_a_label() -> None:
    chunks = chunk_document(_doc("mit"))
    assert len(chunks) == 1 and chunks[0].section == ""


def test_roles_tell_preamble_definitions_and_clauses_apart() -> None:
    roles = {c.section: c.role for c in chunk_document(_doc("gpl-3.0"))}
    assert roles["§6.a Conveying Non-Source Forms"] == "clause"
    assert all(role == "preamble" for label, role in roles.items() if label.startswith("Preamble"))
    assert any(role == "appendix" for label, role in roles.items() if "How to Apply" in label)
    cc = {c.section: c.role for c in chunk_document(_doc("cc-by-4.0"))}
    assert any(role == "preamble" for label, role in cc.items() if label.startswith("Using Creative Commons"))


def test_numbered_terms_under_a_preamble_heading_are_terms_and_definitions_are_definitions() -> None:
    # The ODbL's "### Preamble" heads every numbered section after it in the heading path, and
    # OpenRAIL puts "1. Definitions" under "Section I: PREAMBLE": the ODbL's terms were all
    # "preamble" (ranked down and never leading), OpenRAIL's definitions too.
    odbl = {c.section: c.role for c in chunk_document(_doc("odbl-1.0"))}
    assert odbl["§4.2 Notices"] == "clause" and odbl["§3.0 Rights granted"] == "clause"
    assert all(role == "preamble" for label, role in odbl.items() if label.startswith("Preamble"))
    assert all(role == "definition" for label, role in odbl.items() if label.startswith("§1.0 Definitions"))
    # Its lead-in is "The Licensor ... and You ... agree as follows:", after the preamble's "------"
    # rule, not the preamble's last lines before it.
    assert _chunk(_doc("odbl-1.0"), "§4.3").context.startswith("The Licensor (as defined below)")
    rail = {c.section: c.role for c in chunk_document(_doc("bigscience-open-rail-m"))}
    assert rail["§1(a) Definitions"] == "definition"
    assert all(role == "preamble" for label, role in rail.items() if label.startswith("Section I PREAMBLE"))
    # A heading path that runs on past its section ('1  DEFINITIONS > 3.5 Required Notices') does
    # not make the sections after it definitions.
    gsoap = {c.section: c.role for c in chunk_document(_doc("gsoap-1.3b"))}
    assert gsoap['§1.1 "Contributor"'] == "definition" and gsoap["§3.5 Required Notices"] == "clause"
    bloom = chunk_document(_doc("bigscience-rail-1.0"))
    assert all(c.role == "definition" for c in bloom if "“Data” means" in c.text[:20]), "'2. “Data” means ...'"
    mpl = {c.section: c.role for c in chunk_document(_doc("mpl-2.0"))}
    assert mpl['§1.1 "Contributor"'] == "definition" and mpl["§3.2(a) Distribution of Executable Form"] == "clause"


def test_a_lead_in_ends_at_the_line_that_introduces_the_list() -> None:
    # LGPL-3.0 §4.d: "d) Do one of the following:" then "0) Convey ...", an item numbering that
    # starts at 0 and is not recognised; "1)" must be introduced by §4.d's own line, not by item 0.
    item = _chunk(_doc("lgpl-3.0"), "§4.d.1 Combined Works")
    assert item.context.endswith("Do one of the following:")
    assert "Minimal Corresponding Source" not in item.context


def test_text_before_unnumbered_fields_is_the_terms_and_form_blanks_are_not() -> None:
    roles = {c.section: c.role for c in chunk_document(_doc("commons-clause"))}
    assert roles["Preamble"] == "clause"  # the Commons Clause's one condition
    assert roles["Software: [name software]"] == "appendix"
    assert roles["Licensor: [ABC company]"] == "appendix"


def _default_selection() -> list[Document]:
    docs = list(load_scancode(read_selection()).documents)
    from importlib import resources

    packaged = Path(str(resources.files("licensebot.index").joinpath("data/licenses")))
    if packaged.is_dir():
        docs += load_folders([packaged]).documents
    return docs


def _degenerate(chunks: list[Chunk]) -> list[str]:
    bases = {PART.sub("", c.section) for c in chunks}
    problems = []
    for i, c in enumerate(chunks):
        m = PART.search(c.section)
        parts = int(m.group(2)) if m else 1
        base = PART.sub("", c.section)
        if re.fullmatch(r"§\(\w+\)", base):
            problems.append(f"a bare fragment label {c.section!r}")
        if parts > (10 if base == "Preamble" else 6):
            problems.append(f"one label over {parts} parts: {base!r}")
        if "definition of" in base and parts > 2:
            problems.append(f"a definition over {parts} parts: {base!r}")
        if not base and i > 0 and len(bases) > 1:
            problems.append(f"an unlabelled chunk in a structured text: {c.text[:40]!r}")
    return sorted(set(problems))


@pytest.mark.parametrize("doc", _default_selection(), ids=lambda d: d.key)
def test_no_text_of_the_default_selection_has_degenerate_labels(doc: Document) -> None:
    assert _degenerate(chunk_document(doc)) == []


def test_the_degenerate_label_check_catches_the_old_failures() -> None:
    def chunk(label: str) -> Chunk:
        return Chunk(id=label, doc="x", title="X", kind="license", category="", url="", section=label,
                     section_id="", heading="", start=0, end=1, text="y")

    # FLUX.1 [dev] as the previous chunker cut it, and GPL-3.0's preamble "(1)".
    parts = [chunk(f"definition of “you” (part {n} of 19)") for n in range(1, 20)]
    swallowed = [chunk("definition of “Outputs”"), *parts]
    assert any("19 parts" in p for p in _degenerate(swallowed))
    assert any("fragment" in p for p in _degenerate([chunk("Preamble"), chunk("§(1)")]))


def test_a_list_inside_an_item_of_the_same_kind_nests_by_indentation() -> None:
    # Creative Commons 4.0: Section 2 "a." holds "1." to "6.", and "1." holds its own "a." and
    # "b."; Section 3(a)(1) holds "a." to "c.", and "a." holds "i." to "v.". Before, the inner
    # "a." closed the outer one and "2. Exceptions and Limitations" became the document's §2.
    chunks = {c.section: c for c in chunk_document(_doc("cc-by-4.0"))}
    assert "produce, reproduce, and Share Adapted Material" in chunks["§2.a.1.b Scope"].text
    assert chunks["§2.a.1.b Scope"].context.rstrip().endswith("in the Licensed Material to:")
    assert "§2.a.2 Exceptions and Limitations" in chunks and "§2 Exceptions and Limitations" not in chunks
    modified = chunks["§3.a.1.b Attribution"]
    assert modified.text.startswith("b. indicate if You modified the Licensed Material")
    assert modified.context.rstrip().endswith("You must:")
    assert "identification of the creator(s)" in chunks["§3.a.1.a.i Attribution"].text
    assert {"§3.a.2 Attribution", "§3.a.3 Attribution", "§6.b.2 Term and Termination"} <= set(chunks)


def test_markdown_escaped_clause_numbers_are_clause_numbers() -> None:
    # Llama 3.3 writes "1\. **License Rights and Redistribution**." and "3**. Disclaimer of
    # Warranty**."; its "a." items were labelled "§a" twice and §3 was part of §2.
    labels = [c.section for c in chunk_document(_doc("llama-3.3-license-2024"))]
    assert {"§1.a Grant of Rights", "§1.b.i Redistribution and Use", "§3 Disclaimer of Warranty",
            "§5.a Intellectual Property"} <= set(labels)
    assert not any(label.startswith("§a") for label in labels)


def test_only_text_that_introduces_a_list_is_a_lead_in() -> None:
    packaged = {d.key: d for d in _default_selection()}
    # The Mistral Research License's preamble is not the lead-in of every section after it.
    for c in chunk_document(packaged["mistral-ai-research-license"]):
        assert "contact form" not in c.context, c.section
    # A heading alone ("1. License Rights and Redistribution.") already travels in the heading path.
    assert _chunk(_doc("llama-3.3-license-2024"), "§1.a Grant of Rights").context == ""
    # What a colon, "the following" or an unfinished sentence introduces is one.
    assert _chunk(_doc("cc-by-4.0"), "§3.a.2 Attribution").context.rstrip().endswith("following conditions.")
    assert _chunk(_doc("flux-1-nc"), "Restrictions (item 1)").context.rstrip().endswith("third party to")


def test_a_lead_in_is_chunked_with_its_list_when_they_fit() -> None:
    doc = _doc("cc-by-4.0")
    chunks = chunk_document(doc)
    retain = next(c for c in chunks if c.section == "§3.a.1.a Attribution")
    assert retain.text.startswith("a. retain the following")
    assert "identification of the creator(s)" in retain.text and "a URI or hyperlink" in retain.text
    items = [c for c in chunks if c.section.startswith("§3.a.1.a.")]
    assert len(items) == 5 and all(retain.start < c.start and c.end <= retain.end for c in items)
    # GPL-3.0 §6 and its items a-e are too long together: the lead-in stays a chunk of its own.
    six = next(c for c in chunk_document(_doc("gpl-3.0")) if c.section == "§6 Conveying Non-Source Forms")
    assert six.text.rstrip().endswith("in one of these ways:")


@pytest.mark.parametrize("doc", _default_selection(), ids=lambda d: d.key)
def test_the_chunks_and_their_gaps_cover_the_text_exactly(doc: Document) -> None:
    chunks = chunk_document(doc)
    start, end = min(c.start for c in chunks), max(c.end for c in chunks)
    assert text_between(chunks, start, end) == doc.body[start:end]
    assert all(not c.gap.strip() for c in chunks), "only blank text lies between clauses"


def test_text_after_a_list_belongs_to_the_clause_not_to_its_last_item() -> None:
    # GPL-3.0 §6 lists a) to e), then goes on ("A separable portion of the object code ...", the
    # User Product paragraphs). That text was labelled §6.e and led in by item e)'s sentence.
    chunks = chunk_document(_doc("gpl-3.0"))
    after = [c for c in chunks if "A separable portion of the object code" in c.text]
    assert [c.section for c in after] == ["§6 Conveying Non-Source Forms (continued) (part 1 of 4)"]
    assert "peer-to-peer" not in after[0].context
    e = next(c for c in chunks if c.section.startswith("§6.e"))
    assert e.text.rstrip().endswith("under subsection 6d.")
    # GPL-2.0 §3's definition of source code, after its a) to c), is §3's.
    gpl2 = {c.section: c for c in chunk_document(_doc("gpl-2.0"))}
    assert gpl2["§3 (continued)"].text.startswith("The source code for a work means")
    assert gpl2["§3.c"].context and "Accompany it with the information" in gpl2["§3.c"].text


def test_numbering_does_not_go_back_to_a_number_at_a_wrapped_line_start() -> None:
    # The CNRI license's §4 wraps "... PYTHON\n1.6.1 FOR ANY INCIDENTAL ...": that is a version, and
    # §4 to §8 were all labelled "§1.6.1 FOR ANY INCIDENTAL ..." (parts 1 to 4).
    labels = [c.section for c in chunk_document(_doc("python"))]
    assert not any("§1.6.1" in label for label in labels)
    cnri = "CNRI LICENSE AGREEMENT FOR PYTHON 1.6.1"
    assert {f"{cnri} §4", f"{cnri} §5", f"{cnri} §8"} <= set(labels)
    # MPL-2.0's "2.1" inside §5.2 is a reference, not a second §2.1.
    mpl = [c.section for c in chunk_document(_doc("mpl-2.0"))]
    assert mpl.count("§2.1 Grants") == 1 and "§2.1" not in mpl


def test_terms_before_a_short_numbered_appendix_are_terms_not_preamble() -> None:
    # The Business Source License's grant ("Terms") comes before its four numbered covenants; as
    # "text before the first numbered section" it was a preamble and ranked below them.
    chunks = chunk_document(_doc("bsl-1.1"))
    grant = next(c for c in chunks if "Effective on the Change Date" in c.text)
    assert grant.role == "clause"
    # GPL-3.0's preamble, short beside its numbered sections, is still one.
    assert _chunk(_doc("gpl-3.0"), "Preamble (part 1 of 4)").role == "preamble"


def test_each_later_part_of_a_long_clause_starts_with_a_whole_sentence() -> None:
    # Hard-wrapped texts are split at line ends; GPL-3.0's patent grant was cut after
    # "royalty-free", so neither part held "Each contributor grants you ... patent license".
    patents = [c for c in chunk_document(_doc("gpl-3.0")) if c.section.startswith("§11 Patents (part")]
    assert any(" ".join(c.text.split()).startswith("Each contributor grants you a non-exclusive, worldwide, "
                                                   "royalty-free patent license") for c in patents)
    later = [c for d in _default_selection() for c in chunk_document(d)
             if (m := PART.search(c.section)) and int(m.group(1)) > 1]
    mid_sentence = [f"{c.doc} {c.section}" for c in later if c.text[:1].islower()]
    assert len(later) > 100 and len(mid_sentence) <= len(later) // 20, mid_sentence
