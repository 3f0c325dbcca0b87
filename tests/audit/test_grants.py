"""On PostgreSQL, the application's role cannot change or delete audit events even with the triggers' switch
on: only grants stop a database user, and the application's role has SELECT and INSERT alone."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from mast.audit import chain
from mast.audit.grants import rights_of
from mast.audit.models import AuditEvent
from tests.factories.access import make_user

pytestmark = pytest.mark.django_db
APP_ROLE = "mast_app_under_test"


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "database roles are PostgreSQL's; SQLite has no users (its file is guarded by checkpoints)"
        )


@pytest.fixture
def app_role():
    with connection.cursor() as cursor:
        cursor.execute(f"DROP ROLE IF EXISTS {APP_ROLE}")
        cursor.execute(f"CREATE ROLE {APP_ROLE} NOLOGIN")
        # What an operator grants the application on every table, before locking the audit log down.
        cursor.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {APP_ROLE}")
        cursor.execute(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE}")
    return APP_ROLE


def _as_app(sql: str, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {APP_ROLE}")
        # The switch that lets the suite empty its databases turns the triggers off: grants must hold alone.
        cursor.execute("SET LOCAL mast.audit_maintenance = 'on'")
        cursor.execute(sql, params)


def test_before_lock_down_the_triggers_alone_do_not_stop_the_application_role(app_role):
    """Why grants are needed: anyone who can set the maintenance switch gets past the triggers."""
    chain.append(user=make_user(), action="view_person", target="person:1")
    assert rights_of(app_role).can_change
    _as_app("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.count() == 0


def test_the_application_role_can_add_but_not_change_delete_or_truncate(app_role, capsys):
    user = make_user()
    chain.append(user=user, action="view_person", target="person:1")
    call_command("audit_lock_down", "--role", app_role)
    assert "cannot change or delete them" in capsys.readouterr().out
    assert rights_of(app_role).append_only
    for sql in (
        "UPDATE audit_auditevent SET target = 'person:forged'",
        "DELETE FROM audit_auditevent",
        "TRUNCATE audit_auditevent",
        "DROP TRIGGER audit_event_append_only ON audit_auditevent",
    ):
        with pytest.raises(DatabaseError, match=r"permission denied|must be owner"):
            _as_app(sql)
    _as_app("SELECT count(*) FROM audit_auditevent")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {APP_ROLE}")
        chain.append(user=user, action="view_person", target="person:2")
    assert list(AuditEvent.objects.values_list("target", flat=True)) == ["person:1", "person:2"]
    assert list(chain.verify()) == []


def test_lock_down_refuses_to_call_the_owner_append_only(capsys):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (owner,) = cursor.fetchone()
    with pytest.raises(CommandError, match="can still change audit events"):
        call_command("audit_lock_down", "--role", owner)


def test_the_application_role_redacts_old_events_only_through_the_owners_function(app_role):
    """The retention purge runs as the application: it may redact events over a year old, nothing else."""
    chain.append(user=make_user(), action="view_person", target="person:1", purpose_reference="CASE-1")
    call_command("audit_lock_down", "--role", app_role)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {APP_ROLE}")
        cursor.execute("SELECT mast_audit_redact(now() + interval '1 day' - interval '10 years')")
        assert cursor.fetchone() == (0,)  # nothing that old
    with pytest.raises(DatabaseError, match="less than 12 months old are not redacted"):
        _as_app("SELECT mast_audit_redact(now())")
    assert AuditEvent.objects.get().purpose_reference == "CASE-1"
