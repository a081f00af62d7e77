"""Draw docs/scaling.png from the JSON of `licensebot bench --scaling --json`.

Documentation tooling, not part of the bot: run it with any Python that has matplotlib,
e.g. `python docs/plot_scaling.py scaling.json docs/scaling.png`.
"""

from __future__ import annotations

import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(source: str, target: str) -> None:
    data = json.loads(open(source, encoding="utf-8").read().strip().splitlines()[-1])
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    idx = data["indexing"]
    left.plot([r["chunks"] for r in idx], [r["seconds"] for r in idx], "o-")
    for extra in data.get("extra_indexing", []):
        left.plot([extra["chunks"]], [extra["seconds"]], "s", label=extra["label"])
    left.set_xscale("log")
    left.set_yscale("log")
    left.set_xlabel("chunks embedded")
    left.set_ylabel("indexing time (s)")
    left.set_title("Indexing from an empty store")
    if data.get("extra_indexing"):
        left.legend()
    ret = data["retrieval"]
    right.plot([r["chunks"] for r in ret], [r["p50_ms"] for r in ret], "o-", label="p50")
    right.plot([r["chunks"] for r in ret], [r["p95_ms"] for r in ret], "o--", label="p95")
    right.set_xscale("log")
    right.set_xlabel("chunks in the index")
    right.set_ylabel("retrieval latency (ms)")
    right.set_title("Question embedding + hybrid search")
    right.legend()
    fig.tight_layout()
    fig.savefig(target, dpi=110)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
