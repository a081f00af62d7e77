"""`licensebot compare`, `licensebot diff` and `ask` on two licenses, in process on fakes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_cli_in_process import _run, env  # noqa: F401 - the fixture is used by name


def test_compare_prints_two_columns_per_topic(env: Path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    code, out, _ = _run(["compare", "mit", "apache-2.0", "patents"], capsys)
    assert code == 0
    assert "== Patents" in out and "(not addressed)" in out and " | " in out
    code, out, _ = _run(["compare", "mit", "apache-2.0", "--json"], capsys)
    rows = json.loads(out)["comparison"]
    assert code == 0 and len(rows) == 8 and rows[0]["docs"] == ["mit", "apache-2.0"]


def test_diff_marks_words_and_needs_two_licenses(env: Path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    code, out, _ = _run(["diff", "llama-2", "gemma"], capsys)
    assert code == 0 and "What changed from" in out
    code, _, err = _run(["compare", "mit"], capsys)
    assert code == 2 and "usage: licensebot compare" in err


def test_ask_json_has_the_compatibility_field(env: Path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    code, out, _ = _run(["ask", "--json", "--no-model", "Can we use MIT code in our Apache-2.0 product?"], capsys)
    found = json.loads(out)["compatibility"]
    assert code == 0
    assert {k: found[k] for k in ("inbound", "outbound", "verdict")} == {
        "inbound": "MIT", "outbound": "Apache-2.0", "verdict": "Yes"}
    assert found["source"].startswith("OSADL") and found["source_date"]
