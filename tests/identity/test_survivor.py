"""Following a merged person to the one they became: one rule (Person.survivor) for the person page, alerts
and requests."""

import pytest

from mast.identity.models import Person

pytestmark = pytest.mark.django_db


def _merged_into(target: Person) -> Person:
    return Person.objects.create(status=Person.Status.MERGED, merged_into=target)


def test_a_person_not_merged_is_their_own_survivor():
    person = Person.objects.create()
    assert person.survivor() == person


def test_a_chain_of_merges_is_followed_to_its_end():
    end = Person.objects.create()
    start = _merged_into(_merged_into(_merged_into(end)))
    assert start.survivor() == end


def test_a_merge_that_names_no_one_stops_where_it_is():
    orphan = Person.objects.create(status=Person.Status.MERGED)
    assert orphan.survivor() == orphan


def test_a_cycle_stops_at_the_limit_instead_of_hanging():
    a = Person.objects.create(status=Person.Status.MERGED)
    b = _merged_into(a)
    Person.objects.filter(pk=a.pk).update(merged_into=b)
    a.refresh_from_db()
    assert a.survivor() in (a, b)  # MERGE_CHAIN_LIMIT steps, then whoever it reached
