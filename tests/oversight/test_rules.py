"""Each misuse rule fires on the use it is aimed at, and stays quiet for ordinary casework."""

from datetime import time, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mast.feeds.models import Involvement
from mast.oversight.models import OversightAlert, Shown, UserProfile, WatchedPerson
from tests.factories.access import make_user
from tests.oversight.conftest import look, searched, state_purpose

pytestmark = pytest.mark.django_db
Rule = OversightAlert.Rule


def rules_raised():
    return sorted(OversightAlert.objects.values_list("rule", flat=True))


def test_looking_at_people_a_search_showed_raises_nothing(client, region):
    state_purpose(client, region.practitioner)
    searched(region.practitioner, region.people[:4])
    for person in region.people[:4]:
        assert look(client, person).status_code == 200
    assert rules_raised() == []
    assert mail.outbox == []


def test_people_opened_without_a_search_raise_an_alert_to_the_agencys_ig_officers(client, region):
    state_purpose(client, region.practitioner)
    for person in region.people[:4]:
        look(client, person)
    (alert,) = OversightAlert.objects.all()
    assert (alert.rule, alert.subject, alert.agency) == (
        Rule.UNSEARCHED,
        region.practitioner,
        region.police.agency,
    )
    assert "opened 4 people or addresses in the last hour that no search" in alert.summary
    assert set(alert.people) == {str(p.public_id) for p in region.people[:4]}
    # At once, by email, to each of the agency's IG officers (and nobody else), with no personal data.
    assert sorted(m.to[0] for m in mail.outbox) == ["ig2@police.example", "ig@police.example"]
    assert reverse("web:oversight-alert", args=[alert.public_id]) in mail.outbox[0].body
    assert "Quill" not in mail.outbox[0].body and "Pat" not in mail.outbox[0].body
    # A fifth look adds to the same alert rather than raising another.
    look(client, region.people[4])
    assert OversightAlert.objects.count() == 1 and len(OversightAlert.objects.get().events) == 2


def test_harvesting_many_people_raises_the_volume_alert(client, region):
    state_purpose(client, region.practitioner)
    searched(region.practitioner, region.people[:5])
    assert rules_raised() == []
    searched(region.practitioner, region.people[5:10], terms={"family_name": "Lark"})
    assert rules_raised() == [Rule.VOLUME]
    assert "was shown 10 people in the last hour" in OversightAlert.objects.get().summary


def test_a_practitioner_whose_busy_hours_are_busier_is_not_alerted_at_the_floor(client, region):
    state_purpose(client, region.practitioner)
    # Two days ago, one busy hour: five people shown over it, minutes apart.
    searched(region.practitioner, region.people[:5])
    busy_hour = timezone.now().replace(hour=10, minute=5, second=0, microsecond=0) - timedelta(days=2)
    for i, shown in enumerate(Shown.objects.filter(user=region.practitioner).order_by("pk")):
        Shown.objects.filter(pk=shown.pk).update(at=busy_hour + timedelta(minutes=11 * i))
    searched(region.practitioner, region.people[:10])
    # Ten people in the last hour is past the floor (six), but not three times their usual busy hour (five).
    assert rules_raised() == []


def test_a_search_for_their_own_surname_at_their_own_postcode(client, region):
    UserProfile.objects.create(user=region.practitioner, home_postcode="zz11ab")
    state_purpose(client, region.practitioner)
    searched(region.practitioner, [], terms={"family_name": "Moss", "postcode": "ZZ1 1AB"})
    assert rules_raised() == []
    searched(region.practitioner, [], terms={"family_name": "quill", "postcode": "ZZ1 1AB"})
    assert rules_raised() == [Rule.OWN_FAMILY]


def test_a_look_at_their_own_family(client, region):
    UserProfile.objects.create(user=region.practitioner, home_postcode="ZZ1 1AB")
    state_purpose(client, region.practitioner)
    searched(region.practitioner, region.people[:3])
    look(client, region.people[2])  # Cal Moss: not their surname
    assert rules_raised() == []
    look(client, region.people[0])  # Ada Quill, at their postcode
    assert rules_raised() == [Rule.OWN_FAMILY]


