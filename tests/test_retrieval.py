from __future__ import annotations

from licensebot.index.indexer import Indexer
from licensebot.index.keyword import BM25Index, tokenize
from licensebot.index.names import NameIndex, asks_about_discussions, load_aliases
from licensebot.index.retrieval import Retriever
from tests.conftest import licensedb_docs

TITLES = {
    "llama-2-license-2023": "Llama 2 Community License Agreement 2023",
    "llama-3.1-license-2024": "Llama 3.1 Community License Agreement 2024",
    "gemma-tou-2024-04-01": "Gemma Terms of Use 2024-04-01",
    "gemma-tou-2025-03-24": "Gemma Terms of Use 2025-03-24",
    "mistral-ai-non-production-license": "Mistral AI Non-Production License (MNPL-0.1)",
    "apache-2.0": "Apache License 2.0",
    "agpl-3.0": "GNU Affero General Public License 3.0",
    "qwen-2024": "Qwen License Agreement 2024",
}


def names() -> NameIndex:
    return NameIndex(TITLES, load_aliases())


def test_version_named_in_the_question_wins_over_the_family() -> None:
    found = names().find("Can we use Llama 3.1 outputs to improve a model that is not Llama?")
    assert found.docs == {"llama-3.1-license-2024"}


def test_model_names_and_abbreviations_map_to_licenses() -> None:
    idx = names()
    assert idx.find("Is Codestral 22B usable in production?").docs == {"mistral-ai-non-production-license"}
    assert idx.find("What does the MNPL say about SaaS?").docs == {"mistral-ai-non-production-license"}
    assert idx.find("Mistral-7B-Instruct-v0.3 in our product?").docs == {"apache-2.0"}
    assert idx.find("Can we ship Qwen2.5-72B?").docs == {"qwen-2024"}
    assert idx.find("Can we ship Qwen2.5-7B?").docs == {"apache-2.0"}
    assert idx.find("Does AGPL-3.0 cover network use?").docs == {"agpl-3.0"}
    assert idx.find("gemma-3-27b-it in an app").docs == {"gemma-tou-2024-04-01", "gemma-tou-2025-03-24"}


def test_unversioned_family_prefers_the_newest_version() -> None:
    found = names().find("Can Google restrict Gemma remotely?")
    assert found.newest_unversioned() == {"gemma-tou-2025-03-24"}


def test_no_name_no_match() -> None:
    assert names().find("What's the weather like today?").docs == frozenset()


def test_frequent_words_do_not_name_a_document_alone() -> None:
    idx = NameIndex({"commercial-license": "Commercial License"}, {}, common_words={"commercial"})
    assert idx.find("Is commercial use allowed?").docs == frozenset()


def test_discussion_intent() -> None:
    assert asks_about_discussions("What did people in the forum thread argue about GPL?")
    assert not asks_about_discussions("Must restrictions be passed on to people we give the model to?")


def test_bm25_prefers_chunks_with_rare_query_terms() -> None:
    docs = licensedb_docs(["llama-2-license-2023", "apache-2.0"])
    from licensebot.index.chunking import chunk_document

    index = BM25Index([c for d in docs for c in chunk_document(d)])
    best, _ = index.search("700 million monthly active users", 1)[0]
    assert best.doc == "llama-2-license-2023" and "700 million" in best.text
    assert index.search("patent litigation", 3, docs={"llama-2-license-2023"})[0][0].doc == "llama-2-license-2023"
    assert tokenize("The Users distributing") == ["user", "distribut"]


def test_named_license_limits_the_search(fake_retriever: Retriever) -> None:
    result = fake_retriever.search("Under the Qwen license, how many monthly active users need a license?")
    assert result.searched_docs == ("qwen-2024",)
    assert {h.chunk.doc for h in result.hits} == {"qwen-2024"}
    assert "100 million" in result.hits[0].chunk.text


def test_reindex_is_seen_by_a_running_retriever(fake_retriever: Retriever) -> None:
    fake_retriever.search("MIT license copyright notice")
    before = len(fake_retriever.documents)
    Indexer(fake_retriever.embedder, fake_retriever.store).run(licensedb_docs(["mit", "apache-2.0"]))
    fake_retriever.search("anything about patents")
    assert len(fake_retriever.documents) == 2 < before
