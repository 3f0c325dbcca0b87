"""How much a user has looked at around one audit event, counted once for the three misuse rules that ask.

The harvesting rules each begin by counting distinct people: shown in the last hour (volume), opened in the
last hour (people opened without a search), looked at in the day before the grace hours (looks with no later
action). Each was a statement of its own on every search and person page; here they are one statement with
a filtered count each, read once per event. A rule whose count passes its threshold then reads what it needs
to judge, as before.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q

from mast.audit.models import AuditEvent
from mast.oversight.models import Shown

How = Shown.How
LOOKS = ("view_person", "print_person", "view_address", "break_glass")
# What counts as "shown" for volume; what counts as opened; what counts as looked at.
SEEN = (How.VIEWED, How.PRINTED, How.BROKE_GLASS, How.SEARCH_RESULT, How.AT_ADDRESS, How.FAMILY)
OPENED = (How.VIEWED, How.ADDRESS_VIEWED)
LOOKED_AT = (How.VIEWED, How.PRINTED, How.BROKE_GLASS)
VOLUME_ACTIONS = ("search_people", *LOOKS)
UNSEARCHED_ACTIONS = ("view_person", "view_address")
NO_ACTION_ACTIONS = ("view_person", "print_person", "break_glass")
_KEPT = "_mast_usage"


@dataclass(frozen=True)
class Usage:
    seen_last_hour: int = 0  # distinct people or addresses shown (volume)
    opened_last_hour: int = 0  # distinct people or addresses opened (unsearched)
    looked_at_in_day: int = 0  # distinct people looked at in the day before the grace hours (no later action)


def day_before_grace(event: AuditEvent) -> tuple:
    """The 24 hours whose looks no_later_action judges: they end NO_ACTION_GRACE_HOURS before the event."""
    until = event.at - timedelta(hours=settings.MAST_OVERSIGHT_NO_ACTION_GRACE_HOURS)
    return until - timedelta(hours=24), until


def usage_at(event: AuditEvent, user) -> Usage:
    """The counts for this event's user up to the event, read once however many rules ask (kept on the event
    object, which lives as long as one run of the rules)."""
    kept = getattr(event, _KEPT, None)
    if kept is None:
        kept = _read(event, user)
        setattr(event, _KEPT, kept)
    return kept


def _read(event: AuditEvent, user) -> Usage:
    hour_ago = event.at - timedelta(hours=1)
    counts, earliest = {}, hour_ago
    if event.action in VOLUME_ACTIONS:
        counts["seen_last_hour"] = Q(at__gt=hour_ago, how__in=SEEN)
    if event.action in UNSEARCHED_ACTIONS:
        counts["opened_last_hour"] = Q(at__gt=hour_ago, how__in=OPENED)
    if event.action in NO_ACTION_ACTIONS:
        since, until = day_before_grace(event)
        counts["looked_at_in_day"] = Q(at__gte=since, at__lte=until, how__in=LOOKED_AT)
        earliest = min(earliest, since)
    if not counts:
        return Usage()
    found = Shown.objects.filter(user=user, at__gte=earliest, at__lte=event.at).aggregate(
        **{name: Count("subject", distinct=True, filter=where) for name, where in counts.items()}
    )
    return Usage(**found)
