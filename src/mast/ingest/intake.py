"""The hand-over from feeds to identity: load a partner's file, then match the records it brought.

Feeds knows nothing of identity (data flows one way), so the pipeline lives here, above both. The command
line (`mast load`), the feed owner's upload (a background task, queued by ingest.queue) and the demo all come
through here.
"""

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from mast.alerts.services import raise_for_load as raise_alerts
from mast.analytics.tasks import ask_for_refresh
from mast.feeds import undo
from mast.feeds.bulk import refresh_statistics
from mast.feeds.mapping import Mapping
from mast.feeds.models import Load, PartnerRecord, Source
from mast.feeds.services import Confirmation, Progress, note_stage, queue_load, run_load
from mast.feeds.withdrawal import withdraw
from mast.governance.standing import standing
from mast.identity.record_store import writes_on_commit
from mast.identity.resolution import ResolutionSummary, resolve_records, resolve_removed


class OutsideAgreement(Exception):
    """The sharing agreement does not let this source's agency send data today (governance/standing.py)."""


@dataclass(frozen=True)
class IngestResult:
    load: Load
    matching: ResolutionSummary | None


def ingest_file(
    source: Source,
    path: Path,
    *,
    user=None,
    file_name: str | None = None,
    progress: Progress | None = None,
    confirmed: Confirmation | None = None,
) -> IngestResult:
    said = standing(source.agency, sending=True)
    if not said.allowed:
        raise OutsideAgreement(said.why)
    load = queue_load(source, path, user=user, file_name=file_name)
    return ingest_queued(load, path, progress=progress, confirmed=confirmed)


def ingest_queued(
    load: Load,
    path: Path,
    *,
    progress: Progress | None = None,
    confirmed: Confirmation | None = None,
    mapping: Mapping | None = None,
) -> IngestResult:
    matched: list[ResolutionSummary] = []

    def match(written: Load, changed: list[int]) -> None:
        # Inside the load's transaction: a load is applied with its people matched, or not at all. A snapshot
        # that no longer holds a record removes it, and the people it belonged to are matched again as a
        # withdrawal's are: two people joined only through it come apart now, not at some later load.
        note_stage(written, Load.Stage.MATCHING)
        removed = list(
            PartnerRecord.objects.filter(changed_load=written, removed_at__isnull=False).values_list(
                "pk", flat=True
            )
        )
        with writes_on_commit():
            matched.append(resolve_removed(removed, changed) if removed else resolve_records(changed))
        if progress:
            progress("matching", len(changed), len(changed))

    outcome = run_load(load, path, progress=progress, confirmed=confirmed, after_write=match, mapping=mapping)
    if outcome.load.status != Load.Status.LOADED:
        return IngestResult(outcome.load, None)
    # A load changes the tables' sizes (the first one, from nothing to thousands): the planner's statistics
    # with them, before the alerts and every page after read through them (ADR 0042).
    refresh_statistics()
    # Once the new records belong to people: tell other agencies' allocated workers (mast.alerts).
    raise_alerts(outcome.load)
    # Then the partnership's figures (mast.analytics), on the background worker: they never hold up or undo
    # the load.
    ask_for_refresh()
    return IngestResult(outcome.load, matched[0] if matched else None)


@transaction.atomic
def withdraw_record(source: Source, record_id: str, *, label: str) -> IngestResult:
    """Withdraw one record (feeds.withdrawal) and match again, in the same transaction, the people its
    partner record belonged to when it was the record's last live involvement — as a load's people are
    matched with it. Raises feeds.withdrawal.NotHeld when the source holds no such record."""
    load = withdraw(source, record_id, label=label)
    removed = list(
        PartnerRecord.objects.filter(changed_load=load, removed_at__isnull=False).values_list("pk", flat=True)
    )
    if not removed:
        return IngestResult(load, None)  # the person's record stays, with its other involvements
    with writes_on_commit():
        return IngestResult(load, resolve_removed(removed))


@transaction.atomic
def undo_load(load: Load, user=None, *, how: str = "command line (mast undo_load)") -> IngestResult:
    """Undo the load (and any later ones of its source) and re-match the records concerned, together."""
    undone, touched = undo.undo(load, user, how=how)
    with writes_on_commit():
        matching = resolve_records(touched)
    return IngestResult(undone[-1], matching)
