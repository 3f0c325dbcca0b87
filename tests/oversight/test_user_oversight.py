"""The IG officer's pages for what the misuse rules know of their users — declared homes, working hours of a
user or a team — and for watched people: each change is audited and makes its rule fire."""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mast.access.models import Team
from mast.audit.models import AuditEvent
from mast.oversight.hours import working_at
from mast.oversight.models import OversightAlert, TeamHours, UserProfile, WatchedPerson
from tests.factories.people import page_text
from tests.oversight.conftest import look, searched, state_purpose
from tests.signing_in import signed_in_with_factor

pytestmark = pytest.mark.django_db
Rule = OversightAlert.Rule


def _as_ig(client, region):
    client.logout()
    signed_in_with_factor(client, region.ig)


def test_a_home_declared_on_the_page_makes_a_look_at_their_own_family_raise_an_alert(client, region):
    _as_ig(client, region)
    listed = page_text(client.get(reverse("web:user-oversight")))
    assert "Pat Quill Practitioner, MASH No" in listed
    url = reverse("web:user-oversight-user", args=[region.practitioner.pk])
    bad = page_text(client.post(url, {"home_postcode": "ZZ1", "home_line_1": "1 Kiln Lane"}))
    assert "Enter a full postcode, like ZZ1 1AB" in bad
    assert client.post(url, {"home_postcode": "zz11ab", "home_line_1": "1 Kiln Lane"}).status_code == 302
    profile = UserProfile.objects.get(user=region.practitioner)
    assert (profile.home_postcode, profile.home_line_1) == ("ZZ1 1AB", "1 Kiln Lane")
    event = AuditEvent.objects.get(action="manage_user_oversight")
    assert event.detail["home"] == "declared" and event.purpose_code == "governance"
    assert "ZZ1" not in str(event.detail) and "Kiln" not in str(event.detail)

    client.logout()
    state_purpose(client, region.practitioner)
    searched(region.practitioner, region.people[:1])
    look(client, region.people[0])  # Ada Quill, at the practitioner's own postcode
    assert list(OversightAlert.objects.values_list("rule", flat=True)) == [Rule.OWN_FAMILY]


def test_team_hours_set_on_the_page_make_a_look_outside_them_raise_an_alert(client, region):
    team = Team.objects.create(agency=region.police.agency, name="MASH")
    _as_ig(client, region)
    url = reverse("web:user-oversight-team", args=[team.pk])
    half = page_text(client.post(url, {"works_from": "08:00"}))
    assert "Enter both times, or neither" in half
    same = page_text(client.post(url, {"works_from": "08:00", "works_until": "8.00"}))
    assert "The finishing time must differ from the starting time" in same
    assert "must be a time on the 24-hour clock" in page_text(client.post(url, {"works_from": "25:00"}))
    # A shift that ended an hour ago and starts again in two: now is outside it.
    now = timezone.localtime()
    start, end = (now + timedelta(hours=2)).time(), (now - timedelta(hours=1)).time()
    response = client.post(
        url,
        {"works_from": start.strftime("%H:%M"), "works_until": end.strftime("%H:%M"), "works_weekends": "on"},
    )
    assert response.status_code == 302
    hours = TeamHours.objects.get(team=team)
    assert hours.works_weekends
    assert AuditEvent.objects.get(action="manage_user_oversight").target == "team:MASH"
    assert "Their team's" in page_text(client.get(reverse("web:user-oversight")))

    client.logout()
    state_purpose(client, region.practitioner)  # Pat Quill works in the MASH team
    searched(region.practitioner, region.people[:1])
    look(client, region.people[0])
    assert list(OversightAlert.objects.values_list("rule", flat=True)) == [Rule.OUT_OF_HOURS]

    # Their own hours win over the team's: all day, every day, and the rule is quiet again.
    UserProfile.objects.create(
        user=region.practitioner, works_from=time(0, 0), works_until=time(23, 59), works_weekends=True
    )
    OversightAlert.objects.update(status="closed")
    look(client, region.people[0])
    assert OversightAlert.objects.filter(status="open").count() == 0 or now.time() >= time(23, 59)


def test_hours_that_pass_midnight_belong_to_the_day_they_start():
    night = (time(19, 0), time(8, 0), False)
    friday, saturday, sunday, monday = (datetime(2026, 11, d) for d in (27, 28, 29, 30))
    assert working_at(friday.replace(hour=23), *night)
    assert working_at(saturday.replace(hour=3), *night)  # Friday's night shift
    assert not working_at(saturday.replace(hour=23), *night)
    assert not working_at(monday.replace(hour=7), *night)  # Sunday's night: not a weekday team's
    assert not working_at(monday.replace(hour=12), *night)
    assert working_at(sunday.replace(hour=23), time(19, 0), time(8, 0), True)


def test_an_ig_officer_keeps_only_their_own_agencys_users(client, region):
    _as_ig(client, region)
    other = reverse("web:user-oversight-user", args=[region.health_ig.pk])
    assert client.get(other).status_code == 404
    listed = page_text(client.get(reverse("web:user-oversight")))
    assert region.ig2.get_full_name() in listed and region.health_ig.get_full_name() not in listed


def test_watching_a_person_from_the_page_alerts_on_every_look_until_stopped(client, region):
    person = region.people[1]
    _as_ig(client, region)
    form = page_text(client.get(reverse("web:watch-person", args=[person.public_id])))
    assert "Watch Ben Quill" in form
    assert "Choose why" in page_text(client.post(reverse("web:watch-person", args=[person.public_id]), {}))
    added = client.post(
        reverse("web:watch-person", args=[person.public_id]), {"reason": "in_the_news", "note": "Local news"}
    )
    assert added.status_code == 302
    entry = WatchedPerson.objects.get()
    assert (entry.person, entry.reason, entry.added_by) == (person.public_id, "in_the_news", region.ig)
    change = AuditEvent.objects.filter(action="manage_watched", detail__change="watched").get()
    assert change.target == f"person:{person.public_id}" and change.purpose_code == "governance"
    listed = page_text(client.get(reverse("web:watched-people")))
    assert "Ben Quill" in listed and "In the news" in listed and "Local news" in listed
    again = client.get(reverse("web:watch-person", args=[person.public_id]))
    assert "is watched already" in page_text(again)

    client.logout()
    state_purpose(client, region.practitioner)
    searched(region.practitioner, region.people[:2])
    look(client, person)
    assert list(OversightAlert.objects.values_list("rule", flat=True)) == [Rule.WATCHED]

    # Another agency's IG officer sees the entry but may not stop it.
    client.logout()
    signed_in_with_factor(client, region.health_ig)
    assert "Watched by another agency" in page_text(client.get(reverse("web:watched-people")))
    refused = client.post(reverse("web:watch-stop", args=[person.public_id]), follow=True)
    assert "Another agency watches this person" in page_text(refused)
    assert WatchedPerson.objects.exists()

    _as_ig(client, region)
    client.post(reverse("web:watch-stop", args=[person.public_id]))
    assert not WatchedPerson.objects.exists()
    assert AuditEvent.objects.filter(action="manage_watched", detail__change="stopped watching").count() == 1


def test_watching_someone_who_does_not_exist_is_a_404(client, region):
    _as_ig(client, region)
    missing = "00000000-0000-4000-8000-000000000000"
    assert client.get(reverse("web:watch-person", args=[missing])).status_code == 404
