"""Writing a load's plan (feeds/plan.py) to the database, inside the caller's transaction.

Removed records are marked removed, not deleted, so links and audit history stay explainable until retention
purges them. Kept records (named by a rejected row) are left exactly as they were and only marked "not updated
by load N", so the feed owner can see which of their records MAST is still showing from an older file.

Rows are written a chunk at a time from the load's spill (feeds/spill.py), in two passes: every person first
(from their latest row, wherever it is in the file), then every involvement, which needs its person's id. Each
record's prior version is saved just before its chunk changes it, so a load can still be undone.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from mast.feeds import bulk
from mast.feeds.models import FlaggedRow, Involvement, Load, PartnerRecord, PriorVersion, RejectedRow, Source
from mast.feeds.plan import (
    INVOLVEMENT_FIELDS,
    PERSON_FIELDS,
    InvolvementChange,
    LoadPlan,
    PersonChange,
    involvement_changes,
    involvement_digest,
    person_changes,
    person_ids,
)
from mast.feeds.spill import KeyStore, Spill
from mast.feeds.undo import save_prior_versions

BATCH = 2000
Progress = Callable[[str, int, int | None], None]
STALE = ("stale_load", "stale_reason")


@dataclass(frozen=True)
class Flagged:
    line_number: int
    record_id: str
    problems: list[str]


def write_flagged(load: Load, flagged: Spill) -> None:
    load.flagged_rows.all().delete()
    for chunk in flagged.chunks():
        FlaggedRow.objects.bulk_create(
            (
                FlaggedRow(load=load, line_number=f.line_number, record_id=f.record_id, problems=f.problems)
                for f in chunk
            ),
            batch_size=BATCH,
        )


def write_rejections(load: Load, rejections: Spill, kept_lines: set[int]) -> None:
    # A held load that is confirmed is written again: its first run's rejected rows are replaced, not doubled.
    load.rejected_rows.all().delete()
    for chunk in rejections.chunks():  # bulk_create makes a list of what it is given: a chunk at a time
        RejectedRow.objects.bulk_create(
            (
                RejectedRow(
                    load=load,
                    line_number=r.line_number,
                    field=r.field,
                    reason=r.reason[:300],
                    raw=r.raw,
                    record_id=r.record_id,
                    person_ref=r.person_ref,
                    kept=r.line_number in kept_lines,
                )
                for r in chunk
            ),
            batch_size=BATCH,
        )


def write_plan(
    source: Source, load: Load, plan: LoadPlan, rows: Spill, keys: KeyStore, progress: Progress | None
) -> list[int]:
    """Apply the plan; returns the ids of partner records that are new or changed, for matching."""
    updated_people: list[int] = []
    for chunk in rows.chunks():
        changes, _ = person_changes(source, keys.latest_rows(chunk))
        save_prior_versions(load, PriorVersion.Kind.PERSON, [c.pk for c in changes if c.pk is not None])
        updated_people += _write_people(source, load, changes)
    # By the load alone (it is the source's): with the source too, SQLite (no statistics) reads every record
    # of the source through its index rather than the load's few.
    new_people = list(PartnerRecord.objects.filter(first_load=load).values_list("pk", flat=True))
    if progress:
        progress("records", len(new_people) + len(updated_people), None)
    done = 0
    for chunk in rows.chunks():
        ids = person_ids(source, chunk)  # every person of the file is held now
        changes, _ = involvement_changes(source, chunk, ids)
        save_prior_versions(load, PriorVersion.Kind.INVOLVEMENT, [c.pk for c in changes if c.pk is not None])
        _write_involvements(source, load, changes, ids)
        done += len(chunk)
        if progress:
            progress("involvements", done, rows.count)
    if progress:
        progress("removals", len(plan.removed_involvements), None)
    _save_priors(load, plan)
    now = timezone.now()
    _mark(Involvement, plan.removed_involvements, removed_at=now, changed_load=load)
    _mark(PartnerRecord, plan.removed_people, removed_at=now, changed_load=load)
    _mark(Involvement, plan.cleared_involvements, stale_load=None, stale_reason="")
    _mark(PartnerRecord, plan.cleared_people, stale_load=None, stale_reason="")
    _mark_kept(Involvement, plan.kept_involvements, load)
    _mark_kept(PartnerRecord, plan.kept_people, load)
    return new_people + updated_people


def _save_priors(load: Load, plan: LoadPlan) -> None:
    """What the load is about to mark (removed, kept, cleared), as it is now, so the load can be undone
    (feeds/undo.py). Written records had theirs saved chunk by chunk."""
    people = [*plan.removed_people, *plan.cleared_people, *plan.kept_people]
    involvements = [*plan.removed_involvements, *plan.cleared_involvements, *plan.kept_involvements]
    save_prior_versions(load, PriorVersion.Kind.PERSON, people)
    save_prior_versions(load, PriorVersion.Kind.INVOLVEMENT, involvements)


def _write_people(source: Source, load: Load, changes: list[PersonChange]) -> list[int]:
    """Insert and update these people; returns the pks of those updated (the new ones are found by load)."""
    now = timezone.now()
    changing = (*PERSON_FIELDS, "flags", "content_hash", "changed_load", "removed_at", "updated_at", *STALE)
    new, updated = [], []
    for change in changes:
        values = [change.row.values[name] for name in PERSON_FIELDS]
        changed_values = [*values, change.flags, change.digest, load.pk, None, now, None, ""]
        if change.pk is None:
            new.append([source.pk, change.person_ref, load.pk, *changed_values])
        else:
            updated.append([*changed_values, change.pk])
    bulk.insert_rows(PartnerRecord, ("source", "person_ref", "first_load", *changing), new)
    bulk.update_rows(PartnerRecord, changing, updated)
    return [row[-1] for row in updated]


def _write_involvements(source, load, changes: list[InvolvementChange], ids: dict[str, int]) -> None:
    changing = (*INVOLVEMENT_FIELDS, "partner_record", "flags", "content_hash", "changed_load", "removed_at")
    changing = (*changing, *STALE)
    new, updated = [], []
    for change in changes:
        row = change.row
        person_id = ids[row.values["person_ref"]]
        digest = change.digest or involvement_digest(row, person_id)
        values = [row.values[name] for name in INVOLVEMENT_FIELDS]
        flags = {k: v for k, v in row.flags.items() if k not in PERSON_FIELDS}
        changed_values = [*values, person_id, flags, digest, load.pk, None, None, ""]
        if change.pk is None:
            new.append([source.pk, row.values["record_id"], load.pk, *changed_values])
        else:
            updated.append([*changed_values, change.pk])
    bulk.insert_rows(Involvement, ("source", "record_id", "first_load", *changing), new)
    bulk.update_rows(Involvement, changing, updated)


def _mark(model, pks: list[int], **changes) -> None:
    for start in range(0, len(pks), BATCH):
        model.objects.filter(pk__in=pks[start : start + BATCH]).update(**changes)


def _mark_kept(model, kept: dict[int, str], load: Load) -> None:
    by_reason: dict[str, list[int]] = {}
    for pk, reason in kept.items():
        by_reason.setdefault(reason[:300], []).append(pk)
    for reason, pks in by_reason.items():
        _mark(model, pks, stale_load=load, stale_reason=reason)
