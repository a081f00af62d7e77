"""One file to one ``Document``: optional YAML front matter between ``---`` lines, then the text.
A file that cannot be read raises ``SourceError`` with the reason an admin needs."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from licensebot.errors import EmptyDocument, SourceError
from licensebot.index.documents import Document, Kind

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)


_KEY_OK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,199}$")


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Return (metadata, body). ``body`` is everything after the closing ``---`` line."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        # Hand-written front matter often has "name: Forum thread: ..." - a colon YAML rejects
        # but whose meaning is plain. Read such files line by line before giving up.
        meta = _simple_fields(match.group(1))
        if meta is None:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 2})" if mark is not None else ""
            raise SourceError(f"front matter is not valid YAML{where}") from exc
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise SourceError("front matter must be a mapping of fields such as 'key: ...'")
    return meta, text[match.end() :]


_SIMPLE_FIELD = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*):[ \t]+(.+?)\s*$")


def _simple_fields(block: str) -> dict[str, Any] | None:
    """``key: value`` lines, the value taken literally; None if any line is not of that form."""
    out: dict[str, Any] = {}
    for line in block.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = _SIMPLE_FIELD.match(line)
        if not m:
            return None
        out[m.group(1)] = m.group(2)
    return out


def _text_field(meta: dict[str, Any], name: str) -> str:
    value = meta.get(name)
    if value is None:
        return ""
    if isinstance(value, (str, int, float)):
        return str(value).strip()
    raise SourceError(f"front matter field '{name}' must be text")


def _hash(meta_fields: Iterable[str], body: str) -> str:
    digest = hashlib.sha256()
    for part in meta_fields:
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    digest.update(body.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def parse_document(
    raw: bytes, *, path: Path, source: str, default_kind: Kind = "license", default_url: str = ""
) -> Document:
    """Build a Document from a file's bytes, or raise SourceError saying what is wrong."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"not UTF-8 text (bad byte at offset {exc.start})") from exc
    if "\x00" in text:
        raise SourceError("contains NUL bytes; this looks like a binary file")
    meta, body = split_front_matter(text)
    if not body.strip():
        raise EmptyDocument("no text after the front matter")
    key = _text_field(meta, "key") or path.stem
    if not _KEY_OK.match(key):
        raise SourceError(f"key {key!r} must be letters, digits and . _ + - only")
    kind_text = _text_field(meta, "kind").lower() or default_kind
    if kind_text not in ("license", "discussion"):
        raise SourceError(f"kind must be 'license' or 'discussion', not {kind_text!r}")
    kind: Kind = "discussion" if kind_text == "discussion" else "license"
    title = _text_field(meta, "name") or _text_field(meta, "short_name") or key
    category = _text_field(meta, "category") or ("Discussion" if kind == "discussion" else "")
    url = _text_field(meta, "homepage_url") or _text_field(meta, "url") or default_url
    fields = (key, title, kind, category, url, _text_field(meta, "owner"))
    return Document(
        key=key,
        title=title,
        kind=kind,
        category=category,
        url=url,
        source=source,
        body=body,
        sha256=_hash(fields, body),
        owner=_text_field(meta, "owner"),
        spdx=_text_field(meta, "spdx_license_key"),
        short_name=_text_field(meta, "short_name"),
    )


def read_document(path: Path, source: str, default_url: str = "") -> Document:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read file: {exc.strerror or exc}") from exc
    return parse_document(raw, path=path, source=source, default_url=default_url)