@pytest.mark.parametrize("typed", ["ZZ1 1AB", "zz11ab"])  # the rule asks for the postcode as standardised
def test_a_look_at_a_colleague_or_their_household(client, region, typed):
    colleague = make_user(agency=region.health.agency, first_name="Eli", last_name="Rook")
    UserProfile.objects.create(user=colleague, home_postcode=typed, home_line_1="5 Kiln Lane")
    state_purpose(client, region.practitioner)
    searched(region.practitioner, [region.people[0], region.people[4]])
    look(client, region.people[0])
    assert rules_raised() == []
    look(client, region.people[4])  # Eli Rook, 5 Kiln Lane
    (alert,) = OversightAlert.objects.all()
    assert alert.rule == Rule.MAST_USER
    assert f"{colleague.get_full_name()} ({region.health.agency})" in alert.summary


def test_a_look_at_a_watched_person(client, region):
    WatchedPerson.objects.create(
        person=region.people[1].public_id, reason="public_figure", added_by=region.ig
    )
    state_purpose(client, region.practitioner)
    searched(region.practitioner, region.people[:2])
    look(client, region.people[0])
    assert rules_raised() == []
    look(client, region.people[1])
    assert rules_raised() == [Rule.WATCHED]
    assert "a watched person (a public figure)" in OversightAlert.objects.get().summary


def test_a_look_at_a_restricted_record_tells_the_owning_agency(client, region):
    from tests.factories.people import involve, make_person

    person = region.people[3]
    record = make_person(
        region.health, "Dee", "Moss", person.links.first().partner_record.date_of_birth, person=person
    )
    involve(record, "sexual_health", region.people[0].created_at.date(), restricted=True)
    assert Involvement.objects.filter(restricted=True).count() == 1
    state_purpose(client, region.practitioner)
    searched(region.practitioner, region.people[:4])
    look(client, region.people[2])
    assert rules_raised() == []
    look(client, person)
    (alert,) = OversightAlert.objects.all()
    assert (alert.rule, alert.agency, alert.subject) == (
        Rule.RESTRICTED,
        region.health.agency,
        region.practitioner,
    )
    assert [m.to for m in mail.outbox] == [["ig@health.example"]]


def test_looks_outside_working_hours(client, region, settings):
    settings.MAST_WORKING_WEEKENDS = False
    state_purpose(client, region.practitioner)
    searched(region.practitioner, region.people[:2])
    profile = UserProfile.objects.create(user=region.practitioner, works_weekends=True)
    look(client, region.people[0])
    assert rules_raised() == []
    # Their agency records a shift that has already ended (or not yet begun) at any time of day.
    profile.works_from, profile.works_until = time(0, 0), time(0, 0)
    profile.save()
    look(client, region.people[1])
    assert rules_raised() == [Rule.OUT_OF_HOURS]
    assert (
        "outside their working hours (00:00 to 00:00, weekends too)" in OversightAlert.objects.get().summary
    )


def test_an_agency_with_no_ig_officer_has_its_alerts_read_by_the_partnerships_host(client, region):
    from datetime import date

    from mast.governance.models import AgreementPartner, SharingAgreement
    from tests.factories.access import make_agency

    host = make_agency("Testshire MAST Partnership")
    host_ig = make_user("ig_officer", agency=host, email="ig@partnership.example")
    agreement = SharingAgreement.objects.create(
        status=SharingAgreement.Status.APPROVED,
        title="Testshire agreement",
        reference="TS-ISA",
        start_date=date(2026, 1, 1),
        review_date=date(2027, 1, 1),
    )
    AgreementPartner.objects.create(agreement=agreement, agency=host, role=AgreementPartner.Role.HOST)
    housing = make_user(agency=make_agency("Testshire Homes"), first_name="Harper", last_name="Tenancy")
    # A party to the agreement (one that is not cannot search at all), with no IG officer of its own.
    AgreementPartner.objects.create(
        agreement=agreement, agency=housing.agency, role=AgreementPartner.Role.USER
    )
    for agency in (region.police.agency, region.health.agency):
        AgreementPartner.objects.create(agreement=agreement, agency=agency, role=AgreementPartner.Role.USER)
    state_purpose(client, housing)
    for person in region.people[:4]:
        look(client, person)
    (alert,) = OversightAlert.objects.all()
    assert (alert.agency, alert.subject) == (host, housing)
    assert [m.to for m in mail.outbox] == [[host_ig.email]]


