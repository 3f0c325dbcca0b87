"""Data quality per feed: rows rejected and flagged, why rows were rejected, how complete and how well matched
each feed's records are, the review backlog, and late files — each with its history.

Counts of rows and records, never their contents: a rejection's reason text can quote the row (a date as
given), so rejected rows are counted by the field that failed, not by their words.
"""

from collections import Counter, defaultdict

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from mast.analytics.filters import Filters, month_label
from mast.analytics.models import FeedQualitySnapshot
from mast.analytics.tables import Table
from mast.feeds.models import LateNotice, Load, PartnerRecord, RejectedRow, Source
from mast.feeds.problems import label
from mast.identity.models import MatchCandidate, PersonLink

SHARES = (
    ("with_nhs_number", "NHS number"),
    ("with_date_of_birth", "Date of birth"),
    ("with_postcode", "Postcode"),
    ("with_uprn", "UPRN"),
    ("linked_elsewhere", "Matched to another agency"),
)


def _sources(filters: Filters):
    sources = Source.objects.order_by("name")
    return sources.filter(agency_id=filters.agency_id) if filters.agency_id is not None else sources


def _loads(filters: Filters):
    return Load.objects.filter(
        kind=Load.Kind.RECORDS,
        source__in=_sources(filters),
        started_at__gte=filters.starts,
        started_at__lt=filters.ends,
    ).exclude(status__in=[Load.Status.QUEUED, Load.Status.RUNNING])


def rows_by_feed(filters: Filters) -> Table:
    """Rows read in the months chosen, by feed: loaded as they were, loaded with a field flagged, rejected."""
    totals = {
        row["source_id"]: row
        for row in _loads(filters)
        .values("source_id")
        .annotate(read=Coalesce(Sum("rows_read"), 0), flagged=Coalesce(Sum("rows_flagged"), 0))
        .annotate(rejected=Coalesce(Sum("rows_rejected"), 0))
    }
    sources = [s for s in _sources(filters) if s.pk in totals]
    body = []
    for source in sources:
        row = totals[source.pk]
        clean = max(row["read"] - row["flagged"] - row["rejected"], 0)
        body.append([clean, row["flagged"], row["rejected"]])
    return Table(
        key="feed-rows",
        caption="Rows received by feed: loaded, loaded with a problem flagged, and rejected",
        row_heading="Feed",
        rows=[s.name for s in sources],
        columns=["Loaded", "Loaded, flagged", "Rejected"],
        body=body,
        total_label="Rows read",
    )


def rejected_by_field(filters: Filters) -> Table:
    """Rejected rows by the field that failed first, and feed."""
    loads = _loads(filters)
    counts = Counter(
        RejectedRow.objects.filter(load__in=loads).values_list("load__source_id", "field").order_by()
    )
    names = dict(_sources(filters).values_list("pk", "name"))
    sources = sorted({s for s, _ in counts}, key=lambda pk: names.get(pk, ""))
    fields = sorted({f for _, f in counts}, key=lambda f: label(f) if f else "")
    return Table(
        key="rejected",
        caption="Rejected rows by the field that failed, and feed",
        row_heading="Field",
        rows=[label(f) if f else "Whole row" for f in fields],
        columns=[names[s] for s in sources],
        body=[[counts[(s, f)] for s in sources] for f in fields],
    )


def history(filters: Filters) -> Table:
    """Rows rejected and flagged, and late files, by month."""
    loads = defaultdict(Counter)
    for started_at, read, flagged, rejected in _loads(filters).values_list(
        "started_at", "rows_read", "rows_flagged", "rows_rejected"
    ):
        month = month_label(timezone.localtime(started_at))
        loads[month].update({"read": read, "flagged": flagged, "rejected": rejected})
    late = Counter(
        month_label(timezone.localtime(at))
        for at in LateNotice.objects.filter(
            source__in=_sources(filters), raised_at__gte=filters.starts, raised_at__lt=filters.ends
        ).values_list("raised_at", flat=True)
    )
    months = [month_label(m) for m in filters.months]
    return Table(
        key="quality-history",
        caption="Rows rejected and flagged, and files that came late, by month",
        row_heading="Month",
        rows=months,
        columns=["Rows rejected", "Rows flagged", "Late files"],
        body=[[loads[m]["rejected"], loads[m]["flagged"], late[m]] for m in months],
        row_totals=False,
    )


