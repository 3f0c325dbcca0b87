"""A request from one agency to another about one person: for information, or a referral about an open case
sent straight to its allocated worker."""

from django.conf import settings
from django.db import models


class Request(models.Model):
    class Kind(models.TextChoices):
        INFORMATION = "information", "Request for information"
        REFERRAL = "referral", "Referral about an open case"

    class Priority(models.TextChoices):
        RED = "red", "Red — urgent"
        AMBER = "amber", "Amber"
        GREEN = "green", "Green"

    class Status(models.TextChoices):
        SENT = "sent", "Sent"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        REPLIED = "replied", "Replied"
        DECLINED = "declined", "Declined"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    person = models.ForeignKey("identity.Person", on_delete=models.PROTECT, related_name="requests")
    involvement = models.ForeignKey(
        "feeds.Involvement", on_delete=models.SET_NULL, null=True, blank=True, related_name="requests"
    )
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sent_requests"
    )
    from_agency = models.ForeignKey("access.Agency", on_delete=models.PROTECT, related_name="sent_requests")
    to_agency = models.ForeignKey("access.Agency", on_delete=models.PROTECT, related_name="received_requests")
    # As the partner's feed names them: the allocated worker may not be a MAST user.
    to_team = models.CharField(max_length=150, blank=True)
    to_worker = models.CharField(max_length=150, blank=True)
    to_email = models.CharField(max_length=254, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_requests",
    )
    purpose_code = models.CharField(max_length=60)
    purpose_reference = models.CharField(max_length=100)
    question = models.TextField()
    priority = models.CharField(max_length=5, choices=Priority.choices, default=Priority.AMBER)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SENT, db_index=True)
    due_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to_agency} ({self.get_status_display()})"
