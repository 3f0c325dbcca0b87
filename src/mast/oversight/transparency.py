"""The public transparency page: what the partnership shares, why, for how long, who to ask for your data,
and how much MAST is used, from configuration and the audit log. No sign-in, and no person in it.

The agreement (partners, the fields each shares, purposes and the law each rests on, lawful bases, retention)
comes from mast.governance; each partner's datasets are its feeds; the DPIA date and the subject-access
contact are settings (MAST_DPIA_DATE, MAST_SUBJECT_ACCESS_CONTACT). Searches by agency and month are counts
of the audit log's allowed searches, after analytics' disclosure control (a count of 1 to 4 is hidden, and so
is whatever would give it away).
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from mast.analytics.tables import Table
from mast.audit.models import AuditEvent
from mast.feeds.models import Source
from mast.governance.services import AgreementSummary, agreement_summary

MONTHS = 12
# The page is public and the counts read the whole audit log: counted at most once per ten minutes, so
# nobody can make the server count millions of events on every request.
CACHED_FOR = 600


@dataclass(frozen=True)
class Dataset:
    agency: str
    name: str
    system: str


@dataclass(frozen=True)
class Transparency:
    agreement: AgreementSummary | None
    datasets: tuple[Dataset, ...]
    dpia_date: date | None
    subject_access_contact: str
    searches: Table


def _months(today: date) -> list[date]:
    first = today.replace(day=1)
    months = []
    for back in range(MONTHS - 1, -1, -1):
        year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
        months.append(date(year, month + 1, 1))
    return months


def searches_by_agency(today: date | None = None) -> Table:
    """Allowed searches for people in each of the last twelve months (this one so far), by the searching
    user's agency as the audit log recorded it."""
    months = _months(today or timezone.localdate())
    zone = timezone.get_current_timezone()
    counted = (
        AuditEvent.objects.filter(
            action="search_people",
            outcome=AuditEvent.Outcome.ALLOWED,
            at__gte=timezone.make_aware(datetime.combine(months[0], time.min), zone),
        )
        .annotate(month=TruncMonth("at", tzinfo=zone))
        .values("agency", "month")
        .annotate(n=Count("pk"))
    )
    cells: dict[tuple[str, date], int] = {}
    for row in counted:
        month = row["month"].date() if hasattr(row["month"], "date") else row["month"]
        cells[(row["agency"] or "No agency", month)] = row["n"]
    agencies = sorted({agency for agency, _ in cells})
    return Table(
        key="searches-by-agency",
        caption="Searches for people, by the searching practitioner's agency and month",
        row_heading="Agency",
        rows=agencies,
        columns=[f"{m:%b %Y}" for m in months],
        body=[[cells.get((agency, m), 0) for m in months] for agency in agencies],
    )


def transparency(today: date | None = None) -> Transparency:
    raw_date = settings.MAST_DPIA_DATE
    return Transparency(
        agreement=agreement_summary(today),
        datasets=tuple(
            Dataset(s.agency.name, s.name, s.system)
            for s in Source.objects.select_related("agency").order_by("agency__name", "name")
        ),
        dpia_date=date.fromisoformat(raw_date) if raw_date else None,
        subject_access_contact=settings.MAST_SUBJECT_ACCESS_CONTACT,
        searches=cache.get_or_set(
            f"mast:transparency:searches:{today}", lambda: searches_by_agency(today), CACHED_FOR
        ),
    )
