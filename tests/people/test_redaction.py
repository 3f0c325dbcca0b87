"""How one involvement reads to one viewer (people/redaction.py): a partner's restricted case shows another
agency only whom to contact, and the display window hides what ended long ago but never an open case."""

from datetime import date, timedelta

import pytest

from mast.access.models import AgencyKind, Role
from mast.feeds.models import Involvement, PartnerRecord
from mast.gate.gate import Viewer, through_gate
from mast.gate.policy import Action
from mast.people.redaction import InvolvementLine, dates_in_window, in_window, line
from tests.factories.access import make_user
from tests.factories.people import involve, make_person, make_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def police():
    return make_source("Testshire Police", contact_point="MASH police desk, 01632 960001")


@pytest.fixture
def csc():
    return make_source("Testshire Children's Services", AgencyKind.CHILDRENS_SOCIAL_CARE)


def scope_of(user):
    """The Scope the gate gives this practitioner (their own alerts: a read with an implied purpose)."""
    return through_gate(Viewer(user=user), Action.VIEW_ALERTS, lambda scope: scope)


def case(source, *, restricted: bool, **fields) -> Involvement:
    record: PartnerRecord = make_person(source, "Robin", "Quillfeather", date(2016, 5, 14))
    return involve(
        record,
        "child_protection",
        date.today() - timedelta(days=60),
        status="open",
        lead_practitioner="Jo Allocated",
        team="Safeguarding Team North",
        contact_phone="01632 960555",
        contact_email="jo.allocated@csc.example",
        restricted=restricted,
        **fields,
    )


def test_another_agency_sees_a_restricted_case_only_as_whom_to_contact(police, csc):
    shown = line(scope_of(make_user(Role.PRACTITIONER, agency=police.agency)), case(csc, restricted=True))

    assert (shown.agency, shown.restricted, shown.is_open) == ("Testshire Children's Services", True, True)
    assert shown.agency_contact == "the agency's safeguarding lead"  # no contact point recorded
    what = (shown.category, shown.involvement_type, shown.start_date, shown.lead_practitioner, shown.team)
    assert what == ("", "", None, "", "")
    assert (shown.contact_phone, shown.contact_email) == ("", "")


def test_a_restricted_case_names_the_agency_s_contact_point_when_it_has_one(police, csc):
    shown = line(scope_of(make_user(Role.PRACTITIONER, agency=csc.agency)), case(police, restricted=True))

    assert shown.agency_contact == "MASH police desk, 01632 960001"


def test_the_agency_that_restricted_a_case_sees_it_in_full(csc):
    shown = line(scope_of(make_user(Role.PRACTITIONER, agency=csc.agency)), case(csc, restricted=True))

    assert shown.restricted is False and shown.category == "Child protection plan"
    assert (shown.lead_practitioner, shown.contact_phone) == ("Jo Allocated", "01632 960555")


def test_an_unrestricted_case_shows_in_full_to_every_agency(police, csc):
    shown = line(scope_of(make_user(Role.PRACTITIONER, agency=police.agency)), case(csc, restricted=False))

    assert (shown.category, shown.team, shown.status_label) == (
        "Child protection plan",
        "Safeguarding Team North",
        "Open",
    )


def test_the_display_window_hides_what_ended_before_it_but_never_an_open_case(police):
    scope = scope_of(make_user(Role.PRACTITIONER, agency=police.agency))
    before = scope.shown_from - timedelta(days=1)
    long_ago = scope.shown_from - timedelta(days=400)

    assert dates_in_window(scope, "open", long_ago, None)
    assert not dates_in_window(scope, "closed", long_ago, before)
    assert dates_in_window(scope, "closed", long_ago, scope.shown_from)  # ended on the first day shown
    assert not dates_in_window(scope, "closed", before, None)  # no end date: its start counts
    assert dates_in_window(scope, "", scope.shown_from, None)
    old = case(police, restricted=False)
    Involvement.objects.filter(pk=old.pk).update(status="closed", start_date=long_ago, end_date=before)
    old.refresh_from_db()
    assert not in_window(scope, old)


def test_a_case_with_no_status_says_so():
    assert InvolvementLine(involvement_id=1, agency="Testshire Police", restricted=False).status_label == (
        "Not given"
    )
