"""Reading the audit log, for IG officers: who searched and looked at what, when, and why."""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import QuerySet
from django.utils import timezone

from mast.access.models import Agency, User
from mast.audit.models import AuditEvent


@dataclass(frozen=True)
class EventFilter:
    username: str = ""
    agency: str = ""
    person: str = ""
    action: str = ""
    purpose_reference: str = ""
    target: str = ""
    since: date | None = None
    until: date | None = None
    refused_only: bool = False


def events(filters: EventFilter) -> QuerySet[AuditEvent]:
    """The events matching every filter given, newest first."""
    found = AuditEvent.objects.order_by("-sequence")
    if filters.username:
        # Exact names through the (username, sequence) index, not a case-blind scan of every event: the
        # accounts table says which spelling the typed name is (the log keeps a leaver's name as it was).
        typed = filters.username.strip()
        names = {typed, *User.objects.filter(username__iexact=typed).values_list("username", flat=True)}
        found = found.filter(username__in=names)
    if filters.agency:
        # As for users: the agencies table gives the spelling the log holds (an agency's name as it was
        # when the event was written), so the (agency, sequence) index answers instead of a case-blind scan.
        typed = filters.agency.strip()
        names = {typed, *Agency.objects.filter(name__iexact=typed).values_list("name", flat=True)}
        found = found.filter(agency__in=names)
    if filters.person:
        found = found.filter(target=f"person:{filters.person}")
    if filters.action:
        found = found.filter(action=filters.action)
    if filters.purpose_reference:
        found = found.filter(purpose_reference__iexact=filters.purpose_reference)
    if filters.target:
        found = found.filter(target=filters.target)
    if filters.since:
        found = found.filter(at__gte=timezone.make_aware(datetime.combine(filters.since, time.min)))
    if filters.until:
        found = found.filter(at__lte=timezone.make_aware(datetime.combine(filters.until, time.max)))
    if filters.refused_only:
        found = found.filter(outcome=AuditEvent.Outcome.DENIED)
    return found
