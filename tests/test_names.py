"""Names of licenses and models in questions: every license the catalog knows, indexed or not."""

from __future__ import annotations

from functools import cache

import pytest

from licensebot.index.search import Aliases, NameIndex, load_aliases
from licensebot.index.sources import Catalog, Entry, installed_licensedb
from licensebot.index.sources.models import load_models

INDEXED = {
    "llama-2-license-2023": "Llama 2 Community License Agreement 2023",
    "llama-3.1-license-2024": "Llama 3.1 Community License Agreement 2024",
    "gemma-tou-2024-04-01": "Gemma Terms of Use 2024-04-01",
    "gemma-tou-2025-03-24": "Gemma Terms of Use 2025-03-24",
    "mistral-ai-non-production-license": "Mistral AI Non-Production License (MNPL-0.1)",
    "apache-2.0": "Apache License 2.0",
    "agpl-3.0": "GNU Affero General Public License 3.0",
    "gpl-3.0": "GNU General Public License 3.0",
    "qwen-2024": "Qwen License Agreement 2024",
    "odbl-1.0": "ODC Open Database License v1.0",
    "mit": "MIT License",
}


@cache
def names() -> NameIndex:
    catalog = Catalog.build(installed_licensedb(), INDEXED.items())
    return NameIndex(catalog, load_aliases(), indexed=INDEXED, common_words={"commercial", "open", "free"},
                     models=load_models())


def test_version_named_in_the_question_wins_over_the_family() -> None:
    found = names().find("Can we use Llama 3.1 outputs to improve a model that is not Llama?")
    assert found.docs == {"llama-3.1-license-2024"}


@pytest.mark.parametrize(
    ("question", "docs"),
    [
        ("Is Codestral 22B usable in production?", {"mistral-ai-non-production-license"}),
        ("What does the MNPL say about SaaS?", {"mistral-ai-non-production-license"}),
        ("Mistral-7B-Instruct-v0.3 in our product?", {"apache-2.0"}),
        ("Can we ship Qwen2.5-72B?", {"qwen-2024"}),
        ("Can we ship Qwen2.5-7B?", {"apache-2.0"}),
        ("Does AGPL-3.0 cover network use?", {"agpl-3.0"}),
        ("gemma-3-27b-it in an app", {"gemma-tou-2025-03-24"}),
        ("Is GPL-3.0-only code fine here?", {"gpl-3.0"}),
        ("Is GPL-3.0-or-later code fine here?", {"gpl-3.0"}),
        ("If we publicly use a map made from an ODbL database?", {"odbl-1.0"}),
        ("Under the MIT License, what must copies include?", {"mit"}),
    ],
)
def test_model_names_abbreviations_and_spdx_ids_map_to_licenses(question: str, docs: set[str]) -> None:
    assert names().find(question).docs == docs


@pytest.mark.parametrize(
    ("question", "key"),
    [
        ("Under the Vim license, must we send changes back?", "vim"),
        ("Does AFL-3.0 grant a patent license?", "afl-3.0"),
        ("Does the Academic Free License 3.0 grant a patent license?", "afl-3.0"),
        ("What does the EUPL 1.1 say?", "eupl-1.1"),
        ("What are the attribution requirements of the Microsoft Public License?", "ms-pl"),
        ("Is the SIL Open Font License fine for embedding?", "ofl-1.1"),
        ("Does the WTFPL let us do anything?", "wtfpl-2.0"),
    ],
)
def test_licenses_the_index_does_not_hold_are_recognised_as_missing(question: str, key: str) -> None:
    found = names().find(question)
    assert found.docs == frozenset()
    assert any(key in m.docs for m in found.missing)


@pytest.mark.parametrize(
    ("question", "phrase", "kind"),
    [
        ("Can we use Llama 5 commercially?", "Llama 5", "version"),
        ("What does GPL-4.0 say about patents?", "GPL-4.0", "version"),
        ("Can Llama 3.4 be used?", "Llama 3.4", "version"),
        ("What does the FooBar Public License 9.0 say?", "FooBar Public License 9.0", "license"),
        ("Under the Zorblax Community License, can we fine-tune?", "Zorblax Community License", "license"),
        ("Can we use Zephyrine-34B in our product?", "Zephyrine-34B", "model"),
        ("Is deepseek-ai/Janus-Pro-7B fine for ads?", "deepseek-ai/Janus-Pro-7B", "model"),
    ],
)
def test_names_no_catalog_has_are_reported_not_matched_to_a_lookalike(question: str, phrase: str, kind: str) -> None:
    found = names().find(question)
    assert found.docs == frozenset()
    assert [(u.phrase, u.kind) for u in found.unknown] == [(phrase, kind)]


