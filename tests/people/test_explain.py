"""Match explanations in a practitioner's words (issue 14): what agreed, and how strongly, without bits."""

import pytest

from mast.people import explain


def test_the_fields_that_agreed_strongest_first_in_plain_words():
    items = [
        ("address", "Same address", 11.4),
        ("family_name", "Family names sound the same", 4.9),
        ("date_of_birth", "Same date of birth", 12.8),
        ("sex", "Different sex", -6.3),  # against the match: not a reason for it
    ]

    assert explain.because(items) == "same date of birth, same address, surname sounds the same"


def test_an_nhs_number_and_the_links_own_explanations_read_the_same():
    kept = [{"comparison": "nhs_number", "outcome": "Same NHS number", "weight": 14.8}]

    assert explain.because(kept) == "same NHS number"


@pytest.mark.parametrize(
    ("probability", "words"),
    [(0.999, "very strong"), (0.95, "strong"), (0.6, "possible"), (0.2, "weak"), (None, "")],
)
def test_strength_in_words(probability, words):
    assert explain.strength(probability) == words
