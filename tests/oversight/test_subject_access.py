"""The subject-access pack (everything MAST holds about a person, and who was shown them, as CSV and PDF), and
an agency's own download of who looked at the people it holds records of."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from pypdf import PdfReader

from mast.audit.models import AuditEvent
from mast.requests.models import Request
from tests.factories.people import page_text
from tests.oversight.conftest import REASON, break_glass, look, searched, state_purpose
from tests.signing_in import signed_in_with_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def looked_at(client, region, restricted_person, named):
    """The police practitioner searched, looked at Dee Moss and Ada Quill, broke the glass on Dee's NHS
    record, and asked the NHS trust about her."""
    state_purpose(client, region.practitioner, reference="CASE-0042")
    searched(region.practitioner, [restricted_person, region.people[0]], terms={"family_name": "=Moss()"})
    look(client, restricted_person)
    look(client, region.people[0])
    break_glass(client, restricted_person, REASON)
    Request.objects.create(
        kind=Request.Kind.INFORMATION, person=restricted_person, from_user=region.practitioner,
        from_agency=region.police.agency, to_agency=region.health.agency, purpose_code="mash_triage",
        purpose_reference="CASE-0042", question="Is Dee open to your outreach team?",
    )  # fmt: skip
    client.logout()
    return restricted_person


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_subject_access_pack_as_csv_holds_their_records_and_who_was_shown_them(client, region, looked_at):
    signed_in_with_factor(client, region.ig)
    rows = _csv(client.get(reverse("web:subject-access-csv", args=[looked_at.public_id])))
    assert rows[0] == ["Part", "When", "Agency", "What", "Details", "Restricted by the agency"]
    parts = {row[0] for row in rows[1:]}
    assert {
        "Record held by a partner",
        "Involvement",
        "Request or referral about them",
        "Shown to someone",
    } <= parts
    records = [row for row in rows if row[0] == "Record held by a partner"]
    assert sorted(row[2] for row in records) == ["Testshire NHS", "Testshire Police"]
    (restricted,) = [row for row in rows if row[0] == "Involvement" and row[5] == "Yes"]
    assert restricted[2] == "Testshire NHS" and "Nurse Ophelia Vale" in restricted[4]
    assert any("Is Dee open to your outreach team?" in row[4] for row in rows)
    shown = [row for row in rows if row[0] == "Shown to someone"]
    assert any(row[3].startswith("Opened their restricted records") and REASON in row[4] for row in shown)
    assert any(row[3].startswith("Shown in search results: Pat Quill") for row in shown)
    # A search term typed as a formula is text in the spreadsheet, never run.
    assert not any(cell.startswith("=") for row in rows for cell in row)
    event = AuditEvent.objects.get(action="export_subject_access")
    assert (event.purpose_code, event.target, event.detail["format"]) == (
        "subject_access", f"person:{looked_at.public_id}", "csv"
    )  # fmt: skip


def test_the_subject_access_pack_as_pdf_reads_as_the_csv_does(client, region, looked_at):
    signed_in_with_factor(client, region.ig)
    page = page_text(client.get(reverse("web:who-viewed", args=[looked_at.public_id])))
    assert "Subject-access pack" in page
    response = client.get(reverse("web:subject-access-pdf", args=[looked_at.public_id]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "Subject-access pack: Dee Moss" in text and "Restricted by the agency" in text
    assert "Nurse Ophelia Vale" in text and "Pat Quill" in text and "Reason given:" in text
    assert AuditEvent.objects.filter(action="export_subject_access", detail__format="pdf").count() == 1


def test_an_agency_downloads_who_looked_at_the_people_it_holds_records_of(client, region, looked_at):
    signed_in_with_factor(client, region.health_ig)
    assert "How your agency's records were used" in page_text(client.get(reverse("web:agency-use")))
    today = date.today()
    dates = {"since": (today - timedelta(days=7)).strftime("%d/%m/%Y"), "until": today.strftime("%d/%m/%Y")}
    rows = _csv(client.get(reverse("web:agency-use-csv"), dates))
    people = {row[1] for row in rows[1:]}
    # Dee has an NHS record; Ada, also looked at, has none, so the NHS trust is not told of her.
    assert people == {str(looked_at.public_id)}
    assert {row[6] for row in rows[1:]} >= {
        "Looked at their record",
        "Opened their restricted records (break glass)",
    }
    assert all(row[2] == "Pat Quill" and row[4] == "Testshire Police" for row in rows[1:])
    event = AuditEvent.objects.get(action="export_agency_use")
    assert event.detail == {"since": (today - timedelta(days=7)).isoformat(), "until": today.isoformat()}
    # Nothing before the dates chosen; dates the wrong way round are refused with a clear message.
    earlier = {"since": "01/01/2020", "until": "31/01/2020"}
    assert len(_csv(client.get(reverse("web:agency-use-csv"), earlier))) == 1
    wrong = page_text(
        client.get(reverse("web:agency-use-csv"), {"since": "10/11/2026", "until": "1/11/2026"})
    )
    assert "The end date must be the same as or after the start date" in wrong
