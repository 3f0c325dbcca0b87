"""Rebuilding oversight's index of whom each audit event showed (`Shown`) from the audit log itself.

The index is written with each event, in its transaction (mast.oversight.watch), so it needs rebuilding only
when it cannot be trusted: restored from a backup older than the log, a change to what counts as "shown", or
rows lost by hand. The log is the record; this makes the index say again exactly what the log says.

Each batch of events is re-indexed in its own transaction (its old rows out, its new rows in), so the index
is never missing more than the batch being written, a rebuild can run while MAST is in use (events written
meanwhile index themselves), and an interrupted rebuild resumes with `--from`.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from mast.audit.models import AuditEvent
from mast.oversight.models import Shown
from mast.oversight.watch import shown_by

BATCH = 5000
_FIELDS = ("sequence", "at", "user_id", "action", "outcome", "target", "detail")


@dataclass(frozen=True)
class Reindexed:
    events: int
    rows_before: int
    rows_after: int
    last_sequence: int


def reindex(
    first: int = 1, batch: int = BATCH, progress: Callable[[int, int], None] | None = None
) -> Reindexed:
    """Re-index every event from sequence `first` to the newest at the start; `progress(done, last)` is told
    after each batch."""
    last = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    events = before = after = 0
    start = first
    while start <= last:
        end = min(last, start + batch - 1)
        rows = AuditEvent.objects.filter(sequence__gte=start, sequence__lte=end).only(*_FIELDS)
        with transaction.atomic():
            old = Shown.objects.filter(event_id__gte=start, event_id__lte=end)
            before += old.count()
            old.delete()
            new = [
                Shown(event_id=event.sequence, user_id=event.user_id, at=event.at, subject=subject, how=how)
                for event in rows.iterator(chunk_size=batch)
                for subject, how in shown_by(event)
            ]
            Shown.objects.bulk_create(new, batch_size=1000)
        events += end - start + 1
        after += len(new)
        if progress:
            progress(end, last)
        start = end + 1
    return Reindexed(events, before, after, last)
