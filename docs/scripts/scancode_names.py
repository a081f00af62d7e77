"""How ScanCode's own license detection reads the names in tests/data/names.jsonl (docs/quality.md).

ScanCode's detection stack does not import beside licensebot's dependencies (its plugin manager
needs pluggy < 1.1), so it runs in a virtualenv of its own:

    python3 -m venv /tmp/scvenv && /tmp/scvenv/bin/pip install scancode-toolkit-mini 'pluggy<1.1'
    /tmp/scvenv/bin/python docs/scripts/scancode_names.py tests/data/names.jsonl

Each name is asked about as licensebot's `eval-names` asks ("Can we use <name> in our product?") and
counted right when ScanCode detects the license the name means (nothing, for a name that is none).
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter

from licensedcode import cache  # type: ignore[import-not-found]


def main(path: str) -> None:
    started = time.perf_counter()
    index = cache.get_index()
    loaded = time.perf_counter() - started
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    counts: Counter[str] = Counter()
    by_kind: Counter[str] = Counter()
    started = time.perf_counter()
    for row in rows:
        question = f"Can we use {row['text']} in our product?"
        found = {m.rule.license_expression for m in index.match(query_string=question)}
        expected = row["license"]
        if row["kind"] == "none" or expected is None:
            outcome = "right" if not found else "wrong"
        else:
            outcome = "right" if expected in found else ("wrong" if found else "missed")
        by_kind[f"{row['kind']}:{outcome}"] += 1
        counts[outcome] += 1
    matching = time.perf_counter() - started
    print(json.dumps({"n": len(rows), "right": round(counts["right"] / len(rows), 4), "wrong": counts["wrong"],
                      "missed": counts["missed"], "by_kind": dict(by_kind), "index_load_s": round(loaded, 1),
                      "match_s": round(matching, 1)}))


if __name__ == "__main__":
    main(sys.argv[1])
