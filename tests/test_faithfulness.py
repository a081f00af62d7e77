"""A restatement is shown only when it keeps the clause's negations, force, exceptions, numbers
and parties: the reversed-meaning traps seen in practice are each caught."""

from __future__ import annotations

import pytest

from licensebot.answering.faithfulness import bound, exception_words, modal_forces, negations, numbers, unfaithful
from licensebot.index.search import tokenize

LLAMA = ("You will not use the Llama Materials or any output or results of the Llama Materials to improve any "
         "other large language model (excluding Llama 2 or derivative works thereof).")
LAW = ("This Agreement will be governed and construed under the laws of the State of California without regard "
       "to choice of law principles.")
MNPL = "You shall not supply the Mistral Models or Derivatives in the course of a commercial activity."
MAU = ("If the monthly active users of the products made available by Licensee is greater than 700 million "
       "monthly active users, you must request a license from Meta.")


@pytest.mark.parametrize(
    ("paraphrase", "sentence", "why"),
    [
        ("You will not use the Llama Materials or outputs to improve any other large language model "
         "(including Llama 2).", LLAMA, "exception words"),
        ("The laws of the State of California do not apply to this Agreement.", LAW, "negations"),
        ("You may supply the Mistral Models or Derivatives in the course of a commercial activity.", MNPL,
         "negations"),
        ("If the monthly active users of the products made available by Licensee is greater than 70 million, "
         "you must request a license from Meta.", MAU, "numbers"),
        ("If the monthly active users of the products made available by Licensee is greater than 700 million "
         "monthly active users, you must request a license from Google.", MAU, "named parties"),
        ("If the monthly active users of the products made available by Licensee is greater than 700 million "
         "monthly active users, you may request a license from Meta.", MAU, "modal force"),
    ],
)
def test_reversed_or_changed_meanings_are_caught(paraphrase: str, sentence: str, why: str) -> None:
    assert why in unfaithful(paraphrase, sentence, "q")


def test_an_echo_of_the_question_is_not_a_restatement() -> None:
    question = "Can we supply Codestral to our commercial customers as a hosted product?"
    echo = "You can supply Codestral to commercial customers as a hosted product."
    assert unfaithful(echo, MNPL, question) in ("echoes the question", "different negations")


def test_a_faithful_restatement_passes() -> None:
    ok = "Licensees whose products had more than 700 million monthly active users must request a license from Meta."
    assert unfaithful(ok, MAU, "Do we need a license above 700 million users?") == ""


def test_the_features_read_the_words_that_carry_meaning() -> None:
    assert negations("You cannot and won't, nor without it.") == {"not": 2, "nor": 1, "without": 1}
    assert modal_forces("You may not use it; you must keep it.") == {"no permission", "obligation"}
    assert exception_words("all models, excluding Llama 2, unless agreed") == {"excluding", "unless"}
    assert numbers("700 million users") == numbers("700,000,000 users") == {700_000_000.0}


def test_a_copy_of_the_clause_is_not_a_restatement() -> None:
    assert unfaithful(MAU, MAU, "q") == "a copy of the clause"
    assert unfaithful(MAU.replace("the products", "products"), MAU, "q") == "a copy of the clause"


def test_a_restatement_that_binds_something_else_is_caught() -> None:
    # Seen with SmolLM2 on the zlib license: the rule kept, the thing it binds reversed.
    sentence = ("Altered source versions must be plainly marked as such, and must not be misrepresented as "
                "being the original software.")
    swapped = ("Original source versions must be clearly marked as such, and must not be misrepresented as "
               "being the original software.")
    assert bound(sentence) == set(tokenize("altered source versions"))
    assert unfaithful(swapped, sentence, "Is the Zlib license OK for a closed-source game?") == "a different subject"
