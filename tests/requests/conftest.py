"""Requests' fixtures: bank holidays frozen as GOV.UK published them, two agencies with a person between them,
and a helper that does each step through the access gate, as the pages do."""

from dataclasses import dataclass
from datetime import date

import pytest

from mast.access.models import AccessPurpose, AgencyKind, Role, Team, User
from mast.feeds.models import Involvement, Source
from mast.gate.gate import Viewer, through_gate
from mast.gate.policy import Action
from mast.governance.demo import ensure_purposes
from mast.identity.models import Person, PersonLink
from mast.requests.models import Request
from tests.factories.access import make_agency, make_user
from tests.factories.identity import make_record

# England and Wales's bank holidays for 2026 and 2027 as GOV.UK lists them (www.gov.uk/bank-holidays), frozen
# here so the tests do not move when the package's copy is updated.
BANK_HOLIDAYS = frozenset(
    date.fromisoformat(day)
    for day in (
        "2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31", "2026-12-25",
        "2026-12-28", "2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31", "2027-08-30",
        "2027-12-27", "2027-12-28",
    )
)  # fmt: skip

TEAM = "Family Support Team East"


@pytest.fixture(autouse=True)
def frozen_bank_holidays(monkeypatch):
    monkeypatch.setattr("mast.requests.due.bank_holidays", lambda: BANK_HOLIDAYS)


@dataclass
class Between:
    """A police officer asking children's social care about a child with an open case there."""

    police: object
    csc: object
    health: object
    officer: User
    officer_purpose: AccessPurpose
    worker: User  # the allocated worker, a MAST user in the team
    colleague: User  # in the same team
    manager: User  # manages the team
    nurse: User  # a third agency: sees nothing of the request
    person: Person
    case: Involvement
    closed: Involvement
    source: Source


def purpose_for(user: User, reference: str = "MASH-2026-0042") -> AccessPurpose:
    return AccessPurpose.objects.create(
        user=user, reference=reference, reason="child_at_risk", reason_label="Safeguarding a child"
    )


@pytest.fixture
def between(db) -> Between:
    ensure_purposes()
    police = make_agency("Testshire Police", code="testshire-police")
    csc = make_agency(
        "Testshire Children's Services", code="testshire-csc", kind=AgencyKind.CHILDRENS_SOCIAL_CARE
    )
    health = make_agency("Testshire Health", code="testshire-health", kind=AgencyKind.HEALTH)
    source = Source.objects.create(
        code="testshire-lcs", name="Testshire LCS", agency=csc, mapping="test-partner"
    )
    record = make_record(
        source, "LCS42", given_name="Kayleigh", family_name="Thornbury", date_of_birth=date(2014, 7, 14),
        involvements=[("child_in_need", date(2026, 3, 1)), ("early_help", date(2025, 12, 1))],
    )  # fmt: skip
    person = Person.objects.create()
    PersonLink.objects.create(partner_record=record, person=person, method=PersonLink.Method.SINGLETON)
    case, closed = Involvement.objects.filter(partner_record=record).order_by("-start_date")
    worker = make_user(agency=csc, team=TEAM, email="rowan.ashdown@csc.example", first_name="Rowan",
                       last_name="Ashdown")  # fmt: skip
    Involvement.objects.filter(pk=case.pk).update(
        status="open", lead_practitioner="Rowan Ashdown", team=TEAM, contact_email="Rowan.Ashdown@csc.example"
    )
    Involvement.objects.filter(pk=closed.pk).update(
        status="closed", end_date=date(2026, 1, 5), team="Early Help"
    )
    case.refresh_from_db()
    closed.refresh_from_db()
    colleague = make_user(agency=csc, team=TEAM, email="colleague@csc.example")
    manager = make_user(
        agency=csc, team=TEAM, email="manager@csc.example", first_name="Morgan", last_name="Lead"
    )
    Team.objects.create(agency=csc, name=TEAM, manager=manager, email="fst-east@csc.example")
    officer = make_user(
        agency=police, email="officer@police.example", first_name="Priya", last_name="Constable"
    )
    return Between(
        police=police,
        csc=csc,
        health=health,
        officer=officer,
        officer_purpose=purpose_for(officer),
        worker=worker,
        colleague=colleague,
        manager=manager,
        nurse=make_user(agency=health, email="nurse@health.example"),
        person=person,
        case=case,
        closed=closed,
        source=source,
    )


def as_user(user: User, action: Action, work, purpose: AccessPurpose | None = None):
    """Do `work(scope)` as `user` through the gate, as a page would."""
    return through_gate(Viewer(user, purpose), action, work, target="test")


def send(between: Between, **fields) -> Request:
    from mast.requests.actions import send_request

    fields.setdefault("question", "Is there anything we should know before a joint visit?")
    fields.setdefault("to_agency_id", between.csc.pk)
    return as_user(
        between.officer,
        Action.SEND_REQUEST,
        lambda scope: send_request(
            scope,
            user=between.officer,
            purpose=between.officer_purpose,
            public_id=between.person.public_id,
            **fields,
        ),
        between.officer_purpose,
    )


__all__ = ["Role"]


class Clock:
    """MAST's idea of now, set by the test: django.utils.timezone.now is what the services ask."""

    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now

    def set(self, *parts):
        from datetime import datetime
        from zoneinfo import ZoneInfo

        self.now = datetime(*parts, tzinfo=ZoneInfo("Europe/London"))
        return self.now


@pytest.fixture
def clock(monkeypatch):
    from django.utils import timezone

    now = Clock(timezone.now())
    monkeypatch.setattr("django.utils.timezone.now", now)
    return now


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
