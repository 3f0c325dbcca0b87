"""The practitioner's pages as a whole: each page that shows personal data is audited once, with the purpose;
forms alone write nothing; every page with partner data says how up to date each agency is."""

from datetime import timedelta

import pytest
from django.urls import reverse

from mast.access.models import Role
from mast.feeds.models import Load
from mast.requests.models import Request
from tests.factories.access import make_user
from tests.factories.people import (
    agreement_purposes,
    family,
    page_text,
    practitioner,
)
from tests.signing_in import signed_in_with_factor
from tests.web.practice_pages import identity_search, last_sequence, new_events

pytestmark = pytest.mark.django_db
# Fixtures imported for pytest (agreement_purposes is autouse).
__all__ = ["agreement_purposes", "family", "identity_search", "practitioner"]

# -- one audit event per page --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "action"),
    [
        ("person", "view_person"),
        ("person-print", "print_person"),
        ("address", "view_address"),
        ("referral", "view_person"),
    ],
)
def test_each_page_writes_exactly_one_audit_event_with_the_purpose(
    client, practitioner, family, name, action
):
    args = {
        "person": [family.tyler.public_id],
        "person-print": [family.tyler.public_id],
        "address": [family.address.public_id],
        "referral": [family.tyler.public_id, family.open_case.pk],
    }[name]
    before = last_sequence()

    assert client.get(reverse(f"web:{name}", args=args)).status_code == 200

    (event,) = new_events(before)
    assert (event.action, event.outcome, event.username) == (action, "allowed", practitioner.username)
    assert (event.purpose_code, event.purpose_reference) == ("mash_triage", "MASH-2026-0042")


@pytest.mark.parametrize("name", ["purpose", "search"])
def test_the_forms_alone_write_no_audit_event(client, practitioner, name):
    before = last_sequence()

    assert client.get(reverse(f"web:{name}")).status_code == 200

    assert new_events(before) == []


def test_the_home_page_sends_a_practitioner_to_search(client, practitioner):
    assert f'href="{reverse("web:search")}"' in client.get(reverse("web:home")).content.decode()


# -- how up to date partners' data is (issue 14, item 8) ----------------------------------------------------


def test_every_page_with_partner_data_says_how_up_to_date_each_agency_is(
    client, practitioner, family, identity_search
):
    from django.utils import timezone

    today_0510 = timezone.localtime().replace(hour=5, minute=10, second=0, microsecond=0)
    Load.objects.filter(source=family.csc).update(status="loaded", finished_at=today_0510)
    Load.objects.filter(source=family.police).update(
        status="loaded", finished_at=today_0510 - timedelta(days=3)
    )
    search = client.post(reverse("web:search"), {"family_name": "Barker"}, follow=True)
    pages = [
        search,
        client.get(reverse("web:person", args=[family.tyler.public_id])),
        client.get(reverse("web:person-print", args=[family.tyler.public_id])),
        client.get(reverse("web:address", args=[family.address.public_id])),
    ]

    for page in pages:
        text = page_text(page)
        assert "Testshire Children's Services data as of 05:10 today" in text, page.request["PATH_INFO"]
        police = text[text.index("Testshire Police data as of") :][:60]
        assert "Late" in police, page.request["PATH_INFO"]


# -- navigation (issue 14, item 10) -------------------------------------------------------------------------


def test_practitioners_navigation_has_search_and_counts_what_is_waiting(client, practitioner, family):
    from django.utils import timezone

    practitioner.team = "Front Door"
    practitioner.save()
    person = family.tyler
    # Their team's (overdue), the agency's front door's, another team's: the first two are theirs to see.
    for hours, team in ((-2, "Front Door"), (5, ""), (5, "Another Team")):
        Request.objects.create(
            kind=Request.Kind.INFORMATION,
            person=person,
            from_user=practitioner,
            from_agency=family.police.agency,
            to_agency=practitioner.agency,
            to_team=team,
            purpose_code="child_at_risk",
            purpose_reference="X-1",
            question="?",
            due_at=timezone.now() + timedelta(hours=hours),
        )

    home = page_text(client.get(reverse("web:home")))

    nav = home[: home.index("Welcome")]
    assert "Search" in nav and "Requests (2 waiting, 1 overdue)" in nav
    assert "2 requests waiting for an answer 1 overdue" in home and "0 new alerts" in home


def test_a_form_address_opened_in_the_browser_gets_a_page_that_says_what_to_do(client):
    owner = make_user(Role.FEED_OWNER)
    signed_in_with_factor(client, owner)

    response = client.get(reverse("web:feed-upload"))

    assert response.status_code == 405 and response["Allow"] == "POST"
    text = page_text(response)
    assert "This page is for a form" in text and "Go to your feeds, to upload a file" in text


def test_address_urls_are_opaque_so_they_cannot_be_walked(client, family, practitioner):
    """/addresses/1/, /2/… showed who lives where with no search: the URL now carries an unguessable id."""
    html = client.get(reverse("web:person", args=[family.tyler.public_id])).content.decode()
    assert f"/addresses/{family.address.public_id}/" in html
    assert f"/addresses/{family.address.pk}/" not in html
    assert client.get(f"/addresses/{family.address.pk}/").status_code == 404
