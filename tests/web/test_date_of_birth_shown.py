"""A date of birth a partner recorded that is not a date is shown as recorded, never as "Not known"."""

import pytest
from django.urls import reverse

from tests.factories.people import (
    agreement_purposes,
    family,
    page_text,
    practitioner,
)

pytestmark = pytest.mark.django_db
# Fixtures from tests/factories/people.py used here (agreement_purposes is autouse).
__all__ = ["agreement_purposes", "family", "practitioner"]


@pytest.fixture
def impossible_birthday(family):
    """Ruby's only record gives 31 February as her date of birth: kept as given, flagged, not a date."""
    record = family.ruby.links.get().partner_record
    record.date_of_birth = None
    record.date_of_birth_raw = "31/02/2016"
    record.flags = {"date_of_birth": "partial or impossible date; kept as given"}
    record.save()
    return record


def test_the_person_page_shows_the_date_as_recorded(client, practitioner, family, impossible_birthday):
    text = page_text(client.get(reverse("web:person", args=[family.ruby.public_id])))

    assert "Date of birth recorded as '31/02/2016' (not a valid date)" in text


def test_the_address_page_shows_the_date_as_recorded(client, practitioner, family, impossible_birthday):
    text = page_text(client.get(reverse("web:address", args=[family.address.public_id])))

    assert "recorded as '31/02/2016' (not a valid date)" in text
