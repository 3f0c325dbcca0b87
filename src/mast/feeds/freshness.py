"""How fresh each partner's data is: when its last good file arrived, and whether the next one is late.

A practitioner who sees "not known to the police" must also be able to see that the police file is three days
old, or that the latest one was held and this is the one before. So every page that shows an agency's records
can say "Northshire Police data as of 27 Nov 05:10 (late)".

Each source expects its file on a schedule written in its mapping (`[schedule]`, default daily by 07:00 local
time; feeds/mapping.py). A source is *late* when no good file has arrived since the deadline before the most
recent one has passed: with "daily by 07:00", at 08:00 on the 28th the file for the 28th must have arrived
after 07:00 on the 27th. "Good" is a file that was applied or found unchanged: an identical file re-sent is
the partner saying nothing changed. A refused, failed or held file leaves the previous data in place; that is
said too, because the data shown is then older than the partner thinks.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from mast.feeds.mapping import WEEKDAYS, MappingError, Schedule, load_schedule
from mast.feeds.models import Load, Source

GOOD = (Load.Status.LOADED, Load.Status.UNCHANGED)
NOT_APPLIED = (Load.Status.REFUSED, Load.Status.FAILED, Load.Status.HELD)
FINISHED = (*GOOD, *NOT_APPLIED)


@dataclass(frozen=True)
class SourceFreshness:
    source_id: int
    source_code: str
    agency_id: int
    agency_name: str
    as_of: datetime | None  # when the last good file finished loading
    due_since: datetime  # a good file is expected after this moment
    late: bool
    last_load_refused_or_held: bool


@dataclass(frozen=True)
class AgencyFreshness:
    """One agency's data, as fresh as its stalest feed (an agency may send several)."""

    agency_id: int
    agency_name: str
    as_of: datetime | None
    late: bool
    last_load_refused_or_held: bool

    @property
    def label(self) -> str:
        """E.g. "Northshire Police data as of 27 Nov 05:10 (late)", in local time."""
        if self.as_of is None:
            return f"{self.agency_name}: no data received yet"
        notes = []
        if self.late:
            notes.append("late")
        if self.last_load_refused_or_held:
            notes.append("latest file not loaded; showing the one before")
        when = timezone.localtime(self.as_of)
        text = f"{self.agency_name} data as of {when.day} {when:%b %H:%M}"
        return f"{text} ({'; '.join(notes)})" if notes else text


def _deadlines_before(schedule: Schedule, now: datetime, count: int = 2) -> list[datetime]:
    """The schedule's last `count` deadlines at or before `now`, latest first (local time)."""
    found = []
    day = now.date()
    for _ in range(30):
        due = timezone.make_aware(datetime.combine(day, schedule.by), now.tzinfo)
        weekday = day.weekday()
        expected = (
            schedule.every == "daily"
            or (schedule.every == "weekdays" and weekday < 5)
            or (schedule.every == "weekly" and WEEKDAYS[weekday] == schedule.day)
        )
        if expected and due <= now:
            found.append(due)
            if len(found) == count:
                break
        day -= timedelta(days=1)
    return found


def due_since(schedule: Schedule, now: datetime) -> datetime:
    """A source is on time if a good file arrived after this moment."""
    deadlines = _deadlines_before(schedule, timezone.localtime(now))
    return deadlines[-1] if deadlines else now


def _schedule_of(source: Source) -> Schedule:
    try:
        return load_schedule(source.mapping)
    except MappingError:
        # A source whose mapping has gone still has data on screen: judge it by the default schedule.
        return Schedule()


def source_freshness(agency_ids=None, now: datetime | None = None) -> list[SourceFreshness]:
    now = now or timezone.now()
    # Each source with its last good file's time and its latest finished file's status, in one statement
    # (it was three, on every search and person page).
    loads = Load.objects.filter(source=OuterRef("pk"), kind=Load.Kind.RECORDS).order_by()
    sources = (
        Source.objects.filter(is_active=True)
        .select_related("agency")
        .annotate(
            last_good=Subquery(
                loads.filter(status__in=GOOD).values("source").annotate(at=Max("finished_at")).values("at")
            ),
            latest_status=Subquery(loads.filter(status__in=FINISHED).order_by("-pk").values("status")[:1]),
        )
    )
    if agency_ids is not None:
        sources = sources.filter(agency_id__in=list(agency_ids))
    found = []
    for source in sources:
        as_of = source.last_good
        since = due_since(_schedule_of(source), now)
        found.append(
            SourceFreshness(
                source_id=source.pk,
                source_code=source.code,
                agency_id=source.agency_id,
                agency_name=source.agency.name,
                as_of=as_of,
                due_since=since,
                late=as_of is None or as_of <= since,
                last_load_refused_or_held=source.latest_status in NOT_APPLIED,
            )
        )
    return found


def agency_freshness(agency_ids=None, now: datetime | None = None) -> list[AgencyFreshness]:
    """Each agency that sends MAST a feed (or those in `agency_ids`), by name, with its data's freshness."""
    by_agency: dict[int, list[SourceFreshness]] = {}
    for item in source_freshness(agency_ids, now):
        by_agency.setdefault(item.agency_id, []).append(item)
    result = []
    for agency_id, items in by_agency.items():
        times = [i.as_of for i in items]
        result.append(
            AgencyFreshness(
                agency_id=agency_id,
                agency_name=items[0].agency_name,
                as_of=None if None in times else min(times),
                late=any(i.late for i in items),
                last_load_refused_or_held=any(i.last_load_refused_or_held for i in items),
            )
        )
    return sorted(result, key=lambda a: a.agency_name)
