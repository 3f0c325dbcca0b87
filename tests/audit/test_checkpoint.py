"""Signed checkpoints outside the database make the log provably whole: deleting the newest events, or editing
one and recomputing every hash after it, is caught by `mast audit_verify` at the first bad position."""

import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from mast.access.models import Role
from mast.audit import chain, checkpoint
from mast.audit.models import AuditEvent
from tests.audit_triggers import audit_triggers_off
from tests.factories.access import make_user

pytestmark = pytest.mark.django_db
KEY = "a-test-only-checkpoint-key-of-enough-length-0123456789"


@pytest.fixture
def store(tmp_path, settings):
    settings.MAST_AUDIT_CHECKPOINT_KEY = KEY
    settings.MAST_AUDIT_CHECKPOINT_DIR = str(tmp_path / "checkpoints")
    return tmp_path / "checkpoints"


def _append(n: int) -> None:
    user = make_user(username=f"worker{AuditEvent.objects.count()}")
    for i in range(n):
        chain.append(user=user, action="view_person", target=f"person:{i}", purpose_code="mash_triage")


def _rehash_from(sequence: int) -> None:
    """What an attacker with the database but not the key does after an edit: make the chain agree again."""
    rows = AuditEvent.objects.filter(sequence__gte=sequence).order_by("sequence")
    previous = AuditEvent.objects.get(sequence=sequence - 1).hash if sequence > 1 else chain.GENESIS
    # Switching the append-only triggers off stands in for an attacker dropping them.
    with audit_triggers_off(), connection.cursor() as cursor:
        for row in rows:
            values = {name: getattr(row, name) for name in chain.HASHED_FIELDS}
            values["sealed"] = chain.seal(row.salt, values)
            new = chain.event_hash(previous, values)
            cursor.execute(
                "UPDATE audit_auditevent SET previous_hash = %s, hash = %s, sealed = %s WHERE sequence = %s",
                [previous, new, values["sealed"], row.sequence],
            )
            previous = new


def test_an_intact_log_agrees_with_its_checkpoints(store, capsys):
    _append(3)
    call_command("audit_checkpoint")
    _append(2)
    call_command("audit_checkpoint")
    assert len(list(store.glob("checkpoint-*.json"))) == 2
    call_command("audit_verify")
    out = capsys.readouterr().out
    assert "intact: 5 events" in out and "agreeing with 2 signed checkpoint(s), the latest at event 5" in out


def test_deleting_the_newest_events_is_caught(store, capsys):
    _append(5)
    call_command("audit_checkpoint")
    with audit_triggers_off(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE sequence > 3")
    # The chain on its own still holds: this is what the checkpoint is for.
    assert list(chain.verify()) == []
    with pytest.raises(CommandError, match="first at event 4"):
        call_command("audit_verify")
    err = capsys.readouterr().err
    assert "Event 4: it is missing, and the checkpoint of" in err
    assert "saw the log reach event 5: events after 3 were deleted" in err


def test_an_edit_with_every_later_hash_recomputed_is_caught_at_its_stretch(store, monkeypatch, capsys):
    monkeypatch.setattr(checkpoint, "ANCHOR_EVERY", 2)
    _append(9)
    call_command("audit_checkpoint")
    with audit_triggers_off(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET target = 'person:someone-else' WHERE sequence = 5")
    _rehash_from(5)
    assert list(chain.verify()) == []
    with pytest.raises(CommandError, match="first at event 6"):
        call_command("audit_verify")
    err = capsys.readouterr().err
    assert "an event after 4 and no later than 6 was changed and the hashes after it recomputed" in err


def test_a_checkpoint_edited_to_match_a_rewritten_log_is_refused(store):
    _append(3)
    call_command("audit_checkpoint")
    written = next(store.glob("checkpoint-*.json"))
    body = json.loads(written.read_text())
    body["sequence"] = 2
    written.write_text(json.dumps(body))
    with pytest.raises(CommandError, match="signature does not match"):
        call_command("audit_verify")


def test_checkpoints_need_a_real_key(store, settings):
    settings.MAST_AUDIT_CHECKPOINT_KEY = "short"
    _append(1)
    with pytest.raises(CommandError, match="MAST_AUDIT_CHECKPOINT_KEY"):
        call_command("audit_checkpoint")
    assert not store.exists() or not list(store.glob("*.json"))


def test_without_a_checkpoint_verify_says_what_it_cannot_see(store, capsys):
    _append(2)
    call_command("audit_verify")
    assert "no checkpoint yet to check against" in capsys.readouterr().out


def test_each_checkpoint_is_emailed_to_the_ig_officers_without_personal_data(store):
    ig = make_user(Role.IG_OFFICER, email="ig.officer@example.org")
    make_user(Role.PRACTITIONER, email="practitioner@example.org")
    _append(4)
    call_command("audit_checkpoint")
    assert [m.to for m in mail.outbox] == [[ig.email]]
    head = AuditEvent.objects.order_by("-sequence").first()
    assert f"event {head.sequence:,}" in mail.outbox[0].body and head.hash in mail.outbox[0].body
    assert "person:" not in mail.outbox[0].body
