"""The audit log holds: events chain, nobody can change or delete them, and verifying finds tampering."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from mast.audit import chain
from mast.audit.models import AuditEvent, AuditLogIsAppendOnly
from tests.audit_triggers import audit_triggers_off
from tests.factories.access import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def events():
    user = make_user(username="mash.worker")
    return [
        chain.append(
            user=user,
            action="view_person",
            target=f"person:{n}",
            detail={"terms": {"family_name": "Examplar"}},
            purpose_code="mash_triage",
            purpose_reference=f"REF-{n}",
            ip_address="127.0.0.1",
        )
        for n in range(3)
    ]


def test_each_event_follows_from_the_one_before(events):
    assert [e.sequence for e in events] == [1, 2, 3]
    assert events[0].previous_hash == chain.GENESIS
    assert events[1].previous_hash == events[0].hash
    assert events[2].previous_hash == events[1].hash
    assert list(chain.verify()) == []


def test_the_event_records_who_what_why_and_from_where(events):
    event = AuditEvent.objects.get(sequence=2)
    assert (event.username, event.role, event.action, event.target) == (
        "mash.worker",
        "practitioner",
        "view_person",
        "person:1",
    )
    assert (event.purpose_code, event.purpose_reference, event.ip_address) == (
        "mash_triage",
        "REF-1",
        "127.0.0.1",
    )
    assert event.agency


def test_the_application_refuses_to_change_or_delete_events(events):
    event = AuditEvent.objects.get(sequence=1)
    event.target = "person:someone-else"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(sequence=1).update(target="x")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(sequence=1).target == "person:0"


def test_the_database_refuses_changes_that_go_around_the_application(events):
    for sql in (
        "UPDATE audit_auditevent SET target = 'x' WHERE sequence = 1",
        "DELETE FROM audit_auditevent WHERE sequence = 2",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as c,
        ):
            c.execute(sql)
    assert AuditEvent.objects.count() == 3


def _tamper(sql: str, params=()) -> None:
    # What an attacker with database access could do: switching the triggers off stands in for dropping them.
    with audit_triggers_off(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_verify_finds_an_edited_event(events, capsys):
    call_command("audit_verify")
    assert "intact: 3 events" in capsys.readouterr().out
    _tamper("UPDATE audit_auditevent SET purpose_reference = 'REF-OTHER' WHERE sequence = 2")
    breaks = list(chain.verify())
    assert [(b.sequence, b.problem) for b in breaks] == [
        (2, "its contents were changed after it was written")
    ]
    with pytest.raises(CommandError, match="not whole: 1 problem"):
        call_command("audit_verify")


def test_verify_finds_a_removed_event(events):
    _tamper("DELETE FROM audit_auditevent WHERE sequence = 2")
    problems = [(b.sequence, b.problem) for b in chain.verify()]
    assert (3, "event 2 is missing") in problems
    assert (3, "it does not follow from the event before it") in problems


def test_a_rewritten_tail_does_not_verify_against_the_chain(events):
    """Re-hashing an edited event is not enough: the next event still names the old hash."""
    first = AuditEvent.objects.get(sequence=1)
    values = {name: getattr(first, name) for name in chain.HASHED_FIELDS}
    values["target"] = "person:forged"
    values["sealed"] = chain.seal(first.salt, values)
    forged = chain.event_hash(first.previous_hash, values)
    _tamper(
        "UPDATE audit_auditevent SET target = 'person:forged', sealed = %s, hash = %s WHERE sequence = 1",
        [values["sealed"], forged],
    )
    assert [(b.sequence, b.problem) for b in chain.verify()] == [
        (2, "it does not follow from the event before it")
    ]


@pytest.mark.django_db(transaction=True)
def test_the_triggers_are_on_in_a_test_that_commits_until_its_database_is_emptied():
    chain.append(user=make_user(username="ig.officer"), action="view_audit", target="audit", detail={})
    with pytest.raises(DatabaseError, match="append-only"), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.count() == 1
