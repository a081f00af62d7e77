"""The default selection holds what it says: each entry's comment is the name it means, and
ScanCode's name for every key the entry selects must contain it. ScanCode keys are not SPDX ids
(its `bsl-1.0` is the Business Source License 1.0; Boost is `boost-1.0`), so a key chosen by its
look is caught here."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from licensebot.index.sources import select_keys
from licensebot.index.sources.catalog import licensedb_entries


def _entries() -> list[tuple[str, str]]:
    text = resources.files("licensebot.index").joinpath("data/default_licenses.txt").read_text("utf-8")
    out = []
    for line in text.splitlines():
        entry, _, meant = line.partition("#")
        if entry.strip():
            out.append((entry.strip(), meant.strip()))
    return out


def test_every_default_entry_is_the_license_it_says(licensedb: Path, capsys: pytest.CaptureFixture[str]) -> None:
    names = {e.key: e.name for e in licensedb_entries(licensedb)}
    wrong = []
    with capsys.disabled():
        for entry, meant in _entries():
            keys = select_keys(names, [entry])
            assert keys, f"{entry} selects nothing in the LicenseDB"
            assert meant, f"{entry} has no comment saying which license it means"
            for key in keys:
                print(f"{entry:<30} {key:<36} {names[key]}")
                if meant.lower() not in names[key].lower():
                    wrong.append(f"{key}: ScanCode calls it {names[key]!r}, the list means {meant!r}")
    assert not wrong, wrong


def test_the_selection_holds_boost_not_the_business_source_license_1_0(licensedb: Path) -> None:
    keys = {key for entry, _ in _entries() for key in select_keys([p.stem for p in licensedb.glob("*.LICENSE")],
                                                                  [entry])}
    assert "boost-1.0" in keys and "bsl-1.0" not in keys
