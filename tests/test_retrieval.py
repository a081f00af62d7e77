from __future__ import annotations

from licensebot.index.reindex import Indexer
from licensebot.index.search import BM25Index, RetrievalConfig, Retriever, tokenize
from licensebot.index.search.names import asks_about_discussions
from licensebot.index.search.ranking import promote
from tests.conftest import licensedb_docs
from tests.fakes import HashEmbedder, MemoryStore


def test_discussion_intent() -> None:
    assert asks_about_discussions("What did people in the forum thread argue about GPL?", names_a_license=True)
    assert not asks_about_discussions("Must restrictions be passed on to people we give the model to?")
    assert asks_about_discussions("What did the article say about open models?")
    assert not asks_about_discussions("If we adapt a CC BY-SA 4.0 article, what license applies?", names_a_license=True)


def test_inside_a_named_license_its_name_words_do_not_count_and_idf_is_the_licenses() -> None:
    from licensebot.index.text import chunk_document

    docs = licensedb_docs(["bigscience-open-rail-m", "apache-2.0", "mit"])
    index = BM25Index([c for d in docs for c in chunk_document(d)])
    scope = {"bigscience-open-rail-m"}
    # "asylum" is in one clause of the license: it decides, whatever the name words do.
    hits = index.search("BigScience OpenRAIL-M model asylum applications", 3, scope, ignore={"bigscienc", "openrail"})
    assert "asylum" in hits[0][0].text


def test_a_rare_word_brings_its_clause_into_the_top_hits(fake_retriever: Retriever) -> None:
    result = fake_retriever.search("Under the Gemma terms, what about Santa Clara?")
    assert any("Santa Clara" in h.chunk.text for h in result.hits[:3])


def test_bm25_prefers_chunks_with_rare_query_terms() -> None:
    docs = licensedb_docs(["llama-2-license-2023", "apache-2.0"])
    from licensebot.index.text import chunk_document

    index = BM25Index([c for d in docs for c in chunk_document(d)])
    best, _ = index.search("700 million monthly active users", 1)[0]
    assert best.doc == "llama-2-license-2023" and "700 million" in best.text
    assert index.search("patent litigation", 3, docs={"llama-2-license-2023"})[0][0].doc == "llama-2-license-2023"
    assert tokenize("The Users distributing") == tokenize("user distribute")
    # Word forms a suffix list missed meet too: a question says "licensing", the clause "licensed".
    assert tokenize("licensing distribution remotely") == tokenize("licensed distributed remote")
    assert tokenize("remotely NonCommercial") == [*tokenize("remote"), *tokenize("noncommercial")]
    assert tokenize("noncommercial")[1:] == tokenize("commercial"), "NonCommercial is also about commercial"
    # "own" is a general-English stopword, but who owns the Output is what license terms decide.
    assert tokenize("Do we own the text it writes?") == tokenize("own text write")
    assert len(tokenize("Do we own the text it writes?")) == 3


def test_named_license_limits_the_search(fake_retriever: Retriever) -> None:
    result = fake_retriever.search("Under the Qwen license, how many monthly active users need a license?")
    assert result.searched_docs == ("qwen-2024",)
    assert {h.chunk.doc for h in result.hits} == {"qwen-2024"}
    assert "100 million" in result.hits[0].chunk.text


def test_reindex_is_seen_by_a_running_retriever(fake_retriever: Retriever) -> None:
    before = fake_retriever.search("MIT license copyright notice").snapshot
    Indexer(fake_retriever.embedder, fake_retriever.store).run(licensedb_docs(["mit", "apache-2.0"]))
    after = fake_retriever.search("anything about patents").snapshot
    assert len(after.documents) == 2 < len(before.documents)
    assert before.generation != after.generation


def test_the_license_a_question_is_asked_under_answers_it(fake_retriever: Retriever) -> None:
    # Both licenses are searched, but "Under the MIT license" says whose terms hold the answer;
    # Apache's NOTICE clause matches the question's words better.
    result = fake_retriever.search("Under the MIT license, may we include Apache-2.0 code that has a NOTICE file?")
    assert set(result.searched_docs) == {"mit", "apache-2.0"}
    assert result.hits[0].chunk.doc == "mit"


