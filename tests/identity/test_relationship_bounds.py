"""The age bounds the server reads from a partner's relationships file for the records a push or a load
re-matches (`related.relationship_bounds`): the related record is often outside those few, and is found by
its partner's reference — in that partner's records only, since another partner may use the same
reference for someone else."""

from datetime import date

import pytest

from mast.identity.matching.ages_served import CHILD_OF, PARENT_OF, Seen
from mast.identity.models import Relationship
from mast.identity.related import relationship_bounds
from tests.factories.identity import make_record, make_source

pytestmark = pytest.mark.django_db


def test_a_parent_outside_the_records_matched_bounds_the_childs_age_and_the_child_the_parents():
    police, school = make_source(), make_source("Testshire School Nursing")
    mother = make_record(police, "M1", given_name="Karen", date_of_birth=date(2000, 2, 11))
    child = make_record(police, "C1", given_name="Lisa", date_of_birth=None, date_of_birth_raw="")
    # The same reference at another partner is another person, born long before.
    make_record(school, "M1", given_name="Edna", date_of_birth=date(1931, 6, 1))
    Relationship.objects.create(
        source=police, person_ref="C1", related_person_ref="M1", kind="parent", load=child.first_load
    )

    # Only the child is being matched: her mother's date of birth bounds her age.
    assert relationship_bounds([child.pk]) == {child.pk: [Seen(CHILD_OF, date(2000, 2, 11))]}

    # Only the mother: the child has no date of birth, so says nothing of the mother's age.
    assert relationship_bounds([mother.pk]) == {}


def test_a_childs_date_of_birth_bounds_a_parent_matched_alone():
    police = make_source()
    mother = make_record(police, "M1", given_name="Karen", date_of_birth=None, date_of_birth_raw="")
    child = make_record(police, "C1", given_name="Mia", date_of_birth=date(2016, 7, 9))
    Relationship.objects.create(
        source=police, person_ref="C1", related_person_ref="M1", kind="parent", load=child.first_load
    )

    assert relationship_bounds([mother.pk]) == {mother.pk: [Seen(PARENT_OF, date(2016, 7, 9))]}
