"""Alerts raised by real feed loads: another agency's new involvement reaches the allocated worker of an open
case, in MAST and by an email that holds a link and nothing about the person."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from mast.alerts.models import Alert, AlertMute
from mast.alerts.services import ALERTS_PATH, raise_for_load
from mast.feeds.models import Involvement
from mast.identity.models import PersonLink
from tests.alerts.conftest import CSC_TEAM, ELLIS, ROBIN, csc_case, police_incident
from tests.factories.access import make_user


def person_of(person_ref):
    return PersonLink.objects.get(partner_record__person_ref=person_ref).person


def test_a_police_incident_alerts_the_social_worker_of_the_open_case(partners, csc_worker):
    partners.load(partners.childrens, [csc_case()])
    assert not Alert.objects.exists()

    result = partners.load(partners.police, [police_incident()])

    alert = Alert.objects.get()
    assert alert.recipient == csc_worker
    assert alert.person == person_of("C1") == person_of("N1")
    assert alert.new_involvement == Involvement.objects.get(record_id="P1")
    assert alert.open_involvement == Involvement.objects.get(record_id="CSC1")
    assert alert.load == result.load and alert.read_at is None
    assert [m.to for m in mail.outbox] == [[csc_worker.email]]


def test_the_email_holds_a_link_to_the_alerts_page_and_no_personal_data(partners, csc_worker, settings):
    settings.MAST_BASE_URL = "https://mast.example.test"
    partners.load(partners.childrens, [csc_case()])
    partners.load(partners.police, [police_incident()])

    (email,) = mail.outbox
    text = f"{email.subject}\n{email.body}"
    assert "https://mast.example.test/alerts/" in email.body
    given, family, dob, _, address, postcode, nhs = ROBIN
    for detail in (given, family, dob, address, postcode, nhs, "PC Lark", "Dana", "Domestic", "Police"):
        assert detail.lower() not in text.lower()
    assert not re.search(r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}", text), "no dates of any kind"
    assert reverse("web:alerts") == ALERTS_PATH


def test_no_alert_about_the_workers_own_agency(partners, csc_worker):
    partners.load(partners.childrens, [csc_case()])
    partners.load(partners.childrens, [csc_case(), csc_case("CSC2", start_days_ago=1)])
    assert not Alert.objects.exists() and not mail.outbox


def test_no_alert_for_a_closed_case(partners, csc_worker):
    partners.load(partners.childrens, [csc_case(status="CLOSED")])
    partners.load(partners.police, [police_incident()])
    assert not Alert.objects.exists() and not mail.outbox


def test_no_alert_for_someone_else(partners, csc_worker):
    partners.load(partners.childrens, [csc_case()])
    partners.load(partners.police, [police_incident(person_ref="N9", who=ELLIS)])
    assert not Alert.objects.exists()


def test_no_alert_about_a_muted_person(partners, csc_worker):
    partners.load(partners.childrens, [csc_case()])
    AlertMute.objects.create(user=csc_worker, person=person_of("C1"))
    partners.load(partners.police, [police_incident()])
    assert not Alert.objects.exists() and not mail.outbox


def test_never_twice_for_the_same_new_involvement(partners, csc_worker):
    partners.load(partners.childrens, [csc_case()])
    first = partners.load(partners.police, [police_incident()])
    # The same involvement in the next day's snapshot, and the hook run again on the first load.
    partners.load(partners.police, [police_incident(), police_incident("P0", start_days_ago=300)])
    assert raise_for_load(first.load).alerts == 0
    assert Alert.objects.count() == 1 and len(mail.outbox) == 1


def test_a_second_new_involvement_is_a_second_alert_in_a_second_email(partners, csc_worker):
    partners.load(partners.childrens, [csc_case()])
    partners.load(partners.police, [police_incident()])
    partners.load(partners.police, [police_incident(), police_incident("P2", start_days_ago=1)])
    assert Alert.objects.count() == 2 and len(mail.outbox) == 2


def test_old_involvements_arriving_late_raise_no_alert(partners, csc_worker, settings):
    settings.MAST_ALERT_RECENT_DAYS = 30
    partners.load(partners.childrens, [csc_case()])
    partners.load(partners.police, [police_incident(start_days_ago=45)])
    assert not Alert.objects.exists()


def test_without_a_matching_email_the_workers_team_is_alerted(partners):
    agency = partners.childrens.agency
    team = [
        make_user(agency=agency, email=f"t{i}@csc.testshire.example", team=" assessment  team NORTH ")
        for i in range(2)
    ]
    make_user(agency=agency, email="other@csc.testshire.example", team="Disabled Children's Team")
    make_user(agency=partners.police.agency, email="same-name@police.testshire.example", team=CSC_TEAM)
    make_user(agency=agency, role="feed_owner", email="feeds@csc.testshire.example", team=CSC_TEAM)
    partners.load(partners.childrens, [csc_case(email="not.a.user@csc.testshire.example")])

    partners.load(partners.police, [police_incident()])

    assert set(Alert.objects.values_list("recipient", flat=True)) == {u.pk for u in team}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in team)


def test_a_matching_email_in_another_agency_is_not_the_allocated_worker(partners):
    make_user(agency=partners.police.agency, email="dana.worker@csc.testshire.example")
    partners.load(partners.childrens, [csc_case(team="")])
    partners.load(partners.police, [police_incident()])
    assert not Alert.objects.exists()


@pytest.mark.parametrize("restricted", ["N", "Y"])
def test_the_police_officer_is_alerted_about_a_new_social_care_case(partners, restricted):
    # A restricted case is still its own agency's: the officer allocated to it is alerted like any other.
    officer = make_user(agency=partners.police.agency, email="PC.Lark@police.testshire.example")
    partners.load(partners.police, [police_incident(restricted=restricted)])
    partners.load(partners.childrens, [csc_case("CSC7", start_days_ago=3)])
    assert Alert.objects.get().recipient == officer