def test_an_unknown_version_lists_the_family() -> None:
    unknown = names().find("Can we use Llama 5?").unknown[0]
    assert {"llama-2-license-2023", "llama-3.1-license-2024"} <= set(unknown.family)


@pytest.mark.parametrize("question", [
    "What's the weather like today?", "Is commercial use allowed?", "Is the design artistic?",
    "Can we use Python for scripting?", "How do I expense a train ticket?",
])
def test_ordinary_questions_name_nothing(question: str) -> None:
    found = names().find(question)
    assert not found.mentions and not found.unknown


def test_a_single_common_word_needs_a_license_word_next_to_it() -> None:
    catalog = Catalog([Entry("commercial-license", "Commercial License")])
    idx = NameIndex(catalog, Aliases(), common_words={"commercial"})
    assert idx.find("Is commercial use allowed?").mentions == ()
    assert idx.find("What does the commercial license say?").mentions


def test_unversioned_family_prefers_the_newest_version() -> None:
    found = names().find("Can Google restrict Gemma remotely?")
    assert found.newest_unversioned() == {"gemma-tou-2025-03-24"}


def test_a_versioned_name_says_which_version_a_bare_family_word_means() -> None:
    # LicenseDB lists llama-4-cla-2025 under "Llama 4" but not under the family word "Llama", so
    # the family mention is no superset of the versioned one; the words still extend it.
    indexed = {**INDEXED, "llama-4-cla-2025": "Llama 4 Community License Agreement 2025"}
    index = NameIndex(Catalog.build(installed_licensedb(), indexed.items()), load_aliases(), indexed=indexed)
    found = index.find("Can we put the Llama name in our branding under the Llama 4 community license?")
    assert found.docs == {"llama-4-cla-2025"}


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("Under the AGPL-3.0, may we link code under the GPL-3.0?", ("agpl-3.0",)),
        ("under Apache 2.0, can we combine it with MIT code?", ("apache-2.0",)),
        ("Can we combine AGPL-3.0 code with GPL-3.0 code?", ()),
        ("Under the AGPL-3.0, must we publish our changes?", ()),
    ],
)
def test_the_license_a_question_is_asked_under_is_its_subject(question: str, subject: tuple[str, ...]) -> None:
    assert names().find(question).subject == subject


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("A library we use is Apache-2.0 with the Commons Clause. Can we sell support?", ("commons-clause",)),
        ("Our dependency is under GPL-2.0 plus Classpath-exception-2.0. May proprietary code link it?",
         ("classpath-exception-2.0",)),
        ("Under Apache-2.0 with the Commons Clause, can we sell hosting?", ("commons-clause",)),
        ("Does the Commons Clause let us sell hosting?", ()),
        ("Is unlimited binary linking allowed under LGPL-2.1?", ()),
        ("Does the Commons Clause restrict more than GPL-3.0 does?", ()),
        ("Apache 2.0 w/ Commons Clause: may we sell support?", ("commons-clause",)),
        ("Commons Clause + Apache-2.0: may we sell support?", ("commons-clause",)),
        ("Compare GPL-3.0 and the Commons Clause on selling.", ()),
        ("We ship under GPL-3.0. The Commons Clause is on a dependency; is that compatible?", ()),
    ],
)
def test_a_rider_named_with_its_base_license_is_the_subject(question: str, subject: tuple[str, ...]) -> None:
    """An exception or added condition written onto its base changes what the base allows: its
    clauses come first."""
    indexed = {**INDEXED, "commons-clause": "Commons Clause License Condition v1.0", "gpl-2.0": "GPL 2.0",
               "classpath-exception-2.0": "Classpath exception to GPL 2.0 or later", "lgpl-2.1": "LGPL 2.1",
               "unlimited-binary-linking": "Unlimited Binary Linking Exception"}
    index = NameIndex(Catalog.build(installed_licensedb(), indexed.items()), load_aliases(), indexed=indexed)
    assert index.find(question).subject == subject


