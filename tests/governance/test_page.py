"""The agreement's page: any signed-in user can read who shares what, why, on which basis and for how long."""

import re
from datetime import date

import pytest
from django.urls import reverse

from mast.access.models import Role
from mast.governance import services
from mast.governance.models import Purpose
from mast.synth import demo
from tests.factories.access import make_user
from tests.signing_in import signed_in_with_factor

pytestmark = pytest.mark.django_db


def page_text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.mark.parametrize("role", Role.values)
def test_every_role_can_read_the_agreement(client, role):
    demo.ensure_partners()
    signed_in_with_factor(client, make_user(role))

    response = client.get(reverse("web:agreement"))

    assert response.status_code == 200
    text = page_text(response)
    assert "Northshire Safeguarding Partnership" in text and "NSP-ISA-001, version 1.0" in text
    assert "Involvements from the last 12 months" in text
    assert "36 months after an involvement ends" in text
    assert "Red (urgent) within 4 hours, amber within 24 hours, green within 3 working days" in text


def test_the_page_shows_partners_what_they_share_purposes_and_lawful_bases(client):
    demo.ensure_partners()
    signed_in_with_factor(client, make_user())

    text = page_text(client.get(reverse("web:agreement")))

    # A feed's partner, with its fields grouped; a partner that only uses MAST; the host.
    assert "Northshire Police The person: given name," in text
    assert "NHS number" in text and "Who to contact: lead practitioner, team, phone" in text
    assert "Northshire Probation Delivery Unit Uses MAST; shares no data" in text
    assert "Northshire MAST Partnership Hosts MAST for the partnership" in text
    assert "Deciding what to do about a contact or referral (MASH triage)" in text
    assert "Care Act 2014, section 42" in text and "Children Act 1989, section 47" in text
    assert "UK GDPR Article 6(1)(e)" in text and "Article 9(2)(g)" in text and "Article 10" in text


def test_a_withdrawn_purpose_is_not_listed(client):
    demo.ensure_partners()
    Purpose.objects.filter(code="crime_safeguarding").update(is_active=False)
    signed_in_with_factor(client, make_user())

    assert "Preventing or detecting crime" not in page_text(client.get(reverse("web:agreement")))


def test_an_overdue_review_is_flagged(client):
    demo.ensure_partners()
    agreement = services.current_agreement()
    agreement.review_date = date(2026, 5, 1)
    agreement.save()
    signed_in_with_factor(client, make_user())

    assert "Review overdue" in page_text(client.get(reverse("web:agreement")))


def test_with_no_agreement_recorded_the_page_says_so(client):
    signed_in_with_factor(client, make_user())

    response = client.get(reverse("web:agreement"))

    assert response.status_code == 200
    assert "No version of the data-sharing agreement is in force in MAST" in page_text(response)


def test_someone_not_signed_in_is_sent_to_sign_in(client):
    response = client.get(reverse("web:agreement"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('web:sign-in')}?next={reverse('web:agreement')}"


def test_the_ig_officers_home_page_links_to_the_agreement(client):
    signed_in_with_factor(client, make_user(Role.IG_OFFICER))

    html = client.get(reverse("web:home")).content.decode()

    link = f'<a class="govuk-link" href="{reverse("web:agreement")}">Read the data-sharing agreement</a>'
    assert link in html
