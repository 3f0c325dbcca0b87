"""The IG officer's oversight pages: an alert's life cycle (open, read, closed with an outcome and a note,
never deleted), who looked at a person and why (names, plain words, search terms, CSV that a spreadsheet
cannot run), and the audit log in plain words with its own export."""

import csv
import io

import pytest
from django.urls import reverse

from mast.audit.models import AuditEvent
from mast.oversight.models import AlertsAreKept, OversightAlert
from tests.factories.people import page_text
from tests.oversight.conftest import look, searched, state_purpose
from tests.signing_in import signed_in_with_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def harvested(client, region):
    """The practitioner opened four people by URL, with no search: an alert for the police's IG officers."""
    state_purpose(client, region.practitioner, reference="CASE-0042")
    for person in region.people[:4]:
        look(client, person)
    client.logout()
    return OversightAlert.objects.get()


def test_an_ig_officer_reads_and_closes_an_alert_and_the_closing_is_audited(client, region, harvested):
    signed_in_with_factor(client, region.ig)
    listing = page_text(client.get(reverse("web:oversight-alerts")))
    assert "Open (1)" in listing and "People or addresses opened without a search" in listing
    assert "Pat Quill" in listing
    url = reverse("web:oversight-alert", args=[harvested.public_id])
    shown = page_text(client.get(url))
    assert "Ada Quill" in shown and "Looked at a person's record" in shown and "CASE-0042" in shown
    refused = page_text(client.post(url, {"outcome": "", "note": "ok"}))
    assert "Select what you found" in refused and "in 10 characters or more" in refused
    before = AuditEvent.objects.count()
    note = "Spoke to Pat: looking for a sibling group in the MASH contact; legitimate."
    assert client.post(url, {"outcome": "legitimate", "note": note}).status_code == 302
    harvested.refresh_from_db()
    assert (harvested.status, harvested.outcome, harvested.note, harvested.closed_by) == (
        "closed", "legitimate", note, region.ig
    )  # fmt: skip
    event = AuditEvent.objects.get(sequence__gt=before, action="close_oversight_alert")
    assert event.username == region.ig.username and event.detail["outcome"] == "legitimate"
    assert "Closed Legitimate: part of their work, by Iggy" in page_text(client.get(url))
    # A closed alert stays closed; none is ever deleted.
    again = page_text(client.post(url, {"outcome": "escalated", "note": "Changing my mind later on."}))
    assert "Close this alert" not in again
    OversightAlert.objects.get().refresh_from_db()
    assert OversightAlert.objects.get().outcome == "legitimate"
    with pytest.raises(AlertsAreKept):
        harvested.delete()
    with pytest.raises(AlertsAreKept):
        OversightAlert.objects.all().delete()


def test_another_agencys_ig_officer_cannot_see_or_close_the_alert(client, region, harvested):
    signed_in_with_factor(client, region.health_ig)
    url = reverse("web:oversight-alert", args=[harvested.public_id])
    assert client.get(url).status_code == 404
    assert (
        client.post(url, {"outcome": "legitimate", "note": "Nothing to see here at all."}).status_code == 404
    )
    assert "no open alerts" in page_text(client.get(reverse("web:oversight-alerts")))
    assert OversightAlert.objects.get().status == "open"


def test_an_ig_officer_does_not_close_an_alert_about_their_own_use(client, region, harvested):
    OversightAlert.objects.filter(pk=harvested.pk).update(subject=region.ig)
    signed_in_with_factor(client, region.ig)
    url = reverse("web:oversight-alert", args=[harvested.public_id])
    assert "another IG officer of your agency closes it" in page_text(client.get(url))
    client.post(url, {"outcome": "legitimate", "note": "Closing my own alert quietly."})
    assert OversightAlert.objects.get().status == "open"


def test_who_looked_at_a_child_and_why(client, region):
    child = region.people[0]
    state_purpose(client, region.practitioner, reference="CASE-0042")
    searched(
        region.practitioner, [child], terms={"family_name": '=HYPERLINK("http://x")', "postcode": "ZZ1 1AB"}
    )
    look(client, child)
    signed_in_with_factor(client, region.ig)
    text = page_text(client.get(reverse("web:who-viewed", args=[child.public_id])))
    assert "Who looked, and why Ada Quill" in text
    assert "2 times shown, newest first" in text
    assert (
        "Pat Quill Practitioner, Testshire Police Looked at their record CASE-0042 Deciding what to do"
        in text
    )
    assert 'Shown in search results Searched for: last name =HYPERLINK("http://x"), postcode ZZ1 1AB' in text
    response = client.get(reverse("web:who-viewed-csv", args=[child.public_id]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:6] == ["When (UTC)", "Who", "Username", "Agency", "Role", "What"]
    assert [r[5] for r in rows[1:]] == ["Looked at their record", "Shown in search results"]
    # A search term typed as a formula is shown in a spreadsheet, never run.
    assert rows[2][8].startswith("'last name =HYPERLINK") or rows[2][8].startswith("last name =HYPERLINK")
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    exported = AuditEvent.objects.filter(action="export_who_viewed").get()
    assert exported.target == f"person:{child.public_id}" and exported.username == region.ig.username


def test_the_audit_log_speaks_in_names_and_plain_words_and_exports(client, region):
    child = region.people[0]
    state_purpose(client, region.practitioner, reference="CASE-0042")
    searched(region.practitioner, [child])
    look(client, child)
    signed_in_with_factor(client, region.ig)
    text = page_text(client.get(reverse("web:audit-log")))
    assert "Pat Quill" in text and "Looked at a person's record Ada Quill" in text
    assert "Searched for people last name Quill" in text
    assert "Deciding what to do about a contact or referral (MASH triage)" in text
    by_person = page_text(client.get(reverse("web:audit-log"), {"person": str(child.public_id)}))
    assert "1 event, newest first" in by_person
    response = client.get(reverse("web:audit-export"), {"username": region.practitioner.username})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    # Newest first; their signing in (audited too) comes before them.
    assert [r[5] for r in rows[1:3]] == ["Looked at a person's record", "Searched for people"]
    assert AuditEvent.objects.filter(action="export_audit_log").count() == 1


def test_every_action_the_policy_knows_has_plain_words():
    from mast.gate.policy import Action
    from mast.oversight.words import ACTIONS

    assert sorted(set(map(str, Action)) - set(ACTIONS)) == []


def test_the_closed_alerts_stay_closed_alerts_from_page_to_page(client, region):
    for n in range(30):
        OversightAlert.objects.create(
            rule=OversightAlert.Rule.OUT_OF_HOURS, agency=region.police.agency, subject=region.practitioner,
            summary=f"Closed alert {n}", status="closed", outcome="legitimate", note="Night shift, on rota.",
        )  # fmt: skip
    OversightAlert.objects.create(
        rule=OversightAlert.Rule.WATCHED, agency=region.police.agency, subject=region.practitioner,
        summary="The one open alert",
    )  # fmt: skip
    signed_in_with_factor(client, region.ig)
    first = client.get(reverse("web:oversight-alerts"), {"status": "closed"}).content.decode()
    assert 'href="?status=closed&amp;page=2"' in first
    second = page_text(client.get(reverse("web:oversight-alerts"), {"status": "closed", "page": 2}))
    assert "30 closed alerts" in second and "The one open alert" not in second
