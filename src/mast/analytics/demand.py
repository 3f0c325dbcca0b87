"""Figures about the work between agencies, from requests and alerts: targeted requests sent and how they were
answered, referrals that went straight to the allocated worker, and alerts raised and opened. Counts only.

These tables are thousands of rows, not millions, so they are counted from the database as asked. The area,
age band, sex and category filters describe people and involvements; they do not narrow these figures.
"""

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from mast.access.models import Agency
from mast.alerts.models import Alert
from mast.analytics.filters import Filters, month_label
from mast.analytics.tables import Table
from mast.requests.models import Request, RequestEvent

OUTCOMES = ("Answered on time", "Answered late", "Declined", "Not yet answered")


def _outcome(status: str, due_at, answered_at) -> str:
    if status == Request.Status.DECLINED:
        return OUTCOMES[2]
    if status == Request.Status.REPLIED:
        return OUTCOMES[1] if due_at is not None and answered_at > due_at else OUTCOMES[0]
    return OUTCOMES[3]


def _either_side(found, filters: Filters):
    """Requests and referrals an agency chosen sent or was sent."""
    if filters.agency_id is None:
        return found
    return found.filter(Q(from_agency_id=filters.agency_id) | Q(to_agency_id=filters.agency_id))


def _requests(filters: Filters):
    found = Request.objects.filter(
        kind=Request.Kind.INFORMATION, sent_at__gte=filters.starts, sent_at__lt=filters.ends
    )
    return _either_side(found, filters).values_list(
        "from_agency_id", "to_agency_id", "status", "due_at", "sent_at", "answered_at"
    )


def _monthly(filters: Filters, dated: Iterable[tuple[datetime, str]], *, columns, **table) -> Table:
    """A table with a row per month chosen, counting each (moment, column) in `dated` in its month."""
    by_month: dict[str, Counter] = defaultdict(Counter)
    for at, column in dated:
        by_month[month_label(timezone.localtime(at))][column] += 1
    months = [month_label(m) for m in filters.months]
    return Table(
        row_heading="Month",
        rows=months,
        columns=list(columns),
        body=[[by_month[m][c] for c in columns] for m in months],
        **table,
    )


def requests_by_pair(filters: Filters) -> Table:
    """Targeted requests by the agency that sent them and the one asked: how each was answered, and the median
    time to an answer (shown only where enough were answered for it to describe no single request)."""
    counts: dict[tuple[int, int], Counter] = defaultdict(Counter)
    times: dict[tuple[int, int], list[float]] = defaultdict(list)
    for sender, receiver, status, due_at, sent_at, answered_at in _requests(filters):
        counts[(sender, receiver)][_outcome(status, due_at, answered_at)] += 1
        if status == Request.Status.REPLIED and answered_at is not None:
            times[(sender, receiver)].append((answered_at - sent_at).total_seconds() / 3600)
    names = dict(Agency.objects.values_list("pk", "name"))
    pairs = sorted(counts, key=lambda p: (names.get(p[0], ""), names.get(p[1], "")))
    threshold = settings.MAST_SUPPRESS_BELOW
    return Table(
        key="requests",
        caption="Targeted requests by the agency that asked and the agency asked",
        row_heading="From → to",
        rows=[f"{names.get(a, a)} → {names.get(b, b)}" for a, b in pairs],
        columns=list(OUTCOMES),
        body=[[counts[p][o] for o in OUTCOMES] for p in pairs],
        total_label="Sent",
        extra_heading="Median hours to answer",
        extra=[
            f"{statistics.median(times[p]):.1f}" if len(times[p]) >= threshold else "[c]" if times[p] else "—"
            for p in pairs
        ],
    )


def requests_by_month(filters: Filters) -> Table:
    return _monthly(
        filters,
        (
            (sent_at, _outcome(status, due_at, answered_at))
            for _, _, status, due_at, sent_at, answered_at in _requests(filters)
        ),
        columns=OUTCOMES,
        key="requests-by-month",
        caption="Targeted requests by month sent, and how they were answered",
        total_label="Sent",
    )


def referrals_by_month(filters: Filters) -> Table:
    """Referrals about an open case: sent straight to its allocated worker (assigned to them as it was sent),
    or to the team's inbox."""
    straight, inbox = "Straight to the allocated worker", "To the team's inbox"
    assigned_later = RequestEvent.objects.filter(request=OuterRef("pk"), kind=RequestEvent.Kind.ASSIGNED)
    found = Request.objects.filter(
        kind=Request.Kind.REFERRAL, sent_at__gte=filters.starts, sent_at__lt=filters.ends
    ).annotate(assigned_later=Exists(assigned_later))
    referrals = _either_side(found, filters).values_list("sent_at", "assignee_id", "assigned_later")
    return _monthly(
        filters,
        ((sent_at, straight if assignee and not later else inbox) for sent_at, assignee, later in referrals),
        columns=(straight, inbox),
        key="referrals",
        caption="Referrals about an open case, by month: straight to the allocated worker or to the team",
        total_label="Referrals",
    )


def alerts_by_month(filters: Filters) -> Table:
    """Alerts to allocated workers, by month raised: opened by the worker, or not yet."""
    found = Alert.objects.filter(created_at__gte=filters.starts, created_at__lt=filters.ends)
    if filters.agency_id is not None:
        found = found.filter(recipient__agency_id=filters.agency_id)
    return _monthly(
        filters,
        (
            (created_at, "Opened" if read_at else "Not yet opened")
            for created_at, read_at in found.values_list("created_at", "read_at")
        ),
        columns=("Opened", "Not yet opened"),
        key="alerts",
        caption="Alerts raised to allocated workers, by month, and whether they were opened",
        total_label="Alerts raised",
    )
