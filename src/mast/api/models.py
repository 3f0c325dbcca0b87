"""Partner API keys, push receipts (for idempotency) and the log of "is this person known?" questions."""

from django.conf import settings
from django.db import models

from mast.feeds.models import Load, Source


class ApiKey(models.Model):
    """A key one partner system holds to call MAST: for one source, in one direction.

    Only a hash of the secret is kept; the key is shown once, when it is made. A source may have two live
    keys per direction, so a partner can rotate without a gap: make the new key, deploy it, revoke the old.
    """

    class Direction(models.TextChoices):
        PUSH = "push", "Push records"
        QUERY = "query", "Ask whether a person is known"

    # The public half of the key ("mast_<key_id>_<secret>"): names the key in audit events and logs.
    key_id = models.CharField(max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="api_keys")
    direction = models.CharField(max_length=5, choices=Direction.choices)
    name = models.CharField(max_length=100, help_text="What the partner calls the system that holds it.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["source__name", "direction", "-created_at"]

    def __str__(self) -> str:
        return f"{self.key_id} ({self.source.code}, {self.direction})"


class PushReceipt(models.Model):
    """What MAST answered to a push sent with an Idempotency-Key: the same key again gets the same answer."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="receipts")
    idempotency_key = models.CharField(max_length=100)
    body_sha256 = models.CharField(max_length=64)
    load = models.ForeignKey(Load, on_delete=models.SET_NULL, null=True, related_name="+")
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["api_key", "idempotency_key"], name="api_push_idempotency_key")
        ]

    def __str__(self) -> str:
        return f"push {self.idempotency_key} with key {self.api_key_id}"


class MatchQuery(models.Model):
    """One "is this person known?" question from a partner system: who asked, why, the policy decision,
    the agreement version it was made against, and what was answered. Counts and codes only: the person's
    details asked about are not kept here (the audit event records that the question was asked)."""

    class Decision(models.TextChoices):
        PERMIT = "PERMIT", "Permitted"
        DENY = "DENY", "Refused"
        REVIEW = "REVIEW", "Waiting for an information-governance officer"

    api_key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="queries")
    asked_at = models.DateTimeField(auto_now_add=True)
    requesting_organisation = models.CharField(max_length=200)
    requesting_user = models.CharField(max_length=200)
    reason = models.CharField(max_length=300)
    purpose_code = models.CharField(max_length=60, blank=True)
    decision = models.CharField(max_length=6, choices=Decision.choices)
    decision_reason = models.CharField(max_length=300)
    agreement = models.CharField(
        max_length=100, blank=True, help_text="Reference and version it was decided on."
    )
    outcome = models.CharField(max_length=20, blank=True, help_text="known, not_known, possible, or blank.")
    # Set when an IG officer decides a REVIEW (PERMIT or DENY): the partner asks again, naming this question,
    # and is answered as decided.
    review_decision = models.CharField(max_length=6, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-asked_at"]

    def __str__(self) -> str:
        return f"query {self.pk}: {self.decision}"
