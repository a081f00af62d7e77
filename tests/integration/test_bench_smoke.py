"""`licensebot bench --quick` runs end to end (a smoke test: numbers are reported, not asserted)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

KEYS = {"index_default_s", "index_all_s", "index_noop_s", "retrieval_p50_ms", "retrieval_p95_ms",
        "answer_p50_s", "answer_p95_s", "ack_p99_ms", "peak_rss_mb", "index_default_tokens_embedded",
        "index_default_tokens_per_s", "index_default_tokens_by_kind"}


def test_bench_quick_prints_the_documented_json(tmp_path: Path, selection_file: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LICENSEBOT_", "SLACK_"))}
    env |= {"HOME": str(tmp_path), "LICENSEBOT_DATA_DIR": str(tmp_path / "data"),
            "LICENSEBOT_SELECTION": str(selection_file)}
    proc = subprocess.run([sys.executable, "-m", "licensebot", "bench", "--quick", "--json"], env=env,
                          capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    results = json.loads(proc.stdout.strip().splitlines()[-1])
    assert KEYS <= set(results)
    assert results["index_all_s"] is None
    assert results["index_default_chunks"] > 50 and results["peak_rss_mb"] > 0
    kinds = results["index_default_tokens_by_kind"]
    assert kinds["all"]["chunks"] == results["index_default_chunks"]
    # Tokens per chunk (the index embeds identical texts once, so it may embed a little less).
    assert 0 < results["index_default_tokens_embedded"] <= kinds["all"]["tokens"]
    # The small selection's texts are all in the default corpus, so the package ships them all.
    assert results["index_default_vectors_shipped"] == results["index_default_texts_embedded"]
    assert results["index_default_shipped_s"] > 0


def test_a_short_soak_loses_and_duplicates_nothing(env: dict[str, str]) -> None:
    """Two askers for 30 s against a real `licensebot serve`, with a reindex midway."""
    from tests.integration.processes import licensebot

    proc = licensebot(["soak", "--askers", "2", "--minutes", "0.5", "--json"], env, timeout=900)
    results = json.loads(proc.stdout.strip().splitlines()[-1])
    assert results["answered"] == results["questions"] > 5
    assert results["errors"] == results["lost"] == results["duplicated"] == 0, results
    assert results["retries_sent"] >= 1
    assert results["reindex_ok"] and results["new_policy_quoted_after_reindex"], results
