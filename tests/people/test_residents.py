"""Who lives at an address (people/address.py `residents`), the read the person page's "Others at the current
address" and the address page's "Living here" share: a person lives where their newest current involvement
with a standardised address is, named by their newest record the viewer may see in full, oldest first."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from mast.access.models import AgencyKind, Role
from mast.identity.models import Address, InvolvementAddress, Person
from mast.people.address import address_summary, residents
from tests.factories.access import make_user
from tests.factories.people import TODAY, involve, make_person, make_source
from tests.people.test_redaction import scope_of

pytestmark = pytest.mark.django_db


def at(address, record, days_ago, **fields):
    """An involvement of `record` that started `days_ago`, standardised to `address`."""
    involvement = involve(record, "child_in_need", TODAY - timedelta(days=days_ago), status="open", **fields)
    InvolvementAddress.objects.create(involvement=involvement, address=address)
    return involvement


@pytest.fixture
def street():
    csc = make_source("Testshire Children's Services", AgencyKind.CHILDRENS_SOCIAL_CARE)
    police = make_source("Testshire Police")
    here = Address.objects.create(key="zz11ab:7:mill row", line_1="7 Mill Row", postcode="ZZ1 1AB")
    there = Address.objects.create(key="zz99zz:2:far lane", line_1="2 Far Lane", postcode="ZZ9 9ZZ")
    viewer = scope_of(make_user(Role.PRACTITIONER, agency=csc.agency))
    return csc, police, here, there, viewer


def test_only_those_whose_newest_current_involvement_is_here_live_here(street):
    csc, police, here, there, viewer = street
    # Lives here: moved here from elsewhere.
    moved_in = make_person(csc, "Aled", "Hollow", date(2012, 3, 1))
    at(there, moved_in, 300)
    at(here, moved_in, 20)
    # Lives here: a newer involvement elsewhere was withdrawn by the partner.
    stayed = make_person(police, "Bryn", "Hollow", date(2010, 6, 9))
    at(here, stayed, 100)
    at(there, stayed, 5, removed_at=timezone.now())
    # Does not: moved away since.
    moved_away = make_person(csc, "Cerys", "Hollow", date(2011, 1, 1))
    at(here, moved_away, 200)
    at(there, moved_away, 10)
    # Does not: the only record placing them here was removed.
    removed = make_person(csc, "Dewi", "Hollow", date(2013, 1, 1), removed_at=timezone.now())
    at(here, removed, 3)
    # Does not: merged into another person.
    merged = make_person(csc, "Eira", "Hollow", date(2014, 1, 1))
    at(here, merged, 3)
    Person.objects.filter(pk=merged.link.person_id).update(status=Person.Status.MERGED)
    # The person whose page it is: not "others".
    me = make_person(csc, "Ffion", "Hollow", date(2009, 1, 1))
    at(here, me, 7)

    others = residents(viewer, here.pk, besides=me.link.person_id)

    assert [(p.name, p.public_id, p.last_seen) for p in others] == [
        ("Bryn Hollow", str(stayed.link.person.public_id), TODAY - timedelta(days=100)),
        ("Aled Hollow", str(moved_in.link.person.public_id), TODAY - timedelta(days=20)),
    ]
    assert [p.name for p in residents(viewer, there.pk)] == ["Cerys Hollow"]


def test_residents_are_named_by_their_newest_record_oldest_first_and_dates_shown_as_recorded(street):
    csc, police, here, _, viewer = street
    older = make_person(police, "Gwen", "Idris", date(2015, 4, 2))
    newer = make_person(
        csc, "Gwenllian", "Idris", date(2015, 4, 2), person=older.link.person, middle_names="Mai"
    )
    at(here, older, 40)
    twin = make_person(csc, "Alys", "Idris", date(2015, 4, 2))
    at(here, twin, 40)
    unknown_birth = make_person(csc, "Huw", "Idris", date(2001, 1, 1))
    unknown_birth.date_of_birth, unknown_birth.date_of_birth_raw = None, "31/02/2001"
    unknown_birth.flags = {"date_of_birth": "not a valid date"}
    unknown_birth.save()
    at(here, unknown_birth, 8)

    living = residents(viewer, here.pk)

    assert newer.updated_at > older.updated_at
    assert [(p.name, p.date_of_birth, p.date_of_birth_shown) for p in living] == [
        ("Alys Idris", date(2015, 4, 2), "2 April 2015"),
        ("Gwenllian Mai Idris", date(2015, 4, 2), "2 April 2015"),
        ("Huw Idris", None, "recorded as '31/02/2001' (not a valid date)"),
    ]


def test_a_resident_placed_here_only_by_a_restricted_record_is_left_out_and_the_agency_named(street):
    csc, police, here, _, viewer = street
    hidden = make_person(police, "Iolo", "Jenkin", date(2008, 8, 8))
    at(here, hidden, 2, restricted=True)
    known = make_person(csc, "Jac", "Jenkin", date(2006, 6, 6))
    at(here, known, 2)

    summary = address_summary(viewer, here.public_id)

    assert [p.name for p in summary.residents] == ["Jac Jenkin"]
    assert summary.restricted_agencies == ("Testshire Police",)
    # The agency that restricted it sees its own resident in full.
    police_viewer = scope_of(make_user(Role.PRACTITIONER, agency=police.agency))
    assert [p.name for p in residents(police_viewer, here.pk)] == ["Jac Jenkin", "Iolo Jenkin"]