def test_a_license_that_includes_its_exception_is_no_rider() -> None:
    catalog = Catalog.build(installed_licensedb())
    assert catalog.entries["commons-clause"].rider and catalog.entries["classpath-exception-2.0"].rider
    assert not catalog.entries["gpl-2.0-classpath"].rider and not catalog.entries["apache-2.0"].rider


def test_a_name_that_is_a_license_key_means_that_text_not_its_variants() -> None:
    from licensebot.index.search import Mention, NameMatch

    every = frozenset({"mit", "mit-1995", "vince", "python", "python-2.0.1", "agpl-3.0", "agpl-3.0-plus",
                       "gemma-tou-2024-04-01", "gemma-tou-2025-03-24"})
    # With the whole LicenseDB indexed, "MIT" also names mit-1995 and vince, which were searched
    # instead of mit (taken for newer versions of it).
    mit = NameMatch(mentions=(Mention("mit", ("mit", "mit-1995", "vince")),), indexed=every)
    assert mit.exact() == {"mit": frozenset({"mit-1995", "vince"})} and mit.newest_unversioned() == set()
    psf = NameMatch(mentions=(Mention("python software foundation", ("python", "python-2.0.1")),), indexed=every)
    assert psf.exact() == {"python": frozenset({"python-2.0.1"})}
    # Dated versions with no text of that name are versions: the newest is meant.
    gemma = NameMatch(mentions=(Mention("gemma", ("gemma-tou-2024-04-01", "gemma-tou-2025-03-24")),), indexed=every)
    assert gemma.exact() == {} and gemma.newest_unversioned() == {"gemma-tou-2025-03-24"}
    # A variant that another name in the question asks about stays searched.
    both = NameMatch(mentions=(Mention("agpl 3.0", ("agpl-3.0", "agpl-3.0-plus")),
                               Mention("agpl 3.0 or later", ("agpl-3.0-plus",))), indexed=every)
    assert both.exact() == {"agpl-3.0": frozenset()}


def test_a_possessive_or_a_maker_before_a_versioned_name_does_not_hide_it() -> None:
    # "Salesforce's AI acceptable use policy" was not recognised at all (the "s" split the name).
    assert any("salesforce-ai-aup-2025" in m.docs for m in names().find(
        "Does Salesforce's AI acceptable use policy allow weapons development?").missing)
    # With Meta Llama 3 indexed, "Meta Llama 3.1" was read as a version 3.1 of "Meta Llama" that
    # does not exist, and answered "not indexed"; it is Llama 3.1.
    indexed = {**INDEXED, "meta-llama-3-license-2024": "Meta Llama 3 Community License Agreement"}
    index = NameIndex(Catalog.build(installed_licensedb(), indexed.items()), load_aliases(), indexed=indexed,
                      common_words={"commercial", "open", "free"})
    for question in ("Is Meta Llama 3.1 fine for chat?", "Does Meta's Llama 3.1 license allow this?"):
        found = index.find(question)
        assert found.docs == {"llama-3.1-license-2024"} and found.unknown == (), question
    assert index.find("Is Meta Llama 3 fine for chat?").docs == {"meta-llama-3-license-2024"}


def test_a_name_after_characters_that_lowercase_longer_is_read_where_it_is_written() -> None:
    # "İ".lower() is two characters: positions in the lowered text must still be the question's.
    question = "İstanbul İİİ: Apache-2.0 with the Commons Clause; can we sell hosting?"
    indexed = {**INDEXED, "commons-clause": "Commons Clause License Condition v1.0"}
    index = NameIndex(Catalog.build(installed_licensedb(), indexed.items()), load_aliases(), indexed=indexed)
    found = index.find(question)
    assert [m.written for m in found.mentions] == ["Apache-2.0", "Commons Clause"]
    assert found.subject == ("commons-clause",)


