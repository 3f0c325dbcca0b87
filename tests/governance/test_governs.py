"""The agreement governs: with no version in force nobody searches (a page says why and whom to contact); a
partner whose participation ended, or that is not a party, cannot search; the review date warns weekly."""

import html
from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mast.access.models import Role
from mast.audit.models import AuditEvent
from mast.governance.review import warn_if_review_overdue
from tests.factories.access import make_agency, make_user
from tests.factories.governance import make_agreement, make_partner
from tests.governance.test_page import page_text as raw_text
from tests.signing_in import signed_in_with_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def police():
    return make_agency("Testshire Police")


def page_text(response) -> str:
    return html.unescape(raw_text(response))


def _search_as(client, agency):
    signed_in_with_factor(client, make_user(Role.PRACTITIONER, agency=agency))
    return client.get(reverse("web:search"))


def test_with_no_agreement_ever_recorded_mast_runs_on_its_defaults(client, police):
    assert _search_as(client, police).status_code in (200, 302)


def test_a_party_in_good_standing_may_search(client, police):
    make_partner(make_agreement(), police)

    assert _search_as(client, police).status_code in (200, 302)


def test_with_no_version_in_force_nobody_searches_and_the_page_says_why_and_whom_to_ask(client, police):
    make_partner(make_agreement(end_date=date.today() - timedelta(days=1)), police)

    response = _search_as(client, police)

    assert response.status_code == 403
    text = page_text(response)
    assert "No data-sharing agreement is in force" in text
    assert f"ended on {date.today() - timedelta(days=1):%-d %B %Y}" in text
    assert "Testshire IG team" in text and "ig@testshire.example" in text
    refused = AuditEvent.objects.get(action="search_people")
    assert refused.outcome == "denied" and refused.detail["refused"] == "agreement"


def test_a_partner_whose_participation_ended_cannot_search_but_the_others_can(client, police):
    childrens = make_agency("Testshire Children's Services")
    agreement = make_agreement()
    make_partner(agreement, police, participation_ends=date.today() - timedelta(days=1))
    make_partner(agreement, childrens)

    refused = _search_as(client, police)
    assert refused.status_code == 403
    assert "Testshire Police's participation in the data-sharing agreement ended" in page_text(refused)
    client.logout()
    assert _search_as(client, childrens).status_code in (200, 302)


def test_an_agency_named_in_the_plural_is_refused_in_plain_english(client):
    homes = make_agency("Testshire Homes")
    make_partner(make_agreement(), homes, participation_ends=date.today() - timedelta(days=1))

    text = page_text(_search_as(client, homes))

    assert "Testshire Homes' participation in the data-sharing agreement ended" in text
    assert "Homes's" not in text


def test_an_agency_not_party_to_the_agreement_cannot_search(client, police):
    make_partner(make_agreement(), police)

    response = _search_as(client, make_agency("Testshire Bowls Club"))

    assert response.status_code == 403
    assert "not a party to the data-sharing agreement in force (TS-ISA version 1.0)" in page_text(response)


def test_a_review_overdue_warns_ig_officers_and_approvers_once_a_week(police):
    agreement = make_agreement(review_date=date.today() - timedelta(days=1))
    approver = make_user(Role.IG_OFFICER, agency=police, email="dpo@police.test")
    make_partner(agreement, police, approver=approver)
    make_user(Role.IG_OFFICER, agency=make_agency("Testshire MAST"), email="ig@mast.test")
    make_user(Role.PRACTITIONER, agency=police, email="pc@police.test")
    now = timezone.now()

    assert warn_if_review_overdue(now) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["dpo@police.test", "ig@mast.test"]
    assert "past its review date" in mail.outbox[0].subject
    assert warn_if_review_overdue(now + timedelta(days=6)) == 0
    assert warn_if_review_overdue(now + timedelta(days=7)) == 2


def test_no_warning_before_the_review_date(police):
    make_partner(make_agreement(review_date=date.today() + timedelta(days=1)), police)
    make_user(Role.IG_OFFICER, agency=police, email="dpo@police.test")

    assert warn_if_review_overdue() == 0