def test_many_people_looked_at_with_nothing_done_after(client, region, settings):
    settings.MAST_OVERSIGHT_NO_ACTION_LIMIT = 4
    settings.MAST_OVERSIGHT_NO_ACTION_GRACE_HOURS = 0
    state_purpose(client, region.practitioner)
    searched(region.practitioner, region.people[:5])
    for person in region.people[:3]:
        look(client, person)
    assert rules_raised() == []
    look(client, region.people[3])
    (alert,) = OversightAlert.objects.all()
    assert alert.rule == Rule.NO_ACTION
    assert "looked at 4 people in the 24 hours before" in alert.summary
    assert "sent no request or referral, and wrote no note, about any of them" in alert.summary
    assert set(alert.people) == {str(p.public_id) for p in region.people[:4]}


def test_people_looked_at_and_then_asked_about_raise_no_follow_up_alert(client, region, settings):
    from mast.requests.models import Request

    settings.MAST_OVERSIGHT_NO_ACTION_LIMIT = 4
    settings.MAST_OVERSIGHT_NO_ACTION_GRACE_HOURS = 0
    state_purpose(client, region.practitioner)
    searched(region.practitioner, region.people[:5])
    for person in region.people[:4]:
        if person != region.people[3]:
            Request.objects.create(
                kind=Request.Kind.INFORMATION, person=person, from_user=region.practitioner,
                from_agency=region.police.agency, to_agency=region.health.agency, purpose_code="mash_triage",
                purpose_reference="CASE-0042", question="Is this child known to your service?",
            )  # fmt: skip
        look(client, person)
    assert rules_raised() == []


def test_the_harvesting_rules_count_a_looks_recent_use_in_one_statement(client, region, settings):
    """Volume, unopened-without-a-search and looks-with-no-later-action each counted the user's recent looks
    with a statement of its own on every person page; one statement counts for all three (ADR 0043). Each
    count still decides its rule: below every threshold here, nothing is raised."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.MAST_WORKING_HOURS, settings.MAST_WORKING_WEEKENDS = "00:00-23:59", True
    state_purpose(client, region.practitioner)
    searched(region.practitioner, region.people[:3])
    look(client, region.people[0])

    with CaptureQueriesContext(connection) as queries:
        look(client, region.people[1])

    reading_shown = [q["sql"] for q in queries.captured_queries if 'FROM "oversight_shown"' in q["sql"]]
    assert len(reading_shown) == 1, reading_shown
    assert rules_raised() == []


def test_the_rules_read_the_looked_at_persons_records_and_the_users_profile_once(client, region, settings):
    """Own family, a MAST user's home, restricted records: three rules read the same records of the person
    looked at, and two the user's profile; once each per event, in the worker as in a request (ADR 0043)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mast.audit.models import AuditEvent
    from mast.oversight.rules import check

    settings.MAST_WORKING_HOURS, settings.MAST_WORKING_WEEKENDS = "00:00-23:59", True
    UserProfile.objects.create(user=region.practitioner, home_postcode="ZZ9 9ZZ")
    state_purpose(client, region.practitioner)
    searched(region.practitioner, region.people[:1])
    look(client, region.people[0])
    event = AuditEvent.objects.filter(action="view_person").latest("sequence")

    with CaptureQueriesContext(connection) as queries:
        check(event)

    statements = [q["sql"] for q in queries.captured_queries]
    assert len([s for s in statements if 'FROM "feeds_partnerrecord"' in s]) == 1, statements
    own_profile = 'FROM "oversight_userprofile" WHERE "oversight_userprofile"."user_id" ='
    assert len([s for s in statements if own_profile in s]) == 1, statements