def completeness(filters: Filters) -> list[dict]:
    """Each feed's latest snapshot: the share of its records with each field, matched elsewhere, the backlog.
    A share is hidden where what it counts, or what it leaves out, is a small number."""
    from django.conf import settings

    threshold = settings.MAST_SUPPRESS_BELOW
    latest = {}
    for snapshot in FeedQualitySnapshot.objects.filter(source__in=_sources(filters)).select_related("source"):
        latest[snapshot.source_id] = snapshot
    rows = []
    for snapshot in sorted(latest.values(), key=lambda s: s.source.name):
        shares = []
        for attribute, _ in SHARES:
            part, whole = getattr(snapshot, attribute), snapshot.records
            small = 0 < part < threshold or 0 < whole - part < threshold
            shares.append("[c]" if small else f"{100 * part / whole:.1f}%" if whole else "—")
        backlog = snapshot.review_backlog
        rows.append(
            {
                "feed": snapshot.source.name,
                "records": "[c]" if 0 < snapshot.records < threshold else f"{snapshot.records:,}",
                "shares": shares,
                "backlog": "[c]" if 0 < backlog < threshold else f"{backlog:,}",
                "day": snapshot.day,
            }
        )
    return rows


def completeness_history(filters: Filters, attribute: str = "linked_elsewhere") -> Table:
    """One share's history, month by month, from each feed's last snapshot in the month. Months before the
    first snapshot are left out rather than shown as nought."""
    last: dict[tuple[str, int], tuple[int, int]] = {}
    for day, source_id, part, whole in (
        FeedQualitySnapshot.objects.filter(
            source__in=_sources(filters), day__gte=filters.first_month, day__lt=filters.ends.date()
        )
        .order_by("day")
        .values_list("day", "source_id", attribute, "records")
    ):
        last[(month_label(day), source_id)] = (part, whole)
    by_month: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (month, _), (part, whole) in last.items():
        by_month[month][0] += part
        by_month[month][1] += whole
    months = [month_label(m) for m in filters.months if month_label(m) in by_month]
    label = dict(SHARES)[attribute]
    return Table(
        key=f"history-{attribute}",
        caption=f"Records {label[0].lower()}{label[1:]}, by month",
        row_heading="Month",
        rows=months,
        columns=[label, "Not"],
        body=[[by_month[m][0], by_month[m][1] - by_month[m][0]] for m in months],
        column_totals=False,
        total_label="Records",
    )


def take_snapshot(day=None) -> int:
    """Today's picture of every active feed's records, kept for the history (one per feed per day)."""
    day = day or timezone.localdate()
    live = PartnerRecord.objects.filter(removed_at__isnull=True)
    elsewhere = PersonLink.objects.filter(person_id=OuterRef("link__person_id")).exclude(
        partner_record__source_id=OuterRef("source_id")
    )
    counts = {
        row["source_id"]: row
        for row in live.values("source_id").annotate(
            records=Count("pk"),
            with_nhs_number=Count("pk", filter=Q(nhs_number_valid=True)),
            with_date_of_birth=Count("pk", filter=Q(date_of_birth__isnull=False)),
            with_postcode=Count("pk", filter=~Q(postcode="")),
            with_uprn=Count("pk", filter=~Q(uprn="")),
        )
    }
    linked = dict(
        live.filter(Exists(elsewhere))
        .values("source_id")
        .annotate(n=Count("pk"))
        .values_list("source_id", "n")
    )
    backlog: Counter = Counter()
    for a, b in MatchCandidate.objects.filter(status=MatchCandidate.Status.OPEN).values_list(
        "record_a__source_id", "record_b__source_id"
    ):
        backlog.update({a, b})
    written = 0
    for source in Source.objects.filter(is_active=True):
        row = counts.get(source.pk, {})
        FeedQualitySnapshot.objects.update_or_create(
            source=source,
            day=day,
            defaults={
                "records": row.get("records", 0),
                **{attribute: row.get(attribute, 0) for attribute, _ in SHARES[:4]},
                "linked_elsewhere": linked.get(source.pk, 0),
                "review_backlog": backlog[source.pk],
            },
        )
        written += 1
    return written
