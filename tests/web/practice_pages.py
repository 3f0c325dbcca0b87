"""What the practitioner's page tests share: reading the audit log, a stand-in for identity's search, a
restricted health visitor case, and reading a results page."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse

from mast.access.models import AgencyKind
from mast.audit.models import AuditEvent
from mast.feeds.models import PartnerRecord
from mast.identity.search.find import PeopleFound
from tests.factories.people import (
    TODAY,
    involve,
    make_person,
    make_source,
)


def new_events(before: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(sequence__gt=before))


def last_sequence() -> int:
    last = AuditEvent.objects.order_by("-sequence").first()
    return last.sequence if last else 0


@pytest.fixture
def identity_search(monkeypatch, family):
    """Identity's search, answering with Tyler (an open case) and Ruby, and the family's address."""
    asked = []
    tyler_record = PartnerRecord.objects.get(person_ref="C1")
    ruby_record = PartnerRecord.objects.get(person_ref="C2")

    def find_people(query):
        asked.append(query)
        matches = (
            SimpleNamespace(
                person_id=family.tyler.pk,
                record_ids=(tyler_record.pk,),
                score=0.97,
                reasons=("First name: Tylor is a close spelling of Tyler", "Date of birth matches"),
            ),
            SimpleNamespace(
                person_id=family.ruby.pk, record_ids=(ruby_record.pk,), score=0.41, reasons=("Same surname",)
            ),
        )
        return PeopleFound(matches, len(matches))

    def find_addresses(postcode, address="", *, limit=20):
        # One shown of the 30 at the postcode: the page must say it shows only some.
        place = SimpleNamespace(
            address_id=family.address.pk,
            label="3 Kiln Lane, Testbury, ZZ1 1AB",
            involvements=5,
            public_id=str(family.address.public_id),
        )
        return [place], 30

    monkeypatch.setattr("mast.people.search.identity_search.find_people", find_people)
    monkeypatch.setattr("mast.people.search.identity_search.find_addresses", find_addresses)
    return asked


@pytest.fixture
def restricted(family):
    """A health visitor's open case about Tyler that the NHS trust restricted."""
    health = make_source("Testshire NHS", AgencyKind.HEALTH, contact_point="the named nurse, 01632 960777")
    record = make_person(health, "Tyler", "Barker", date(2014, 7, 14), person=family.tyler, person_ref="H1")
    return involve(
        record,
        "health_visiting",
        TODAY - timedelta(days=5),
        status="open",
        restricted=True,
        lead_practitioner="HV Secret",
        team="Refuge Outreach",
        contact_email="hv.secret@nhs.example",
    )


def section(text: str, start: str, end: str) -> str:
    return text[text.index(start) : text.index(end, text.index(start))]


def search_url(client, terms: dict) -> str:
    response = client.post(reverse("web:search"), terms)
    assert response.status_code == 302
    return response["Location"]
