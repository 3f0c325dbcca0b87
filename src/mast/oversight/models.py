"""What oversight keeps: an index of who was shown whom (from the audit log), what it knows of users' own
homes and hours, people IG officers watch, and the alerts its rules raise for IG officers.

Alerts are never deleted: each is closed with an outcome and a note, and the closing is audited.
"""

import uuid

from django.conf import settings
from django.db import models

from mast.audit.models import AuditEvent
from mast.identity.matching.postcodes import normalise_postcode


class Shown(models.Model):
    """One person or address that one audit event showed: the index "who looked at this child?" reads.

    Derived from the audit log (written with each event, in its transaction; `mast oversight_reindex` rebuilds
    it), so the log stays the record and this stays fast at ten million events."""

    class How(models.TextChoices):
        VIEWED = "viewed", "Looked at their record"
        PRINTED = "printed", "Printed their record"
        BROKE_GLASS = "broke_glass", "Opened their restricted records (break glass)"
        SEARCH_RESULT = "search_result", "Shown in search results"
        AT_ADDRESS = "at_address", "Shown on an address page"
        FAMILY = "family", "Shown as family on another person's page"
        REFERRAL = "referral", "Sent a referral about them"
        REQUEST = "request", "Asked another agency about them"
        ADDRESS_VIEWED = "address_viewed", "Looked at the address"
        ADDRESS_LISTED = "address_listed", "Address shown in search results"

    event = models.ForeignKey(
        AuditEvent, to_field="sequence", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField()
    # A person's or an address's public id (which of the two, `how` says).
    subject = models.UUIDField()
    how = models.CharField(max_length=16, choices=How.choices)

    class Meta:
        indexes = [
            models.Index(fields=["subject", "event"], name="oversight_shown_subject"),
            models.Index(fields=["user", "at"], name="oversight_shown_user_at"),
        ]

    def __str__(self) -> str:
        return f"event {self.event_id}: {self.how} {self.subject}"


class UserProfile(models.Model):
    """What oversight knows of a user beyond their account, where the agency gives it: their home (so a search
    for their own family or neighbours shows) and their working hours."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oversight_profile"
    )
    # Kept standardised ("ZZ1 1AB"), so the rule for looks at a MAST user's home asks the database for the
    # few users at the person's postcodes instead of reading every user's home on every look.
    home_postcode = models.CharField(max_length=10, blank=True, db_index=True)
    home_line_1 = models.CharField(max_length=200, blank=True)
    works_from = models.TimeField(null=True, blank=True, help_text="Blank: MAST_WORKING_HOURS' start.")
    works_until = models.TimeField(null=True, blank=True, help_text="Blank: MAST_WORKING_HOURS' end.")
    works_weekends = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"oversight profile of {self.user}"

    def save(self, *args, **kwargs):
        self.home_postcode = normalise_postcode(self.home_postcode or "")
        super().save(*args, **kwargs)


class TeamHours(models.Model):
    """A team's working hours, for its members who have none of their own (an emergency duty team works
    nights). The out-of-hours rule reads a user's own hours, then their team's, then MAST_WORKING_HOURS."""

    team = models.OneToOneField("access.Team", on_delete=models.CASCADE, related_name="oversight_hours")
    works_from = models.TimeField()
    works_until = models.TimeField()
    works_weekends = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"hours of {self.team}: {self.works_from:%H:%M} to {self.works_until:%H:%M}"


class WatchedPerson(models.Model):
    """Someone whose record draws curiosity (a public figure, a member of staff, a child in the news): every
    look at them raises an alert to the IG officers."""

    class Reason(models.TextChoices):
        PUBLIC_FIGURE = "public_figure", "A public figure"
        STAFF = "staff", "A member of a partner's staff, or their family"
        IN_THE_NEWS = "in_the_news", "In the news"
        OTHER = "other", "Another reason"

    person = models.UUIDField(unique=True, help_text="The person's public id.")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = models.CharField(max_length=300, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"watched: {self.person} ({self.reason})"


class AlertsAreKept(Exception):
    """Oversight alerts are closed with an outcome, never deleted."""


class OversightAlertQuerySet(models.QuerySet):
    def delete(self):
        raise AlertsAreKept("Oversight alerts are closed with an outcome, never deleted.")


class OversightAlert(models.Model):
    class Rule(models.TextChoices):
        VOLUME = "volume", "Many more people looked at than usual"
        UNSEARCHED = "unsearched", "People or addresses opened without a search"
        OWN_FAMILY = "own_family", "A search or look at someone sharing the user's own surname and home"
        MAST_USER = "mast_user", "A look at a MAST user or someone at their home"
        WATCHED = "watched", "A look at a watched person"
        RESTRICTED = "restricted", "A look at a person with a restricted record of this agency"
        OUT_OF_HOURS = "out_of_hours", "Looks outside the user's working hours"
        THROTTLED = "throttled", "Searches or looks faster than the limit"
        BROKE_GLASS = "broke_glass", "A restricted record opened by breaking the glass"
        NO_ACTION = "no_action", "Many people looked at with nothing done after"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    class Outcome(models.TextChoices):
        LEGITIMATE = "legitimate", "Legitimate: part of their work"
        SPOKEN_TO = "spoken_to", "Spoken to: advice given"
        ESCALATED = "escalated", "Escalated: for investigation"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    rule = models.CharField(max_length=16, choices=Rule.choices)
    # Whose IG officers it goes to: the user's own agency, or the agency whose restricted record was seen.
    agency = models.ForeignKey("access.Agency", on_delete=models.PROTECT, related_name="oversight_alerts")
    subject = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(auto_now_add=True, db_index=True)
    last_seen_at = models.DateTimeField(auto_now=True)
    # What happened, in plain words, without any person's details (those are read through the gate).
    summary = models.TextField()
    events = models.JSONField(default=list, help_text="Sequences of the audit events that raised it.")
    people = models.JSONField(default=list, help_text="Public ids of the people looked at.")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN, db_index=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    note = models.TextField(blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = OversightAlertQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at"]
        indexes = [models.Index(fields=["agency", "status", "raised_at"], name="oversight_alert_queue")]

    def __str__(self) -> str:
        return f"{self.get_rule_display()} ({self.status})"

    def delete(self, *args, **kwargs):
        raise AlertsAreKept("Oversight alerts are closed with an outcome, never deleted.")
