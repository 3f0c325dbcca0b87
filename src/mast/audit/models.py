"""The audit log: one append-only, hash-chained event for every search, view, export and change.

Events are written only by `mast.audit.chain.append` (through the access gate) and never changed or deleted:
the model refuses it, its query set refuses it, and database triggers refuse it for anyone who goes around
Django. Each event carries the hash of the one before it, so a removed or altered event breaks the chain and
`mast audit_verify` says where.
"""

from django.conf import settings
from django.db import models


class AuditLogIsAppendOnly(Exception):
    """Raised on any attempt to change or delete an audit event."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditLogIsAppendOnly("Audit events cannot be changed.")

    def delete(self):
        raise AuditLogIsAppendOnly("Audit events cannot be deleted.")

    # bulk_update goes through update(); bulk_create would skip the chain.
    def bulk_create(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("Audit events are written one at a time, through the chain.")


class AuditEvent(models.Model):
    class Outcome(models.TextChoices):
        ALLOWED = "allowed", "Allowed"
        DENIED = "denied", "Refused"

    sequence = models.PositiveBigIntegerField(unique=True, editable=False)
    at = models.DateTimeField(editable=False, db_index=True)
    # Kept as text as well as a link, so the record still reads true if the account changes later.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", editable=False
    )
    username = models.CharField(max_length=150, editable=False)
    agency = models.CharField(max_length=200, blank=True, editable=False)
    role = models.CharField(max_length=20, blank=True, editable=False)
    action = models.CharField(max_length=40, db_index=True, editable=False)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, editable=False)
    # What was searched for or looked at: "person:<public id>", "address:<id>", the search terms…
    target = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    detail = models.JSONField(default=dict, blank=True, editable=False)
    purpose_code = models.CharField(max_length=60, blank=True, editable=False)
    purpose_reference = models.CharField(max_length=100, blank=True, editable=False)
    ip_address = models.GenericIPAddressField(null=True, blank=True, editable=False)
    previous_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)
    # The seal of the personal fields (mast.audit.chain.seal) and its salt; null on events written before
    # seals. The retention purge empties the personal fields, drops the salt and sets `redacted_at`.
    # Null, not blank: a nullable column is added to SQLite without rebuilding the table (and its triggers).
    sealed = models.CharField(max_length=64, null=True, editable=False)  # noqa: DJ001
    salt = models.CharField(max_length=32, null=True, editable=False)  # noqa: DJ001
    redacted_at = models.DateTimeField(null=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]
        indexes = [
            models.Index(fields=["user", "at"]),
            # The IG officer's "one user's events, newest first" at ten million events (bench/audit_log.py).
            models.Index(fields=["username", "sequence"], name="audit_event_username_seq"),
            # "What this agency's users did", newest first, the same way (reports.events).
            models.Index(fields=["agency", "sequence"], name="audit_event_agency_seq"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.username} {self.action} {self.target}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not kwargs.pop("_from_chain", False):
            raise AuditLogIsAppendOnly("Audit events are written only through mast.audit.chain.append.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("Audit events cannot be deleted.")
