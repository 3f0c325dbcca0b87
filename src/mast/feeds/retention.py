"""The retention purge: headline data older than the sharing agreement's retention period is removed.

An involvement is kept while it is open and for `retention_months` after it ended (or, with no end date,
after it started). A partner record with no involvements left goes with it; so do rejected rows and archived
files of loads older than the period. Each run is recorded as counts, never contents.

The audit log's events older than the cut-off keep their place in the chain and lose whom and what they were
about (mast.audit.redaction): the chain still verifies.

What other parts of MAST keep about people (requests and their replies) sits above `feeds`, which may not
import it: they purge their own on the `purged` signal, in the same transaction, and return their counts.

The retention period and the display window are the agreement's in force (mast.governance.services), or the
MAST_RETENTION_MONTHS and MAST_DISPLAY_MONTHS settings while no agreement is recorded.
"""

import calendar
from datetime import date
from pathlib import Path

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import Coalesce
from django.dispatch import Signal
from django.utils import timezone

from mast.audit.redaction import YOUNGEST_MONTHS, redact_before
from mast.feeds.models import Involvement, Load, PartnerRecord, Purge, RejectedRow
from mast.governance import services as governance

# Sent inside the purge's transaction with `cutoff` (a date) and `today`; each receiver removes what it keeps
# that is older than the cutoff and returns {what: how many}, recorded with the run.
purged = Signal()


def months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def display_from(today: date | None = None) -> date:
    """The earliest date practitioners see by default (the display window)."""
    today = today or timezone.localdate()
    return months_before(today, governance.display_window_months(today))


@transaction.atomic
def purge(*, today: date | None = None, retention_months: int | None = None, user=None) -> Purge:
    today = today or timezone.localdate()
    months = retention_months or governance.retention_months(today)
    cutoff = months_before(today, months)
    expired = (
        Involvement.objects.annotate(ended=Coalesce("end_date", "start_date"))
        .filter(ended__lt=cutoff)
        .exclude(status=Involvement.Status.OPEN)
    )
    _, deleted = Involvement.objects.filter(pk__in=expired.values("pk")).delete()
    orphans = PartnerRecord.objects.filter(~Exists(Involvement.objects.filter(partner_record=OuterRef("pk"))))
    _, deleted_records = orphans.delete()
    old_loads = Load.objects.filter(started_at__date__lt=cutoff)
    _, deleted_rejects = RejectedRow.objects.filter(load__in=old_loads).delete()
    # The audit log keeps a year's detail however short the retention period (mast.audit.redaction).
    audit = redact_before(min(cutoff, months_before(timezone.localdate(), YOUNGEST_MONTHS + 1)))
    others: dict[str, int] = {"audit events redacted": audit.redacted}
    if audit.kept_unsealed:
        others["audit events kept whole (written before seals)"] = audit.kept_unsealed
    for _receiver, counts in purged.send(sender=Purge, cutoff=cutoff, today=today):
        for what, count in (counts or {}).items():
            others[what] = others.get(what, 0) + count
    return Purge.objects.create(
        ran_by=user,
        retention_months=months,
        cutoff=cutoff,
        involvements_removed=deleted.get("feeds.Involvement", 0),
        records_removed=deleted_records.get("feeds.PartnerRecord", 0),
        rejected_rows_removed=deleted_rejects.get("feeds.RejectedRow", 0),
        archived_files_removed=_remove_archives(old_loads),
        others_removed=others,
    )


def _remove_archives(old_loads) -> int:
    """Archived copies of old loads are deleted unless a newer load still points at the same file."""
    still_needed = set(
        Load.objects.exclude(pk__in=old_loads.values("pk"))
        .exclude(archive_path="")
        .values_list("archive_path", flat=True)
    )
    removed = 0
    for path_text in set(old_loads.exclude(archive_path="").values_list("archive_path", flat=True)):
        path = Path(path_text)
        if path_text not in still_needed and path.exists():
            path.unlink()
            removed += 1
    old_loads.exclude(archive_path="").update(archive_path="")
    return removed
