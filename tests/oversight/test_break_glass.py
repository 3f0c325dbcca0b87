"""Break glass: a practitioner opens another agency's restricted record only after giving a reason; the
owning agency's IG officers are told at once and see it, with the reason, in the person's "who viewed"."""

import pytest
from django.core import mail
from django.urls import reverse

from mast.audit.models import AuditEvent
from mast.oversight.models import OversightAlert, Shown
from tests.factories.people import page_text
from tests.oversight.conftest import REASON, break_glass, committed, searched, state_purpose
from tests.signing_in import signed_in_with_factor

pytestmark = pytest.mark.django_db


def test_a_practitioner_breaks_the_glass_with_a_reason_and_the_owning_agency_is_told(
    client, region, restricted_person, named
):
    state_purpose(client, region.practitioner, reference="CASE-0042")
    searched(region.practitioner, [restricted_person])
    person_url = reverse("web:person", args=[restricted_person.public_id])
    with committed():
        ordinary = page_text(client.get(person_url))
    assert "Known to Testshire NHS" in ordinary and "Nurse Ophelia Vale" not in ordinary
    assert "Open restricted records (break glass)" in ordinary
    mail.outbox.clear()
    # No reason, or too short a one, opens nothing and tells no one.
    before = AuditEvent.objects.count()
    refused = page_text(break_glass(client, restricted_person, "urgent"))
    assert "Say why in 20 characters or more" in refused and "Nurse Ophelia Vale" not in refused
    assert AuditEvent.objects.count() == before and mail.outbox == []

    opened = page_text(break_glass(client, restricted_person, REASON))
    assert "Nurse Ophelia Vale" in opened and "Sexual Health Outreach" in opened
    assert "You broke the glass" in opened
    event = AuditEvent.objects.get(action="break_glass")
    assert event.detail["reason"] == REASON and event.purpose_reference == "CASE-0042"
    assert Shown.objects.filter(event=event, how=Shown.How.BROKE_GLASS).count() == 1
    (alert,) = OversightAlert.objects.filter(rule=OversightAlert.Rule.BROKE_GLASS)
    assert (alert.agency, alert.subject) == (region.health.agency, region.practitioner)
    assert REASON in alert.summary and "CASE-0042" in alert.summary
    assert [m.to for m in mail.outbox] == [["ig@health.example"]]
    assert "Ophelia" not in mail.outbox[0].body and "Moss" not in mail.outbox[0].body

    # Only that page: the next ordinary look is restricted again.
    with committed():
        assert "Nurse Ophelia Vale" not in page_text(client.get(person_url))

    # The owning agency's IG officer sees it, with the reason, in the person's "who viewed".
    client.logout()
    signed_in_with_factor(client, region.health_ig)
    seen = page_text(client.get(reverse("web:who-viewed", args=[restricted_person.public_id])))
    assert "Opened their restricted records (break glass)" in seen and f"Reason given: {REASON}" in seen
    csv_text = b"".join(
        client.get(reverse("web:who-viewed-csv", args=[restricted_person.public_id])).streaming_content
    ).decode()
    assert "Break-glass reason" in csv_text and REASON in csv_text


def test_no_break_glass_without_a_stated_purpose_or_for_an_ig_officer(
    client, region, restricted_person, named
):
    signed_in_with_factor(client, region.practitioner)
    response = break_glass(client, restricted_person, REASON)
    assert response.status_code == 302 and reverse("web:purpose") in response["Location"]
    assert not AuditEvent.objects.filter(action="break_glass", outcome="allowed").exists()
    client.logout()
    signed_in_with_factor(client, region.ig)
    assert break_glass(client, restricted_person, REASON).status_code == 403
    assert AuditEvent.objects.filter(action="break_glass", outcome="denied").count() == 1
    assert not OversightAlert.objects.exists()


def test_a_person_with_nothing_restricted_offers_no_break_glass(client, region):
    state_purpose(client, region.practitioner)
    searched(region.practitioner, region.people[:1])
    with committed():
        shown = page_text(client.get(reverse("web:person", args=[region.people[0].public_id])))
    assert "Ada Quill" in shown and "break glass" not in shown
