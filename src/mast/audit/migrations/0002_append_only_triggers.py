"""Database triggers that refuse to change or delete audit events, whoever asks: the application's own
refusals cover Django code, these cover a database shell or a script that goes around it.

The only way past them is a maintenance switch that the test suite turns on so that it can empty its throwaway
databases between tests (see mast.audit.maintenance); nothing in the application turns it on."""

from django.db import migrations

TABLE = "audit_auditevent"


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            schema_editor.execute(
                f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON {TABLE} "
                "WHEN NOT mast_audit_maintenance() "
                f"BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"
            )
    elif vendor == "postgresql":
        schema_editor.execute(
            "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$ "
            "BEGIN IF coalesce(current_setting('mast.audit_maintenance', true), '') = 'on' THEN RETURN NULL; END IF; "
            "RAISE EXCEPTION 'audit events are append-only'; END $$ LANGUAGE plpgsql"
        )
        schema_editor.execute(
            f"CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {TABLE} "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()"
        )


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for verb in ("update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS audit_event_no_{verb}")
    elif vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS audit_event_append_only ON {TABLE}")
        schema_editor.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(create_triggers, drop_triggers)]
