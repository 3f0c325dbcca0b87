"""A date of birth some partner uses for "not known" (issue 14, item 1): thousands of records share it at a
million records, so its look-up meets its limit; a name and that date still list the person, rather than
"too broad". Records built directly (invented names), matched by the full run."""

from datetime import date

import pytest

from mast.identity.resolution import resolve_all
from mast.identity.search import candidates as search_candidates
from mast.identity.search import find as identity_search
from mast.identity.search.find import SearchQuery, find_people
from tests.factories.identity import identity_state_in_tmp, make_record, make_source, person_of

__all__ = ["identity_state_in_tmp"]

pytestmark = pytest.mark.django_db

PLACEHOLDER = date(2008, 11, 10)


def _born(source, given, family, sex):
    return make_record(
        source,
        given_name=given,
        family_name=family,
        date_of_birth=PLACEHOLDER,
        date_of_birth_raw=f"{PLACEHOLDER:%d/%m/%Y}",
        sex=sex,
        postcode="",
        address_line_1="",
    )


def test_a_name_and_a_date_many_records_share_lists_the_person(monkeypatch):
    source = make_source()
    others = [("Alder", "Brackenbury"), ("Hazel", "Cotterill"), ("Rowan", "Dimmock"), ("Linden", "Eskdale")]
    for given, family in others * 2:
        _born(source, given, family, "female")
    wanted = _born(source, "Tamsin", "Wolverstone", "female")
    resolve_all()
    # Look-ups that bring at most 5 records, even to count: the date alone brings nine and meets the limit.
    monkeypatch.setattr(search_candidates, "MAX_FOUND", 5)
    monkeypatch.setattr(identity_search, "MAX_COUNTED", 5)

    found = find_people(
        SearchQuery(given_name="Tamsin", family_name="Wolverstone", date_of_birth="10/11/2008")
    )

    assert not found.too_broad
    assert [m.person_id for m in found.matches][:1] == [person_of(wanted)]
