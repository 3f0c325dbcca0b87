"""For one agency's IG officers: who was shown the people their agency holds records of (in any agency,
their own included), over a stretch of dates, as CSV. What their own users did is the audit log filtered by
agency (mast.audit.reports), which the same page links to. NCSC cloud principle 13: a partner can see how
the data it shared was used.
"""

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from mast.gate.gate import Scope
from mast.identity.models import Person
from mast.oversight.models import Shown
from mast.oversight.who_viewed import Look, looks_of

# The most one download covers: a year is what an IG officer's annual review needs.
LONGEST = timedelta(days=366)


class TooLong(ValueError):
    pass


def _bounds(since: date, until: date) -> tuple[datetime, datetime]:
    if until < since:
        raise TooLong("The end date must be the same as or after the start date")
    if until - since > LONGEST:
        raise TooLong("Choose dates no more than a year apart")
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(since, time.min, tzinfo=zone),
        datetime.combine(until + timedelta(days=1), time.min, tzinfo=zone),
    )


def our_people(agency_id: int):
    """The public ids of people with a record (current or removed, still held) from the agency's feeds."""
    return Person.objects.filter(links__partner_record__source__agency_id=agency_id).values("public_id")


def looks_at_our_records(scope: Scope, since: date, until: date) -> Iterator[Look]:
    """Every showing of the agency's people between the dates (inclusive), newest first, read in pages."""
    start, end = _bounds(since, until)
    rows = Shown.objects.filter(subject__in=our_people(scope.agency_id), at__gte=start, at__lt=end).order_by(
        "-event_id", "pk"
    )
    after = None
    while True:
        chunk = list((rows if after is None else rows.filter(event_id__lt=after))[:1000])
        if not chunk:
            return
        # Whole events only, so no event's rows are split across pages.
        last = chunk[-1].event_id
        chunk = [r for r in chunk if r.event_id != last] + list(rows.filter(event_id=last))
        yield from looks_of(chunk)
        after = last
