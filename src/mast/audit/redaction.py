"""The retention purge's part in the audit log: events older than the cut-off lose whom and what they were
about, and keep who did it, when, what kind of thing, why (the purpose code) and their place in the chain.

An event's hash covers its personal fields only through their seal (mast.audit.chain.seal), so emptying them
and dropping the salt leaves the hash, and every later one, true: `mast audit_verify` still passes, and
still catches any other change. The database triggers let through this one shape of change and no other
(migration 0004). Events written before seals existed cannot be redacted without breaking the chain; they
are counted and left, and the purge's record says how many (ADR 0026).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone

from mast.audit.models import AuditEvent


@dataclass(frozen=True)
class Redacted:
    redacted: int
    # Older than the cut-off, written before seals: kept whole, since redacting them would break the chain.
    kept_unsealed: int


# The database refuses to redact younger events (migration 0004), whatever the retention period says.
YOUNGEST_MONTHS = 12


class TooRecent(ValueError):
    pass


def redact_before(cutoff: date) -> Redacted:
    start = timezone.make_aware(datetime.combine(cutoff, time.min))
    if start > timezone.now() - timedelta(days=365):
        raise TooRecent(f"Audit events less than {YOUNGEST_MONTHS} months old are not redacted.")
    with transaction.atomic():
        old = AuditEvent.objects.filter(at__lt=start, redacted_at__isnull=True)
        unsealed = old.filter(sealed__isnull=True).count()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # As the table's owner, through the one function the application's role may call.
                cursor.execute("SELECT mast_audit_redact(%s)", [start])
                (redacted,) = cursor.fetchone()
            else:
                cursor.execute(
                    f"UPDATE {AuditEvent._meta.db_table} SET target = '', detail = '{{}}', "  # noqa: S608
                    "purpose_reference = '', ip_address = NULL, salt = NULL, redacted_at = %s "
                    "WHERE at < %s AND redacted_at IS NULL AND sealed IS NOT NULL",
                    [timezone.now(), start],
                )
                redacted = cursor.rowcount
    return Redacted(redacted, unsealed)
