"""Names as staff write them, resolved as a registry would (tests/data/names.jsonl: SPDX ids and
names of every indexed license, choosealicense.com's titles, common spellings, model ids and
product names, and names that are no license or not indexed)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from licensebot.devtools.names_eval import load_names, score
from licensebot.index.search import NameIndex, load_aliases
from licensebot.index.sources import Catalog, installed_licensedb, load_packaged, read_selection, select_keys
from licensebot.index.sources.catalog import licensedb_entries
from licensebot.index.sources.models import load_models

NAMES = Path(__file__).parent / "data" / "names.jsonl"


@cache
def default_names() -> NameIndex:
    """The names of the default index (the packaged selection and licenses), without embedding it."""
    licensedb = installed_licensedb()
    assert licensedb is not None
    selected = set(select_keys([p.stem for p in licensedb.glob("*.LICENSE")], read_selection()))
    titles = {e.key: e.name for e in licensedb_entries(licensedb) if e.key in selected}
    packaged = load_packaged().documents
    titles |= {d.key: d.title for d in packaged}
    catalog = Catalog.build(licensedb, [*packaged, *titles.items()])
    return NameIndex(catalog, load_aliases(), indexed=titles, models=load_models(),
                     common_words={"commercial", "open", "free", "use", "model", "software", "source", "data"})


def test_the_name_set_is_big_and_varied_enough() -> None:
    items = load_names(NAMES)
    kinds = [i.kind for i in items]
    assert len(items) >= 300
    assert kinds.count("model") + kinds.count("product") >= 150
    assert sum(1 for i in items if i.kind == "none" or not i.indexed) >= 50


def test_names_resolve_to_the_license_meant_and_never_to_another() -> None:
    result = score(default_names(), load_names(NAMES), load_models())
    assert result["wrong_license"] == 0, [f for f in result["failures"] if f["outcome"] == "wrong_license"]
    assert result["right"] >= 0.98, result["failures"]
