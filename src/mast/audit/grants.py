"""On PostgreSQL, the application's own database role may read and add audit events but never change or remove
them: not through MAST, and not through a shell opened with the application's credentials.

The triggers in migration 0002 refuse changes for everyone, but a trigger can be switched off (the maintenance
setting) or dropped by whoever owns the table. So the schema is owned by a migration role that the running
application does not use, and the application's role is granted SELECT and INSERT on the audit table and
nothing more, but the right to call the owner's `mast_audit_redact`, the retention purge's redaction of
events over a year old (ASVS 16.4.2). Only the owner, or a superuser, can then change the log, and the signed
checkpoints outside the database catch even them (mast.audit.checkpoint).
"""

from dataclasses import dataclass

from django.db import connection
from psycopg import sql

TABLE = "audit_auditevent"


@dataclass(frozen=True)
class RoleRights:
    role: str
    can_change: bool
    can_add: bool
    owns_table: bool
    superuser: bool

    @property
    def append_only(self) -> bool:
        return not (self.can_change or self.owns_table or self.superuser) and self.can_add


def lock_down(role: str) -> RoleRights:
    """Grant `role` SELECT and INSERT on the audit log and revoke everything else (from PUBLIC too)."""
    if connection.vendor != "postgresql":
        raise ValueError("Database roles and grants are PostgreSQL's; SQLite has no users to restrict.")
    name = sql.Identifier(role)
    table = sql.Identifier(TABLE)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [TABLE])
        (sequence,) = cursor.fetchone()
        for statement in (
            sql.SQL("REVOKE ALL ON {} FROM PUBLIC").format(table),
            sql.SQL("REVOKE ALL ON {} FROM {}").format(table, name),
            sql.SQL("GRANT SELECT, INSERT ON {} TO {}").format(table, name),
            # The retention purge's redaction (mast.audit.redaction) runs as the owner through this one
            # function (migration 0004), which redacts only events over a year old: no UPDATE is granted.
            sql.SQL("REVOKE ALL ON FUNCTION mast_audit_redact(timestamptz) FROM PUBLIC"),
            sql.SQL("GRANT EXECUTE ON FUNCTION mast_audit_redact(timestamptz) TO {}").format(name),
            sql.SQL("GRANT USAGE, SELECT ON SEQUENCE {} TO {}").format(sql.SQL(sequence), name),
        ):
            cursor.execute(statement)
    return rights_of(role)


def rights_of(role: str) -> RoleRights:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT has_table_privilege(%s, %s, 'UPDATE') OR has_table_privilege(%s, %s, 'DELETE') "
            "OR has_table_privilege(%s, %s, 'TRUNCATE'), has_table_privilege(%s, %s, 'INSERT'), "
            "pg_get_userbyid(c.relowner) = %s, r.rolsuper "
            "FROM pg_class c, pg_roles r WHERE c.relname = %s AND r.rolname = %s",
            [role, TABLE] * 4 + [role, TABLE, role],
        )
        can_change, can_add, owns, superuser = cursor.fetchone()
    return RoleRights(role, can_change, can_add, owns, superuser)


def current_role() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        return cursor.fetchone()[0]
