"""A request from one agency to another about one person: for information, or a referral about an open case
sent straight to its allocated worker."""

from django.conf import settings
from django.db import models
from django.utils import timezone


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
    sent_at = models.DateTimeField(default=timezone.now, db_index=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    # When it was replied to or declined: either answers it.
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="answered_requests",
    )
    reply = models.TextField(blank=True)
    decline_reason = models.TextField(blank=True)
    # Set by the chase when it finds the request past its due time, and when it escalates it to the manager.
    overdue_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    OPEN = (Status.SENT, Status.ACKNOWLEDGED)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["status", "due_at"]), models.Index(fields=["to_agency", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to_agency} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    def is_overdue(self, now=None) -> bool:
        """Open and past its due time (whether or not the chase has noticed yet)."""
        return self.is_open and self.due_at is not None and self.due_at <= (now or timezone.now())


class RequestEvent(models.Model):
    """One step in a request's life, seen by both agencies: who did what, when, and any note (a reply, a
    reason for declining). Events by MAST itself (overdue, escalated) have no user."""

    class Kind(models.TextChoices):
        SENT = "sent", "Sent"
        ASSIGNED = "assigned", "Assigned"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        REPLIED = "replied", "Replied"
        DECLINED = "declined", "Declined"
        OVERDUE = "overdue", "Overdue"
        ESCALATED = "escalated", "Escalated to the team manager"

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agency = models.ForeignKey(
        "access.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"