def test_the_clause_with_most_of_the_rare_words_stays_in_the_top_hits() -> None:
    # "reverse", "engineer" and "customers" are each in one clause of LGPL-2.1 (§6); "allow" is in
    # two others. Brought up one after the other, those two pushed §6 from 4th to 5th place.
    from licensebot.index.documents import Hit

    embedder, store = HashEmbedder(), MemoryStore()
    Indexer(embedder, store).run(licensedb_docs(["lgpl-2.1", "mit"]))
    retriever = Retriever(embedder, store, RetrievalConfig(min_similarity=0.45, min_similarity_named=0.1))
    question = "Under LGPL-2.1, must our license allow customers to reverse engineer our program?"
    snapshot = retriever.snapshot()
    chunks = snapshot.doc_chunks("lgpl-2.1")
    rule = next(c for c in chunks if "reverse engineering" in " ".join(c.text.split()))
    allow = [c for c in chunks if tokenize("allow")[0] in tokenize(c.search_text()) and c is not rule]
    assert len(allow) == 2
    others = [c for c in chunks if c is not rule and c not in allow]
    ranked = [*others[:3], rule, *others[3:5], *allow, *others[5:]]
    hits = [Hit(chunk=c, score=1.0 / (i + 1)) for i, c in enumerate(ranked)]
    promoted = promote(snapshot.keyword, hits, tokenize(question), {"lgpl-2.1"}, {"lgpl", "2", "1"}, [])
    top = [h.chunk for h in promoted[:3]]
    assert rule in top, [c.section for c in top]


def test_a_license_named_exactly_is_searched_without_its_variants() -> None:
    embedder, store = HashEmbedder(), MemoryStore()
    Indexer(embedder, store).run(licensedb_docs(["mit", "mit-1995", "vince", "apache-2.0"]))
    retriever = Retriever(embedder, store, RetrievalConfig(min_similarity=0.45, min_similarity_named=0.1))
    question = "Is there any warranty on MIT-licensed software?"
    assert retriever.snapshot().names.find(question).docs >= {"mit", "mit-1995"}
    result = retriever.search(question)
    assert result.searched_docs == ("mit",) and result.preferred == frozenset()
    assert {h.chunk.doc for h in result.hits} == {"mit"}


def test_a_question_what_something_is_treated_as_is_answered_by_definitions_too() -> None:
    from licensebot.index.search.ranking import role_weights

    for question in ("Does Google's license treat our classifier as a Gemma model derivative?",
                     "Is the small model treated as a derivative under Google's terms?",
                     "Does a fine-tune qualify as a Derivative Work?"):
        assert role_weights(question)["definition"] == 1.0, question
    assert role_weights("Can we use it to treat patients as a service?")["definition"] < 1.0


def test_a_question_about_a_policy_puts_the_familys_use_policy_first() -> None:
    from licensebot.index.search.scope import scope_of

    embedder, store = HashEmbedder(), MemoryStore()
    Indexer(embedder, store).run(licensedb_docs(["gemma-tou-2025-03-24", "gemma-pup-2024-02-21", "mit"]))
    retriever = Retriever(embedder, store, RetrievalConfig(min_similarity=0.45, min_similarity_named=0.1))
    snapshot = retriever.snapshot()

    def boost(question: str) -> frozenset[str]:
        return scope_of(retriever.query(question, snapshot), snapshot).boost

    asked = "HR wants a Gemma tool that rejects applicants with no human in the loop. Does Google's policy allow it?"
    assert boost(asked) == {"gemma-pup-2024-02-21"}
    assert "gemma-tou-2025-03-24" in boost("HR wants a Gemma tool that rejects applicants. Is it allowed?")
    # The words that name the policy say nothing about which of its items answers.
    named = "Does Google's prohibited use policy allow a Gemma tool that rejects job applicants?"
    titled = scope_of(retriever.query(named, snapshot), snapshot).titled
    assert titled == set(tokenize("Gemma prohibited use policy")), titled
    assert set(tokenize("prohibited use policy")) <= retriever.search(named).name_words
    # A policy asked of a license without one changes nothing.
    assert boost("Does the MIT License have an acceptable use policy?") == boost("Does the MIT License have rules?")
