from __future__ import annotations

from licensebot.index.search import BM25Index, tokenize
from licensebot.index.search.vocabulary import Vocabulary
from tests.fakes import clause


def test_everyday_words_reach_the_words_licenses_use() -> None:
    vocabulary = Vocabulary.load()
    cases = {
        "Our Paris studio wants to use it. Are we covered?": {"territori", "european", "union"},
        "Our London office too?": {"territori", "unit", "kingdom"},
        "Can we sell the images it made?": {"output"},
        "A defense client wants it for weapons systems.": {"militari"},
        "Can they revoke it whenever they want?": {"termin", "time"},
        "Can our engineers use it at work?": {"internal", "employe"},
        "Is there wording we must put in the press release?": {"public"},
    }
    for question, wanted in cases.items():
        added = set(vocabulary.expand(question))
        assert wanted <= added, (question, sorted(added))
    assert "territori" not in vocabulary.expand("Can we use it in our game?"), "no place, no territory"


def test_idf_within_named_licenses_weighs_their_common_words_at_nothing() -> None:
    chunks = [
        clause("a1", "§1", "The Model may be used under this License for any lawful purpose.", doc="a"),
        clause("a2", "§2", "You must not use the Model under this License for military use.", doc="a"),
        clause("b1", "§1", "Permission is granted to copy the software.", doc="b"),
        clause("b2", "§2", "The software is provided as is.", doc="b"),
    ]
    index = BM25Index(chunks)
    overall = index.idfs(tokenize("model military"))
    within = index.idfs(tokenize("model military"), ["a"])
    assert overall["model"] > 0, "rare across the index"
    assert within["model"] < 0.5 * overall["model"], "in every clause of the license searched"
    assert within["militari"] > within["model"]
    assert index.idfs(["absent"], ["a"]) == {"absent": 0.0}


def test_a_phrase_is_matched_whole_not_by_the_word_left_after_stopwords() -> None:
    vocabulary = Vocabulary.load()
    assert "employe" in vocabulary.expand("Can staff use it at work?")
    for question, unwanted in (("Is a fine-tune a derivative work?", "employe"),
                               ("Is our base model covered?", "territori"),
                               ("We list the changes we made.", "fals"),
                               ("Who owns the output?", "autom")):
        assert unwanted not in vocabulary.expand(question), question
