"""The retention purge redacts whom and what old audit events were about, and the log still verifies: each
event keeps who, when, what kind of thing and why, its seal and its hash. Nothing else can be changed."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from mast.audit import chain
from mast.audit.models import AuditEvent
from mast.audit.redaction import redact_before
from mast.feeds.retention import purge
from mast.oversight.models import Shown
from tests.audit_triggers import audit_triggers_off
from tests.factories.access import make_user

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 24)  # with 36 months' retention, the cut-off is 24 November 2023
LONDON = ZoneInfo("Europe/London")


def _dated(sequence: int, when: datetime) -> None:
    """An event written back then: its time is part of its hash, so the chain is re-made as it was."""
    with audit_triggers_off(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET at = %s WHERE sequence = %s", [when, sequence])
        cursor.execute("UPDATE oversight_shown SET at = %s WHERE event_id = %s", [when, sequence])
    previous = chain.GENESIS
    with audit_triggers_off(), connection.cursor() as cursor:
        for row in AuditEvent.objects.order_by("sequence"):
            values = {name: getattr(row, name) for name in chain.HASHED_FIELDS}
            values["sealed"] = row.sealed
            new = chain.event_hash(previous, values)
            cursor.execute(
                "UPDATE audit_auditevent SET previous_hash = %s, hash = %s WHERE sequence = %s",
                [previous, new, row.sequence],
            )
            previous = new


@pytest.fixture
def log():
    officer = make_user(first_name="Pat", last_name="Quill")
    person = "6f1c1f0e-8f5e-4f57-9a57-2b3e7a1c0d11"
    chain.append(user=officer, action="search_people", target="search", purpose_code="mash_triage",
                 purpose_reference="MASH-2023-0042", ip_address="192.0.2.7",
                 detail={"terms": {"family_name": "Moss"}, "people_shown": [person]})  # fmt: skip
    chain.append(user=officer, action="view_person", target=f"person:{person}", purpose_code="mash_triage",
                 purpose_reference="MASH-2023-0042")  # fmt: skip
    chain.append(user=officer, action="view_person", target=f"person:{person}", purpose_code="mash_triage",
                 purpose_reference="MASH-2024-0001")  # fmt: skip
    _dated(1, datetime(2023, 10, 2, 9, 0, tzinfo=LONDON))
    _dated(2, datetime(2023, 10, 2, 9, 1, tzinfo=LONDON))
    assert list(chain.verify()) == []
    return officer


def test_the_purge_redacts_old_events_and_the_chain_still_verifies(log, capsys):
    run = purge(today=TODAY)
    assert run.others_removed["audit events redacted"] == 2
    old = list(AuditEvent.objects.filter(sequence__lte=2).order_by("sequence"))
    assert [(e.target, e.detail, e.purpose_reference, e.ip_address, e.salt) for e in old] == [
        ("", {}, "", None, None)
    ] * 2
    # Who did what kind of thing, when and why is kept; so is each event's place in the chain.
    assert [(e.username, e.action, e.purpose_code) for e in old] == [
        (log.username, "search_people", "mash_triage"),
        (log.username, "view_person", "mash_triage"),
    ]
    recent = AuditEvent.objects.get(sequence=3)
    assert recent.purpose_reference == "MASH-2024-0001" and recent.redacted_at is None
    assert list(chain.verify()) == []
    call_command("audit_verify")
    assert "intact: 3 events" in capsys.readouterr().out
    # The who-viewed index of those events goes too.
    assert not Shown.objects.filter(event_id__lte=2).exists()
    assert run.others_removed["who-viewed index rows"] >= 2
    # Running it again finds nothing more to do.
    assert redact_before(date(2023, 11, 24)).redacted == 0


def test_anything_but_a_redaction_is_still_refused_and_still_caught(log):
    purge(today=TODAY)
    for sql in (
        "UPDATE audit_auditevent SET target = '' WHERE sequence = 3",  # half a redaction of a recent event
        "UPDATE audit_auditevent SET username = 'someone.else' WHERE sequence = 1",
        "UPDATE audit_auditevent SET target = 'person:back' WHERE sequence = 1",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as c,
        ):
            c.execute(sql)
    # An unredacted event whose personal fields are changed (triggers dropped) no longer matches its seal.
    with audit_triggers_off(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET purpose_reference = 'OTHER' WHERE sequence = 3")
    assert [(b.sequence, b.problem) for b in chain.verify()] == [
        (3, "its contents were changed after it was written")
    ]


def test_events_written_before_seals_are_kept_whole_and_counted(log):
    with audit_triggers_off(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET sealed = NULL, salt = NULL WHERE sequence = 1")
    _dated(1, datetime(2023, 10, 2, 9, 0, tzinfo=LONDON))
    assert list(chain.verify()) == []
    run = purge(today=TODAY)
    assert run.others_removed["audit events redacted"] == 1
    assert run.others_removed["audit events kept whole (written before seals)"] == 1
    assert AuditEvent.objects.get(sequence=1).purpose_reference == "MASH-2023-0042"
    assert list(chain.verify()) == []


def test_a_recent_cut_off_is_refused_and_the_purge_keeps_a_years_detail(log):
    with pytest.raises(ValueError, match="less than 12 months old are not redacted"):
        redact_before(date.today())
    run = purge(today=TODAY, retention_months=1)
    # Two events from October 2023 are past a year; the one written today keeps its detail.
    assert run.others_removed["audit events redacted"] == 2
    assert AuditEvent.objects.get(sequence=3).purpose_reference == "MASH-2024-0001"
