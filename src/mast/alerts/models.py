"""An alert: another agency's new involvement with a person, for the worker allocated to their open case."""

from django.conf import settings
from django.db import models


class Alert(models.Model):
    """One recipient told about one new involvement, because of one open case their agency holds.

    A worker is alerted at most once per new involvement (the unique constraint), whichever of their agency's
    open cases of that person brought it to them."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts")
    person = models.ForeignKey("identity.Person", on_delete=models.PROTECT, related_name="+")
    # The retention purge deletes involvements; their alerts go with them.
    new_involvement = models.ForeignKey("feeds.Involvement", on_delete=models.CASCADE, related_name="+")
    open_involvement = models.ForeignKey("feeds.Involvement", on_delete=models.CASCADE, related_name="+")
    load = models.ForeignKey("feeds.Load", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "new_involvement"], name="alert_once_per_worker"),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="alert_unread")]

    def __str__(self) -> str:
        return f"alert {self.pk} for user {self.recipient_id}"


class AlertMute(models.Model):
    """A user asked not to be alerted about this person any more (until they unmute)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_mutes")
    person = models.ForeignKey("identity.Person", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "person"], name="alert_mute_once")]

    def __str__(self) -> str:
        return f"user {self.user_id} muted person {self.person_id}"