def test_bloom_means_the_bloom_rail_license_not_the_later_open_rail_m() -> None:
    indexed = {"bigscience-rail-1.0": "BigScience RAIL License v1.0",
               "bigscience-open-rail-m": "BigScience Open RAIL-M License"}
    index = NameIndex(Catalog.build(installed_licensedb(), indexed.items()), load_aliases(), indexed=indexed,
                      models=load_models())
    for question in ("Could we use BLOOM to draft customer emails?", "We want a BLOOM-based bot. OK?",
                     "Is bigscience/bloom-7b1 fine for commercial use?"):
        assert index.find(question).docs == {"bigscience-rail-1.0"}, question
    assert index.find("Under the BigScience Open RAIL-M, may we sell outputs?").docs == {"bigscience-open-rail-m"}


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        # The license the thing is under now, said in passing, of someone else's work.
        ("The vendor's library is licensed under the AGPL-3.0. Can we ship it in an Apache-2.0 product?",
         ("agpl-3.0",)),
        ("Our vendor's library is licensed under the AGPL-3.0. Can we ship it in an Apache-2.0 product?",
         ("agpl-3.0",)),
        ("A Gemma fine-tune ships under Apache-2.0, its card says. May we sell it?", ("apache-2.0",)),
        ("The Qwen fine-tune I found is released under Apache-2.0. May we sell it?", ("apache-2.0",)),
        ("This Gemma fine-tune is released under Apache-2.0; can we sell it?", ("apache-2.0",)),
        # The license the asker would like to move to is not what answers: the other name is.
        ("Can we release our Qwen2.5-72B fine-tune under a license we pick, say Apache-2.0?", ("qwen-2024",)),
        ("May we relicense GPL-3.0 code under the MIT License?", ("gpl-3.0",)),
        ("Can we change the license of our GPL-3.0 code to Apache-2.0?", ("gpl-3.0",)),
        # The asker's own license said in passing: the other one is what they ask about.
        ("We ship under GPL-3.0. Is an AGPL-3.0 dependency fine?", ()),
        ("Our app is under MIT. Can we add an Apache-2.0 library?", ()),
        ("Our app is released under MIT. Can we add an AGPL-3.0 library?", ()),
        ("We maintain a project that is licensed under MIT. Can we add AGPL-3.0 code?", ()),
        ("I've got a plugin licensed under GPL-3.0. Can I add Apache-2.0 code?", ()),
        # A license named inside the question's own sentence is not said in passing.
        ("Can Qwen2.5-72B be used to ship a product that is under Apache-2.0?", ()),
        # Neither said: no subject.
        ("Is Apache-2.0 code compatible with a GPL-3.0 project?", ()),
        ("Can we ship MIT code in our GPL-3.0 product?", ()),
    ],
)
def test_the_license_a_thing_is_said_to_be_under_is_the_subject(question: str, subject: tuple[str, ...]) -> None:
    assert names().find(question).subject == subject


def test_a_long_question_is_read_only_near_each_name() -> None:
    question = "Can we release it under " + "the terms and " * 20_000 + "Apache-2.0 and MIT?"
    assert names().find(question).subject == ()


@pytest.mark.parametrize(
    ("question", "missing"),
    [
        # A part of a known product said to be under a license the index lacks, unknown or known.
        ("We want to embed a Kafka connector licensed under the Confluent Community License 1.0 in a SaaS product. "
         "Is that allowed?", True),
        ("Our vendor's Qwen fine-tune is released under the Zorblax Community License. May we sell it?", True),
        ("The plugin we found is licensed under the Microsoft Public License. Can we bundle it with Kafka?", True),
        # The asker's own license, a license asked about, or one the index holds: nothing stated missing.
        ("Our app is released under the Zorblax Community License. Can we add Kafka?", False),
        ("Can we use Kafka under the Zorblax Community License?", False),
        ("A Kafka connector is licensed under Apache-2.0. Can we embed it?", False),
        ("Can we ship Kafka in our product?", False),
        ("We are evaluating a Qwen2.5-72B fine-tune released under the Zorblax Community License. May we sell it?",
         True),
        # The asker's own work, however they say it.
        ("I'm building an app licensed under the Zorblax License. Can I use Llama 3.1 to write its copy?", False),
        ("Our team's app is licensed under the Zorblax Community License. Can we use Gemma 3 for tickets?", False),
    ],
)
def test_a_thing_said_to_be_under_a_license_the_index_lacks_is_noted(question: str, missing: bool) -> None:
    assert names().find(question).stated_missing is missing
