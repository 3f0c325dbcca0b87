"""The requests dashboard: how quickly each agency and team answers what is sent to it. Counts only: no
person."""

import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from mast.access.models import Agency
from mast.requests.lists import DUE_SOON
from mast.requests.models import Request

# The dashboard's median time to reply is over replies in this many days.
MEDIAN_DAYS = 90


@dataclass
class Counts:
    """How one team or agency is doing with the requests sent to it."""

    agency: str
    team: str = ""
    open: int = 0
    due_soon: int = 0
    overdue: int = 0
    replied: int = 0
    reply_times: list[float] = field(default_factory=list, repr=False)

    @property
    def median_reply(self) -> timedelta | None:
        return timedelta(seconds=statistics.median(self.reply_times)) if self.reply_times else None


@dataclass(frozen=True)
class Dashboard:
    agency: str  # whose teams are shown; "" for every agency's
    teams: list[Counts]
    agencies: list[Counts]
    median_days: int
    due_soon_hours: int


NO_TEAM = "No team named (the agency's front door)"


def dashboard(*, agency_id: int | None = None, now: datetime | None = None) -> Dashboard:
    """Open, due soon and overdue requests, and the median time to reply over the last MEDIAN_DAYS, for each
    agency and for each team of `agency_id` (every agency's teams when None). Counts only: no person."""
    now = now or timezone.now()
    names = dict(Agency.objects.values_list("pk", "name"))
    by_agency: dict[int, Counts] = {}
    by_team: dict[tuple[int, str], Counts] = {}

    def rows(agency: int, team: str) -> list[Counts]:
        agency_row = by_agency.setdefault(agency, Counts(agency=names.get(agency, "")))
        if agency_id is not None and agency != agency_id:
            return [agency_row]
        key = (agency, team.strip().casefold())
        team_row = by_team.setdefault(key, Counts(agency=names.get(agency, ""), team=team.strip() or NO_TEAM))
        return [agency_row, team_row]

    for agency, team, due_at in Request.objects.filter(status__in=Request.OPEN).values_list(
        "to_agency_id", "to_team", "due_at"
    ):
        for row in rows(agency, team):
            row.open += 1
            if due_at is not None and due_at <= now:
                row.overdue += 1
            elif due_at is not None and due_at <= now + DUE_SOON:
                row.due_soon += 1
    for agency, team, sent_at, answered_at in Request.objects.filter(
        status=Request.Status.REPLIED, answered_at__gte=now - timedelta(days=MEDIAN_DAYS)
    ).values_list("to_agency_id", "to_team", "sent_at", "answered_at"):
        for row in rows(agency, team):
            row.replied += 1
            row.reply_times.append((answered_at - sent_at).total_seconds())
    return Dashboard(
        agency=names.get(agency_id, "") if agency_id is not None else "",
        teams=sorted(by_team.values(), key=lambda c: (c.agency, c.team == NO_TEAM, c.team.casefold())),
        agencies=sorted(by_agency.values(), key=lambda c: c.agency),
        median_days=MEDIAN_DAYS,
        due_soon_hours=int(DUE_SOON.total_seconds() // 3600),
    )
