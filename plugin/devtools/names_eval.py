"""`licensebot eval-names`: how well names in questions resolve to the license the user means.

One name per line of a JSONL file (``tests/data/names.jsonl``)::

    {"text": "Kimi K2", "kind": "model", "license": "moonshot-ai-modified-mit-2025", "indexed": true}

Each name is asked about ("Can we use <name> in our product?") and scored:

- right: an indexed license (or, for a model or product, one of the licenses its entry names) is
  what the question is searched in; a license the index lacks is named as missing and nothing is
  searched; a name no catalog has, or a word that is no name, is searched in nothing;
- wrong license: the search is limited to a license other than the one named. This must never
  happen: the answer would quote the wrong license.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from licensebot.errors import UsageError
from licensebot.index.search import NameIndex
from licensebot.index.sources.models import ModelEntry

TEMPLATE = "Can we use {name} in our product?"


@dataclass(frozen=True)
class NameItem:
    text: str
    kind: str
    license: str | None
    indexed: bool


def load_names(path: Path) -> list[NameItem]:
    try:
        rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
        return [NameItem(str(r["text"]), str(r["kind"]), r.get("license"), bool(r["indexed"])) for r in rows]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise UsageError(f"cannot read the name set {path}: {exc}") from exc


def _allowed(item: NameItem, models: Sequence[ModelEntry]) -> set[str]:
    """The licenses a right answer may be searched in."""
    out = {item.license} if item.license else set()
    if item.license and item.license.endswith("-plus"):
        out.add(item.license.removesuffix("-plus"))  # "GPL-3.0-or-later" is GPL-3.0's text
    if item.kind in ("model", "product"):
        out |= {k for m in models if item.text.lower() in (x.lower() for x in m.match) for k in m.licenses}
    return out


def score(names: NameIndex, items: Sequence[NameItem], models: Sequence[ModelEntry]) -> dict[str, Any]:
    counts: Counter[str] = Counter()
    failures: list[dict[str, Any]] = []
    for item in items:
        found = names.find(TEMPLATE.format(name=item.text))
        docs = set(found.docs)
        missing = {d for m in found.missing for d in m.docs}
        missing |= {m.model.license_name for m in found.missing if m.model is not None and m.model.license_name}
        allowed = _allowed(item, models)
        if item.kind == "none" or item.license is None:
            right = not docs and (item.kind != "none" or not found.mentions)
        elif allowed & names.indexed:
            right = bool(docs) and docs <= allowed
        else:
            right = item.license in missing and not docs
        wrong = bool(docs) and not docs <= allowed
        outcome = "right" if right else "wrong_license" if wrong else "missed"
        counts[outcome] += 1
        if not right:
            failures.append({"text": item.text, "kind": item.kind, "expected": item.license, "outcome": outcome,
                             "searched": sorted(docs), "missing": sorted(missing),
                             "unknown": [u.phrase for u in found.unknown]})
    n = len(items) or 1
    return {"n": len(items), "right": round(counts["right"] / n, 4), "wrong_license": counts["wrong_license"],
            "missed": counts["missed"], "by_kind": dict(Counter(i.kind for i in items)), "failures": failures}
