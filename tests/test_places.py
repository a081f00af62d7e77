"""Where the asker is: a clause that excludes their region settles the question, definition or
preamble though it is, and the lead quotes its sentence."""

from __future__ import annotations

from dataclasses import replace

from licensebot.index.documents import Hit
from licensebot.index.search.match import Mention, NameMatch
from licensebot.index.search.places import limits_by_place, territorial, territory_first
from licensebot.index.search.vocabulary import Vocabulary
from tests.fakes import clause, lead_for, query_of, quote_of

TERRITORY = "“Territory” shall mean the worldwide territory, excluding the territory of the European Union."
NOT_IN_EU = "THIS AGREEMENT DOES NOT APPLY IN THE EUROPEAN UNION AND IS LIMITED TO THE TERRITORY, AS DEFINED BELOW."
IN_PASSING = "Some jurisdictions, mainly in the European Union, have specific rights that cover databases."


def test_places_stand_for_the_regions_territory_clauses_name() -> None:
    vocabulary = Vocabulary({"amsterdam": ["european union", "territory"], "country": ["territory"],
                             "binaries": ["object code"]})
    assert vocabulary.regions("Our Amsterdam office ships binaries to another country") == ("european union",)
    assert vocabulary.regions("We ship binaries") == ()
    shipped = Vocabulary.load()
    assert shipped.regions("Our studio is in Seoul. Can we use it?") == ("south korea",)
    assert shipped.regions("Our London and Paris teams") == ("european union", "united kingdom")
    assert shipped.regions("Which country's law governs it?") == (), "'country' is where, not a region"


def test_a_clause_limits_by_place_when_it_names_the_region_and_where_licensees_are() -> None:
    regions = ("european union",)
    assert limits_by_place(TERRITORY, regions) and limits_by_place(NOT_IN_EU, regions)
    assert not limits_by_place(IN_PASSING, regions), "a region said in passing limits nothing"
    assert not limits_by_place(TERRITORY, ("united kingdom",))

    definition = replace(clause("d", "§1.l Definitions", TERRITORY), start=900, end=900 + len(TERRITORY),
                         role="definition")
    preamble = replace(clause("p", "Preamble", NOT_IN_EU), role="preamble")
    grant = replace(clause("g", "§2 Grant", "You may use the Model in the Territory."), start=2000, end=2040)
    assert [c.id for c in territorial([preamble, definition, grant], regions)] == ["d", "p"], \
        "the clause itself before the preamble announcing it"
    everywhere = [replace(clause(f"e{i}", f"§{i}", f"Licensees resident in the European Union may use it ({i})."),
                          start=100 * i, end=100 * i + 60) for i in range(5)]
    assert territorial(everywhere, regions) == [], "a region named all through is what the license is about"

    hits = [Hit(chunk=grant, score=0.03), Hit(chunk=preamble, score=0.02)]
    assert [h.chunk.id for h in territory_first(hits, [definition, preamble])] == ["d", "p", "g"]


def test_the_sentence_that_excludes_the_askers_region_leads() -> None:
    title = "EXAMPLE MODEL COMMUNITY LICENSE AGREEMENT Example Model 2.0 Release Date: January 21, 2025. "
    preamble = quote_of(title + NOT_IN_EU, "Preamble", title="Example Model License", role="preamble")
    definition = quote_of(TERRITORY, "§1.l Definitions", start=900, title="Example Model License")
    grant_text = "You may use, reproduce and distribute the Example Model 2.0 to generate 3D assets."
    grant = quote_of(grant_text, "§2 Grant", start=2000, title="Example Model License")
    question = "Our Amsterdam studio wants to use Example Model 2.0 to generate 3D assets. Are we covered?"
    query = replace(query_of(question), regions=("european union",))
    picked = [("x", 0, 400), ("x", 900, 900 + len(TERRITORY))]
    lead = lead_for([grant, definition, preamble], question, query=query, picked=picked)
    assert lead.text == TERRITORY, "the first quote's sentence that excludes the region"
    lead = lead_for([grant, preamble], question, query=query, picked=picked)
    assert lead.text == NOT_IN_EU, "a picked preamble may lead; its title line does not"
    lead = lead_for([grant, definition], question)
    assert lead.text == grant_text, "no place named, no territory lead"


def test_a_model_name_as_written_says_nothing_about_which_sentence_answers() -> None:
    mention = Mention(phrase="hunyuan 3 d 2", docs=("tencent-hunyuan-3d-2.0-cla",), kind="model",
                      written="Hunyuan3D-2")
    query = replace(query_of("Can we use Hunyuan3D-2 in Seoul?"), named=NameMatch(mentions=(mention,)))
    assert "hunyuan3d" in query.tokens
    assert "hunyuan3d" in query.written_name_words and "hunyuan3d" not in query.name_words
    assert query.name_words <= query.written_name_words


def test_a_governing_law_or_a_licensors_seat_limits_nobody_by_place() -> None:
    law = ("This Licence shall be governed by Belgian law if the Licensor has no seat, residence or registered "
           "office inside a European Union Member State.")
    state = ("This Agreement is governed by the laws of the State or Territory in the European Union where You are "
             "located in.")
    regions = ("european union",)
    assert not limits_by_place(law, regions), "the licensor's residence, not the licensee's place"
    assert not limits_by_place(state, regions, "§15 Applicable Law"), "a governing-law clause"
    assert territorial([clause("l", "§15 Applicable Law", state)], regions) == []


def test_a_place_sentence_that_may_not_lead_does_not_take_the_lead_from_the_others() -> None:
    disclaimer = "THE SOFTWARE IS PROVIDED AS IS, WITHOUT WARRANTY OF ANY KIND."
    grant = "You may use the Example Model to generate 3D assets."
    first = quote_of(f"{disclaimer} {grant}", "§2", title="Example Model License")
    preamble = quote_of(NOT_IN_EU, "Preamble", start=900, title="Example Model License", role="preamble")
    question = "Our Amsterdam studio wants to use the Example Model to generate 3D assets."
    query = replace(query_of(question), regions=("european union",))
    lead = lead_for([first, preamble], question, query=query)
    assert lead.text == grant, "the preamble is not picked here, so the best other sentence leads"
