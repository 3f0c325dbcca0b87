"""`mast audit_lock_down --role mast_app`: on PostgreSQL, let the application's database role add and read
audit events but never change or delete them. Run it as the role that owns the schema (the one migrations run
as), after each `mast migrate`."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from mast.audit.grants import lock_down


class Command(BaseCommand):
    help = (
        "Grant the application's PostgreSQL role SELECT and INSERT only on the audit log (no UPDATE, DELETE, "
        "TRUNCATE)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--role", required=True, help="the PostgreSQL role the running application uses")

    def handle(self, *args, role: str, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "This is for PostgreSQL: SQLite has no database users (see docs/audit-and-oversight.md)."
            )
        rights = lock_down(role)
        if not rights.append_only:
            why = (
                "it owns the audit table"
                if rights.owns_table
                else "it is a superuser"
                if rights.superuser
                else "it still holds UPDATE, DELETE or TRUNCATE through another grant"
            )
            raise CommandError(
                f"Grants were set, but {role} can still change audit events: {why}. Run the application as "
                "a role that does not own the schema and is not a superuser."
            )
        self.stdout.write(f"{role} may now read and add audit events, and cannot change or delete them.")
