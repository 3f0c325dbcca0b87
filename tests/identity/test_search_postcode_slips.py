"""A postcode keyed one character out (issue 14, items 1 and 2): the people at the real postcode a slip away
are listed, and a family name common elsewhere does not make the search "too broad". Records built directly
(invented names), matched by the full run, searched as a practitioner would."""

from datetime import date

import pytest

from mast.identity.resolution import resolve_all
from mast.identity.search import candidates as search_candidates
from mast.identity.search.find import SearchQuery, find_people
from tests.factories.identity import (
    identity_state_in_tmp,
    make_record,
    make_source,
    make_strangers,
    person_of,
)

__all__ = ["identity_state_in_tmp"]

pytestmark = pytest.mark.django_db


def _living(source, given, family, born, line, postcode):
    return make_record(
        source,
        given_name=given,
        family_name=family,
        date_of_birth=born,
        date_of_birth_raw=f"{born:%d/%m/%Y}",
        sex="female",
        address_line_1=line,
        postcode=postcode,
    )


@pytest.fixture
def street():
    """Two Quillfeathers and their neighbour at ZZ4 7QT, and eight more Quillfeathers across the region."""
    source = make_source()
    make_strangers(source)
    mother = _living(source, "Marigold", "Quillfeather", date(1984, 3, 9), "12 Tansy Lane", "ZZ4 7QT")
    daughter = _living(source, "Briony", "Quillfeather", date(2013, 6, 21), "12 Tansy Lane", "ZZ4 7QT")
    neighbour = _living(source, "Odette", "Farthingale", date(1990, 1, 5), "14 Tansy Lane", "ZZ4 7QT")
    for n in range(8):
        _living(
            source, f"Person{'abcdefgh'[n]}", "Quillfeather", date(1960 + n, 2, 2), f"{n} Far Row", "ZZ2 1AB"
        )
    resolve_all()
    return [person_of(mother), person_of(daughter)], person_of(neighbour)


def test_a_family_name_and_a_postcode_keyed_one_character_out_lists_the_household(street, monkeypatch):
    household, _neighbour = street
    # Look-ups that bring at most 5 records: the family name alone would bring the Quillfeathers elsewhere
    # and meet the limit; the postcode and its neighbours bring the household.
    monkeypatch.setattr(search_candidates, "MAX_FOUND", 5)

    for typed in ("ZZ4 7TQ", "ZZ4 7QY"):
        found = find_people(SearchQuery(family_name="Quillfeather", postcode=typed))

        assert not found.too_broad, typed
        assert sorted(m.person_id for m in found.matches[:2]) == sorted(household), typed


@pytest.mark.parametrize("typed", ["ZZ47QTT", "ZZ4 QT"])
def test_a_postcode_with_a_character_too_many_or_too_few_still_lists_the_household(
    street, monkeypatch, typed
):
    # A character too many or too few leaves what cannot be read as a postcode at all, so today it is
    # dropped rather than read as a slip: every Quillfeather matches equally and the household is listed, but
    # not first (a known gap, in the closing note; this test once asserted first and passed only by the order
    # rows were stored in).
    household, _neighbour = street
    monkeypatch.setattr(search_candidates, "MAX_FOUND", 5)

    found = find_people(SearchQuery(family_name="Quillfeather", postcode=typed))

    assert not found.too_broad
    assert set(household) <= {m.person_id for m in found.matches}


def test_a_postcode_alone_that_no_one_lives_at_lists_the_people_one_character_away(street):
    household, neighbour = street

    found = find_people(SearchQuery(postcode="ZZ4 7QY"))
    at_the_real_one = find_people(SearchQuery(postcode="ZZ4 7QT"))

    assert sorted(m.person_id for m in found.matches) == sorted([*household, neighbour])
    assert sorted(m.person_id for m in at_the_real_one.matches) == sorted([*household, neighbour])


def test_a_record_with_the_whole_name_in_its_family_name_is_found_one_character_away():
    source = make_source()
    make_strangers(source)
    # The partner keyed "Wenna Polgrean" into the family name field.
    record = _living(source, "", "Wenna Polgrean", date(1979, 8, 14), "5 Sloe Row", "ZZ3 2PL")
    resolve_all()

    found = find_people(SearchQuery(family_name="Polgrean", postcode="ZZ3 2LP"))

    assert [m.person_id for m in found.matches][:1] == [person_of(record)]
