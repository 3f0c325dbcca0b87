"""A referral about an open case: whom it goes to, what it needs, and reaching the allocated worker when they
use MAST."""

import pytest
from django.urls import reverse

from mast.access.models import Role
from mast.requests.models import Request
from tests.factories.access import make_user
from tests.factories.people import (
    agreement_purposes,
    family,
    page_text,
    practitioner,
)
from tests.web.practice_pages import last_sequence, new_events, restricted

pytestmark = pytest.mark.django_db
# Fixtures imported for pytest (agreement_purposes is autouse).
__all__ = ["agreement_purposes", "family", "practitioner", "restricted"]

# -- referrals -----------------------------------------------------------------------------------------------


def test_the_referral_form_says_whom_it_will_go_to(client, practitioner, family):
    response = client.get(reverse("web:referral", args=[family.tyler.public_id, family.open_case.pk]))

    text = page_text(response)
    assert response.status_code == 200
    # Jo does not use MAST: it says so, and where the referral goes instead.
    assert (
        "It will go to Jo Allocated, the allocated worker, does not use MAST, so the referral will go to the "
        "Safeguarding Team North inbox at Testshire Children's Services" in text
    )
    assert "Allocated worker Jo Allocated Team Safeguarding Team North" in text
    assert "What is the referral about?" in text and "Red — urgent" in text


def test_a_referral_needs_what_it_is_about_and_a_priority(client, practitioner, family):
    url = reverse("web:referral", args=[family.tyler.public_id, family.open_case.pk])
    before = last_sequence()

    response = client.post(url, {"summary": "   "})

    text = page_text(response)
    assert response.status_code == 200
    assert "There is a problem Enter what the referral is about Select a priority" in text
    assert not Request.objects.exists()
    (event,) = new_events(before)
    assert event.action == "view_person"


def test_a_referral_goes_to_the_allocated_worker_and_is_confirmed(client, practitioner, family):
    url = reverse("web:referral", args=[family.tyler.public_id, family.open_case.pk])
    before = last_sequence()

    response = client.post(url, {"summary": "School reports bruising on Tyler's arm.", "priority": "red"})

    assert response.status_code == 302 and response["Location"] == reverse("web:referral-sent")
    sent = Request.objects.get()
    assert (sent.kind, sent.to_worker, sent.to_team, sent.priority) == (
        "referral",
        "Jo Allocated",
        "Safeguarding Team North",
        "red",
    )
    assert (sent.from_user, sent.purpose_reference, sent.involvement) == (
        practitioner,
        "MASH-2026-0042",
        family.open_case,
    )
    (event,) = new_events(before)
    assert (event.action, event.purpose_reference, event.detail["request_id"]) == (
        "send_referral",
        "MASH-2026-0042",
        sent.pk,
    )
    assert "bruising" not in str(event.detail)

    confirmation = client.get(response["Location"])

    text = page_text(confirmation)
    assert "Referral sent to the Safeguarding Team North inbox" in text
    assert "Jo Allocated, the allocated worker, does not use MAST: the team will pass it on" in text
    assert "govuk-panel--confirmation" in confirmation.content.decode()
    assert new_events(event.sequence) == []


def test_a_referral_about_a_restricted_case_goes_to_the_agency(client, practitioner, family, restricted):
    url = reverse("web:referral", args=[family.tyler.public_id, restricted.pk])
    assert "HV Secret" not in client.get(url).content.decode()

    response = client.post(url, {"summary": "Concern about Tyler.", "priority": "amber"})

    sent = Request.objects.get()
    assert (sent.to_agency, sent.to_worker, sent.to_team) == (restricted.source.agency, "", "")
    assert "Referral sent to Testshire NHS" in page_text(client.get(response["Location"]))


def test_a_referral_is_only_for_an_open_case_of_that_person(client, practitioner, family):
    closed = reverse("web:referral", args=[family.tyler.public_id, family.recent.pk])
    someone_elses = reverse("web:referral", args=[family.ruby.public_id, family.open_case.pk])

    assert client.get(closed).status_code == 404
    assert client.get(someone_elses).status_code == 404
    response = client.post(closed, {"summary": "Concern.", "priority": "amber"})
    assert not Request.objects.exists()
    assert response.status_code == 404


def test_the_confirmation_page_without_a_referral_goes_to_search(client, practitioner):
    response = client.get(reverse("web:referral-sent"))

    assert response.status_code == 302 and response["Location"] == reverse("web:search")


# -- a referral reaches the allocated worker when they use MAST (issue 14) -----------------------------------


@pytest.mark.parametrize(
    ("email", "first_name", "last_name", "team"),
    [
        ("JO.ALLOCATED@csc.example", "Jonquil", "Other", ""),  # by the feed's email, whatever its case
        ("jo.a@elsewhere.example", "Jo", "Allocated", "safeguarding team north"),  # by name within the team
    ],
)
def test_a_referral_is_assigned_to_the_allocated_worker_who_uses_mast_and_says_so(
    client,
    practitioner,
    family,
    email,
    first_name,
    last_name,
    team,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    jo = make_user(
        Role.PRACTITIONER,
        agency=family.csc.agency,
        email=email,
        first_name=first_name,
        last_name=last_name,
        team=team,
    )
    url = reverse("web:referral", args=[family.tyler.public_id, family.open_case.pk])
    name = jo.get_full_name()

    form = page_text(client.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"summary": "Tyler was found alone at the station.", "priority": "red"})

    assert f"{name}, the allocated worker, uses MAST: the referral will be assigned to them" in form
    sent = Request.objects.get()
    assert sent.assignee == jo
    assert [m.to for m in mailoutbox] == [[jo.email]]
    confirmation = page_text(client.get(response["Location"]))
    assert f"Referral sent to {name}, Safeguarding Team North" in confirmation
    assert (
        f"It is assigned to {name}, the allocated worker, in MAST, and they have been emailed" in confirmation
    )


def test_a_namesake_in_another_team_is_not_given_the_referral(client, practitioner, family):
    make_user(
        Role.PRACTITIONER,
        agency=family.csc.agency,
        email="jo@elsewhere.example",
        first_name="Jo",
        last_name="Allocated",
        team="Adoption Team",
    )
    url = reverse("web:referral", args=[family.tyler.public_id, family.open_case.pk])

    response = client.post(url, {"summary": "Concern.", "priority": "amber"})

    assert Request.objects.get().assignee is None
    assert "Referral sent to the Safeguarding Team North inbox" in page_text(client.get(response["Location"]))
