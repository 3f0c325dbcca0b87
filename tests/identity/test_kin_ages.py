"""What a partner's relationships file says about age: a record the police list as a child's parent was old
enough to be a parent when that child was born, and one listed with a parent was born well after them. A
same-named parent and child at one address are told apart by it, and a record without a date of birth whose
own parent is too young to be a grandparent of the same-named child is that child, not the child's parent."""

from datetime import date

import pytest

from mast.identity.matching import possible
from mast.identity.matching.ages_served import CHILD_OF, PARENT_OF, AgesKnown, Seen, apart_by_age, kin_bounds
from mast.identity.models import MatchCandidate, Relationship
from mast.identity.resolution import resolve_all
from tests.factories.identity import (
    identity_state_in_tmp,
    make_linking_strangers,
    make_record,
    make_source,
    person_of,
    tasks_run_at_once,
)
from tests.factories.linking import link, record

__all__ = ["identity_state_in_tmp", "tasks_run_at_once"]


def dated(key, given, family, dob="", category="", start="2025-06-01", **fields):
    return record(key, given, family, dob, involvement_type=category, start_date=start, **fields)


def test_a_parent_row_bounds_both_the_parent_and_the_child_and_other_rows_bound_nothing():
    born = {"A": date(2016, 5, 1), "B": date(1990, 2, 2), "C": None}
    bounds = kin_bounds(
        [("A", "B", "parent"), ("A", "C", "parent"), ("A", "D", "sibling"), ("B", "E", "partner")], born
    )

    # B is A's parent: A was born at least twelve years after B, and B was twelve or more at A's birth. C has
    # no date of birth to bound A by, but A's bounds C; a sibling or partner says nothing about age.
    assert bounds == {
        "A": [Seen(CHILD_OF, date(1990, 2, 2))],
        "B": [Seen(PARENT_OF, date(2016, 5, 1))],
        "C": [Seen(PARENT_OF, date(2016, 5, 1))],
    }


def test_a_relationships_bound_never_vouches_for_a_date_of_birth():
    # "A parent of a child born in 2020" fits any date of birth before 2008, keyed right or wrong.
    parent = AgesKnown()
    parent.add(date(1996, 9, 22), [Seen(PARENT_OF, date(2020, 1, 1))])
    child = AgesKnown()
    child.add(date(2019, 3, 20), [Seen("ed_attendance", date(2024, 1, 1))])

    assert parent.vouched() == set()
    assert not apart_by_age(parent, child)


def test_a_record_the_police_list_as_a_parent_is_not_the_same_named_child():
    # Without a date of birth the police Lisa could be the school nurse's Lisa, or her mother: the police say
    # she is the mother of a girl born in 2016, so she was born by 2004, and cannot be a child born in 2019.
    together, reasons = link(
        dated("health|A", "Lisa", "Stokes", "2019-04-02", "school_nursing", "2025-01-12", sex="female"),
        dated("police|B", "Lisa", "Stokes", "", "domestic_abuse", "2025-09-01", sex="female"),
        dated("police|K", "Mia", "Stokes", "2016-07-09", "domestic_abuse", "2025-09-01", sex="female"),
        relationships=[("police|K", "police|B", "parent")],
    )

    assert not together("health|A", "police|B")
    assert frozenset(("health|A", "police|B")) not in reasons


def test_without_the_relationship_the_same_pair_is_put_to_a_reviewer():
    together, reasons = link(
        dated("health|A", "Lisa", "Stokes", "2019-04-02", "school_nursing", "2025-01-12", sex="female"),
        dated("police|B", "Lisa", "Stokes", "", "domestic_abuse", "2025-09-01", sex="female"),
        dated("police|K", "Mia", "Stokes", "2016-07-09", "domestic_abuse", "2025-09-01", sex="female"),
    )

    assert not together("health|A", "police|B")
    assert reasons[frozenset(("health|A", "police|B"))] == possible.CHILD_OR_NAMESAKE_PARENT


def test_a_record_whose_own_mother_is_too_young_to_be_a_grandmother_is_the_same_named_child():
    # The police Lisa has no date of birth, but her mother Karen was born in 2000: Lisa was born in 2012 or
    # later, too late to be the mother of a Lisa born in 2019. She is that Lisa.
    together, reasons = link(
        dated("health|A", "Lisa", "Stokes", "2019-04-02", "school_nursing", "2025-01-12", sex="female"),
        dated("police|B", "Lisa", "Stokes", "", "domestic_abuse", "2025-09-01", sex="female"),
        dated("police|M", "Karen", "Stokes", "2000-02-11", "domestic_abuse", "2025-09-01", sex="female"),
        relationships=[("police|B", "police|M", "parent")],
    )

    assert together("health|A", "police|B")
    assert frozenset(("health|A", "police|B")) not in reasons


def test_a_record_whose_mother_could_be_the_childs_grandmother_stays_possible():
    # Karen born in 1960 could be the grandmother: the police Lisa may be the child's mother.
    together, reasons = link(
        dated("health|A", "Lisa", "Stokes", "2019-04-02", "school_nursing", "2025-01-12", sex="female"),
        dated("police|B", "Lisa", "Stokes", "", "domestic_abuse", "2025-09-01", sex="female"),
        dated("police|M", "Karen", "Stokes", "1960-02-11", "domestic_abuse", "2025-09-01", sex="female"),
        relationships=[("police|B", "police|M", "parent")],
    )

    assert not together("health|A", "police|B")
    assert reasons[frozenset(("health|A", "police|B"))] == possible.CHILD_OR_NAMESAKE_PARENT


@pytest.mark.django_db
def test_the_server_reads_the_relationships_file_and_asks_no_one_about_a_parent_and_her_namesake():
    health, police = make_source("Testshire NHS"), make_source()
    make_linking_strangers(health)
    lisa = {"given_name": "Lisa", "family_name": "Stokes", "sex": "female"}
    child = make_record(
        health,
        date_of_birth=date(2019, 4, 2),
        date_of_birth_raw="02/04/2019",
        involvements=[("school_nursing", date(2025, 1, 12))],
        **lisa,
    )
    mother = make_record(
        police,
        "LISA",
        date_of_birth=None,
        date_of_birth_raw="",
        involvements=[("domestic_abuse", date(2025, 9, 1))],
        **lisa,
    )
    make_record(
        police,
        "MIA",
        given_name="Mia",
        family_name="Stokes",
        sex="female",
        date_of_birth=date(2016, 7, 9),
        date_of_birth_raw="09/07/2016",
        involvements=[("domestic_abuse", date(2025, 9, 1))],
    )
    Relationship.objects.create(
        source=police,
        person_ref="MIA",
        related_person_ref="LISA",
        kind=Relationship.Kind.PARENT,
        load=mother.first_load,
    )

    resolve_all()

    assert person_of(child) != person_of(mother)
    open_pairs = MatchCandidate.objects.filter(status=MatchCandidate.Status.OPEN)
    assert frozenset((child.pk, mother.pk)) not in {
        frozenset((c.record_a_id, c.record_b_id)) for c in open_pairs
    }
