"""The alerts pages: the list with its unread count, one alert marked read as it is opened, and muting; each
read through the gate and audited once, with the implied purpose of responding to alerts."""

import pytest
from django.core import mail
from django.urls import reverse

from mast.access.models import Role
from mast.alerts.models import Alert, AlertMute
from mast.audit.models import AuditEvent
from mast.feeds.models import Involvement
from mast.identity.models import Person, PersonLink
from tests.alerts.conftest import csc_case, police_incident
from tests.factories.access import make_user
from tests.factories.alerts import world
from tests.signing_in import signed_in_with_factor

pytestmark = pytest.mark.django_db
# A person with an open case and a new incident, alerted (tests/factories/alerts.py).
__all__ = ["world"]


def events_after(before: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(sequence__gt=before))


def last_sequence() -> int:
    return AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0


def test_the_list_shows_the_alert_and_the_navigation_counts_it(world, client):
    signed_in_with_factor(client, world["dana"])
    before = last_sequence()

    page = client.get(reverse("web:alerts")).content.decode()

    assert "Adaline Quillfeather" in page and "Testshire Police" in page and "Domestic abuse" in page
    assert "Alerts (1 new)" in page
    (event,) = events_after(before)
    assert (event.action, event.purpose_code, event.purpose_reference) == ("view_alerts", "alerts", "")
    assert event.detail["alerts"] == [world["alert"].pk]


def test_opening_an_alert_marks_it_read_and_links_to_the_person(world, client):
    signed_in_with_factor(client, world["dana"])
    before = last_sequence()

    page = client.get(reverse("web:alert", args=[world["alert"].pk])).content.decode()

    assert "Testshire Police is now involved with Adaline Quillfeather" in page
    assert reverse("web:person", args=[world["person"].public_id]) in page
    assert "PC Lark" in page  # whom to contact at the newly involved agency
    world["alert"].refresh_from_db()
    assert world["alert"].read_at is not None
    assert len(events_after(before)) == 1
    assert "Alerts (1 new)" not in client.get(reverse("web:alerts")).content.decode()


def test_another_users_alert_is_not_found_and_nothing_is_audited(world, client):
    signed_in_with_factor(client, world["stranger"])
    before = last_sequence()
    assert client.get(reverse("web:alert", args=[world["alert"].pk])).status_code == 404
    assert events_after(before) == []
    world["alert"].refresh_from_db()
    assert world["alert"].read_at is None


def test_a_restricted_new_involvement_shows_only_whom_to_contact(world, client):
    Involvement.objects.filter(pk=world["alert"].new_involvement_id).update(restricted=True)
    signed_in_with_factor(client, world["dana"])
    page = client.get(reverse("web:alert", args=[world["alert"].pk])).content.decode()
    assert "restricted the details" in page
    assert "PC Lark" not in page and "Domestic abuse" not in page


def test_muting_stops_alerts_and_unmuting_brings_them_back(world, client):
    signed_in_with_factor(client, world["dana"])
    person = world["person"]
    before = last_sequence()

    response = client.post(reverse("web:alert-mute", args=[person.public_id]), {"back": world["alert"].pk})

    assert response["Location"] == reverse("web:alert", args=[world["alert"].pk])
    assert AlertMute.objects.filter(user=world["dana"], person=person).exists()
    (event,) = events_after(before)
    assert (event.action, event.detail["muted"]) == ("mute_alerts", True)
    page = client.get(reverse("web:alerts")).content.decode()
    assert "People you have muted" in page and "Muted" in page

    client.post(reverse("web:alert-unmute", args=[person.public_id]))
    assert not AlertMute.objects.exists()


def test_no_one_can_mute_a_person_they_were_never_alerted_about(world, client):
    signed_in_with_factor(client, world["stranger"])
    response = client.post(reverse("web:alert-mute", args=[world["person"].public_id]))
    assert response.status_code == 302 and not AlertMute.objects.exists()


def test_only_practitioners_see_alerts_in_the_navigation(world, client):
    signed_in_with_factor(client, make_user(Role.FEED_OWNER))
    assert "Alerts" not in client.get(reverse("web:home")).content.decode()
    assert client.get(reverse("web:alerts")).status_code == 403


def test_from_a_feed_load_to_the_alert_page(partners, csc_worker, client):
    """The whole way: two partners' files, the email's link, the list and the alert."""
    partners.load(partners.childrens, [csc_case()])
    partners.load(partners.police, [police_incident()])
    (email,) = mail.outbox
    assert reverse("web:alerts") in email.body

    signed_in_with_factor(client, csc_worker)
    page = client.get(reverse("web:alerts")).content.decode()
    assert "Robin Quillfeather" in page and "Testshire Constabulary" in page
    alert = Alert.objects.get()
    assert "Robin Quillfeather" in client.get(reverse("web:alert", args=[alert.pk])).content.decode()


def test_after_a_merge_the_alert_points_at_the_surviving_person_and_muting_follows(world, client):
    survivor = Person.objects.create()
    Person.objects.filter(pk=world["person"].pk).update(status=Person.Status.MERGED, merged_into=survivor)
    PersonLink.objects.update(person=survivor)
    signed_in_with_factor(client, world["dana"])

    page = client.get(reverse("web:alert", args=[world["alert"].pk])).content.decode()
    assert reverse("web:person", args=[survivor.public_id]) in page

    client.post(reverse("web:alert-mute", args=[survivor.public_id]))
    assert AlertMute.objects.get().person == survivor
    client.post(reverse("web:alert-unmute", args=[survivor.public_id]))
    assert not AlertMute.objects.exists()
