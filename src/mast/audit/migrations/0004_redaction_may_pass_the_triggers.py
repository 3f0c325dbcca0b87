"""The append-only triggers let exactly one kind of change through: the retention purge's redaction of an
event's personal fields (mast.audit.redaction), which keeps the event's seal and hash so the chain verifies.

Any other change is refused as before, by anyone. A redaction must empty target, detail, case reference and
IP address, drop the salt and set `redacted_at`, on an event with a seal that is not yet redacted, and change
nothing else. On PostgreSQL the UPDATE check moves to a row trigger (a statement trigger cannot see rows);
DELETE and TRUNCATE keep the statement trigger.
"""

from django.db import migrations

TABLE = "audit_auditevent"
SAME = ("id", "sequence", "hash", "previous_hash", "sealed", "at", "username", "agency", "role", "action",
        "outcome", "purpose_code")  # fmt: skip
_SQLITE_SHAPE = " AND ".join(
    [*(f"NEW.{c} = OLD.{c}" for c in SAME), "NEW.user_id IS OLD.user_id", "OLD.sealed IS NOT NULL",
     "OLD.redacted_at IS NULL", "NEW.redacted_at IS NOT NULL", "NEW.target = ''", "NEW.detail = '{}'",
     "NEW.purpose_reference = ''", "NEW.ip_address IS NULL", "NEW.salt IS NULL",
     "OLD.at < datetime('now', '-12 months')"]
)  # fmt: skip
_PG_SHAPE = " AND ".join(
    [*(f"NEW.{c} = OLD.{c}" for c in SAME), "NEW.user_id IS NOT DISTINCT FROM OLD.user_id",
     "OLD.sealed IS NOT NULL", "OLD.redacted_at IS NULL", "NEW.redacted_at IS NOT NULL", "NEW.target = ''",
     "NEW.detail = '{}'::jsonb", "NEW.purpose_reference = ''", "NEW.ip_address IS NULL", "NEW.salt IS NULL",
     "OLD.at < now() - interval '12 months'"]
)  # fmt: skip


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        schema_editor.execute(
            f"CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON {TABLE} "
            f"WHEN NOT mast_audit_maintenance() AND NOT ({_SQLITE_SHAPE}) "
            "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"
        )
    elif vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS audit_event_append_only ON {TABLE}")
        schema_editor.execute(
            f"CREATE TRIGGER audit_event_append_only BEFORE DELETE OR TRUNCATE ON {TABLE} "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()"
        )
        schema_editor.execute(
            "CREATE OR REPLACE FUNCTION audit_event_only_redaction() RETURNS trigger AS $$ "
            "BEGIN IF coalesce(current_setting('mast.audit_maintenance', true), '') = 'on' THEN RETURN NEW; END IF; "
            f"IF {_PG_SHAPE} THEN RETURN NEW; END IF; "
            "RAISE EXCEPTION 'audit events are append-only'; END $$ LANGUAGE plpgsql"
        )
        schema_editor.execute(
            f"CREATE TRIGGER audit_event_only_redaction BEFORE UPDATE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION audit_event_only_redaction()"
        )
        # The purge runs as the application's role, which holds no UPDATE once the log is locked down
        # (mast.audit.grants): it calls this, which runs as the table's owner and does nothing else.
        schema_editor.execute(
            "CREATE OR REPLACE FUNCTION mast_audit_redact(cutoff timestamptz) RETURNS bigint "
            "LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$ DECLARE n bigint; BEGIN "
            "IF cutoff > now() - interval '12 months' THEN "
            "RAISE EXCEPTION 'audit events less than 12 months old are not redacted'; END IF; "
            f"UPDATE {TABLE} SET target = '', detail = '{{}}'::jsonb, purpose_reference = '', ip_address = NULL, "
            "salt = NULL, redacted_at = now() WHERE at < cutoff AND redacted_at IS NULL AND sealed IS NOT NULL; "
            "GET DIAGNOSTICS n = ROW_COUNT; RETURN n; END $$"
        )


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        schema_editor.execute(
            f"CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON {TABLE} WHEN NOT mast_audit_maintenance() "
            "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"
        )
    elif vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS mast_audit_redact(timestamptz)")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS audit_event_only_redaction ON {TABLE}")
        schema_editor.execute("DROP FUNCTION IF EXISTS audit_event_only_redaction()")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS audit_event_append_only ON {TABLE}")
        schema_editor.execute(
            f"CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {TABLE} "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()"
        )


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_sealed_personal_fields")]
    operations = [migrations.RunPython(forward, backward)]
