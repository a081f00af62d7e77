from __future__ import annotations

from pathlib import Path

import pytest

from licensebot.errors import SourceError
from licensebot.index.sources import (
    load_folders,
    load_scancode,
    parse_document,
    read_selection,
    select_keys,
    split_front_matter,
)


def test_front_matter_fields_become_document_metadata(tmp_path: Path) -> None:
    raw = (
        b"---\nkey: acme-model-license\nname: ACME Model License 1.0\ncategory: Proprietary Free\n"
        b"owner: ACME\nhomepage_url: https://acme.example/license\n---\n\n1. Grant. You may use it.\n"
    )
    doc = parse_document(raw, path=tmp_path / "x.md", source="x.md")
    assert (doc.key, doc.title, doc.kind, doc.category, doc.url, doc.owner) == (
        "acme-model-license", "ACME Model License 1.0", "license", "Proprietary Free",
        "https://acme.example/license", "ACME",
    )
    assert doc.body == "\n1. Grant. You may use it.\n"
    assert len(doc.sha256) == 64


def test_key_defaults_to_file_stem_and_kind_discussion(tmp_path: Path) -> None:
    doc = parse_document(b"---\nkind: discussion\n---\nPeople argued.", path=tmp_path / "thread-1.txt", source="s")
    assert doc.key == "thread-1" and doc.kind == "discussion" and doc.title == "thread-1"


def test_unquoted_colon_in_a_value_is_read_literally() -> None:
    meta, body = split_front_matter("---\nkey: k\nname: Forum thread: a code model\n---\nText")
    assert meta["name"] == "Forum thread: a code model" and body == "Text"


def test_no_front_matter_keeps_whole_text_as_body(tmp_path: Path) -> None:
    doc = parse_document(b"MIT License\n\nPermission is hereby granted", path=tmp_path / "mit.txt", source="s")
    assert doc.key == "mit" and doc.body.startswith("MIT License")


def test_content_hash_changes_with_body_and_title(tmp_path: Path) -> None:
    a = parse_document(b"---\nname: A\n---\ntext", path=tmp_path / "a.txt", source="s")
    b = parse_document(b"---\nname: A\n---\ntext!", path=tmp_path / "a.txt", source="s")
    c = parse_document(b"---\nname: B\n---\ntext", path=tmp_path / "a.txt", source="s")
    assert len({a.sha256, b.sha256, c.sha256}) == 3


@pytest.mark.parametrize(
    "raw, reason",
    [
        (b"---\nkey: [unclosed\n  - x: y: z\n---\ntext", "YAML"),
        (b"\xff\xfe\x00bad bytes", "UTF-8"),
        (b"---\nkey: empty\n---\n   \n", "no text"),
        (b"---\nkind: blogpost\n---\ntext", "kind"),
        (b"---\nkey: ../etc/passwd\n---\ntext", "key"),
    ],
)
def test_broken_files_raise_a_readable_reason(tmp_path: Path, raw: bytes, reason: str) -> None:
    with pytest.raises(SourceError, match=reason):
        parse_document(raw, path=tmp_path / "broken.txt", source="s")


def test_folder_reports_broken_files_by_path_and_indexes_the_rest(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text("---\nkey: good\n---\n1. Grant. Fine.\n")
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe garbage")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    (tmp_path / ".hidden.md").write_text("secret")
    result = load_folders([tmp_path, tmp_path / "missing"])
    assert [d.key for d in result.documents] == ["good"]
    reasons = {Path(f.path).name: f.reason for f in result.failures}
    assert set(reasons) == {"bad.txt", "empty.txt", "missing"}
    assert "UTF-8" in reasons["bad.txt"]


def test_duplicate_keys_keep_the_first_and_report_the_second(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("---\nkey: same\n---\nA")
    (tmp_path / "b.md").write_text("---\nkey: same\n---\nB")
    result = load_folders([tmp_path])
    assert [d.body for d in result.documents] == ["A"]
    assert "already used" in result.failures[0].reason


def test_default_selection_covers_ai_and_daily_open_source_licenses(licensedb: Path) -> None:
    available = [p.stem for p in licensedb.glob("*.LICENSE")]
    patterns = read_selection()
    for pattern in patterns:
        assert select_keys(available, [pattern]), f"selection entry {pattern!r} matches nothing"
    keys = set(select_keys(available, patterns))
    for key in ["llama-2-license-2023", "llama-3.1-license-2024", "llama-4-license-2025", "gemma-tou-2025-03-24",
                "gemma-pup-2024-02-21", "qwen-2024", "deepseek-la-1.0", "bigscience-open-rail-m", "apache-2.0",
                "mit", "gpl-3.0", "agpl-3.0", "mpl-2.0", "cc-by-4.0"]:
        assert key in keys


def test_licensedb_texts_load_with_link_and_metadata() -> None:
    result = load_scancode(["apache-2.0", "llama-2-license-2023"])
    docs = {d.key: d for d in result.documents}
    assert docs["apache-2.0"].title == "Apache License 2.0"
    assert docs["apache-2.0"].category == "Permissive"
    assert docs["llama-2-license-2023"].url.startswith("http")
    assert "700 million monthly active users" in " ".join(docs["llama-2-license-2023"].body.split())
