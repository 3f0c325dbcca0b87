"""Writing a load's plan (feeds/plan.py) to the database, inside the caller's transaction.

Removed records are marked removed, not deleted, so links and audit history stay explainable until retention
purges them. Kept records (named by a rejected row) are left exactly as they were and only marked "not updated
by load N", so the feed owner can see which of their records MAST is still showing from an older file.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from mast.feeds import bulk
from mast.feeds.models import FlaggedRow, Involvement, Load, PartnerRecord, PriorVersion, RejectedRow, Source
from mast.feeds.plan import INVOLVEMENT_FIELDS, PERSON_FIELDS, LoadPlan, involvement_digest
from mast.feeds.undo import save_prior_versions
from mast.feeds.validation import Rejection

BATCH = 2000
Progress = Callable[[str, int, int | None], None]
STALE = ("stale_load", "stale_reason")


@dataclass(frozen=True)
class Flagged:
    line_number: int
    record_id: str
    problems: list[str]


def write_flagged(load: Load, flagged: list[Flagged]) -> None:
    load.flagged_rows.all().delete()
    FlaggedRow.objects.bulk_create(
        (
            FlaggedRow(load=load, line_number=f.line_number, record_id=f.record_id, problems=f.problems)
            for f in flagged
        ),
        batch_size=BATCH,
    )


def write_rejections(load: Load, rejections: list[Rejection], kept_lines: set[int]) -> None:
    # A held load that is confirmed is written again: its first run's rejected rows are replaced, not doubled.
    load.rejected_rows.all().delete()
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
            for r in rejections
        ),
        batch_size=BATCH,
    )


def write_plan(source: Source, load: Load, plan: LoadPlan, progress: Progress | None) -> list[int]:
    """Apply the plan; returns the ids of partner records that are new or changed, for matching."""
    _save_priors(load, plan)
    person_ids, changed = _write_people(source, load, plan)
    if progress:
        progress("records", len(plan.people), len(plan.people))
    _write_involvements(source, load, plan, person_ids, progress)
    if progress:
        progress("removals", len(plan.removed_involvements), None)
    now = timezone.now()
    _mark(Involvement, plan.removed_involvements, removed_at=now, changed_load=load)
    _mark(PartnerRecord, plan.removed_people, removed_at=now, changed_load=load)
    _mark(Involvement, plan.cleared_involvements, stale_load=None, stale_reason="")
    _mark(PartnerRecord, plan.cleared_people, stale_load=None, stale_reason="")
    _mark_kept(Involvement, plan.kept_involvements, load)
    _mark_kept(PartnerRecord, plan.kept_people, load)
    return changed


def _save_priors(load: Load, plan: LoadPlan) -> None:
    """What this load is about to change, as it is now, so the load can be undone (feeds/undo.py)."""
    people = [c.pk for c in plan.people if c.pk is not None]
    people += [*plan.removed_people, *plan.cleared_people, *plan.kept_people]
    involvements = [c.pk for c in plan.involvements if c.pk is not None]
    involvements += [*plan.removed_involvements, *plan.cleared_involvements, *plan.kept_involvements]
    save_prior_versions(load, PriorVersion.Kind.PERSON, people)
    save_prior_versions(load, PriorVersion.Kind.INVOLVEMENT, involvements)


def _write_people(source: Source, load: Load, plan: LoadPlan) -> tuple[dict[str, int], list[int]]:
    now = timezone.now()
    changing = (*PERSON_FIELDS, "flags", "content_hash", "changed_load", "removed_at", "updated_at", *STALE)
    new, updated = [], []
    for change in plan.people:
        values = [change.row.values[name] for name in PERSON_FIELDS]
        changed_values = [*values, change.flags, change.digest, load.pk, None, now, None, ""]
        if change.pk is None:
            new.append([source.pk, change.person_ref, load.pk, *changed_values])
        else:
            updated.append([*changed_values, change.pk])
    bulk.insert_rows(PartnerRecord, ("source", "person_ref", "first_load", *changing), new)
    bulk.update_rows(PartnerRecord, changing, updated)
    ids = dict(plan.person_ids)
    new_ids = []
    if new:
        for ref, pk in PartnerRecord.objects.filter(source=source, first_load=load).values_list(
            "person_ref", "pk"
        ):
            ids[ref] = pk
            new_ids.append(pk)
    return ids, new_ids + [row[-1] for row in updated]


def _write_involvements(source, load, plan: LoadPlan, person_ids: dict[str, int], progress) -> None:
    changing = (*INVOLVEMENT_FIELDS, "partner_record", "flags", "content_hash", "changed_load", "removed_at")
    changing = (*changing, *STALE)
    new, updated = [], []
    total = len(plan.involvements)
    for count, change in enumerate(plan.involvements, start=1):
        row = change.row
        person_id = person_ids[row.values["person_ref"]]
        digest = change.digest or involvement_digest(row, person_id)
        values = [row.values[name] for name in INVOLVEMENT_FIELDS]
        flags = {k: v for k, v in row.flags.items() if k not in PERSON_FIELDS}
        changed_values = [*values, person_id, flags, digest, load.pk, None, None, ""]
        if change.pk is None:
            new.append([source.pk, row.values["record_id"], load.pk, *changed_values])
        else:
            updated.append([*changed_values, change.pk])
        if progress and count % 10_000 == 0:
            progress("involvements", count, total)
    bulk.insert_rows(Involvement, ("source", "record_id", "first_load", *changing), new)
    bulk.update_rows(Involvement, changing, updated)
    if progress:
        progress("involvements", total, total)


def _mark(model, pks: list[int], **changes) -> None:
    for start in range(0, len(pks), BATCH):
        model.objects.filter(pk__in=pks[start : start + BATCH]).update(**changes)


def _mark_kept(model, kept: dict[int, str], load: Load) -> None:
    by_reason: dict[str, list[int]] = {}
    for pk, reason in kept.items():
        by_reason.setdefault(reason[:300], []).append(pk)
    for reason, pks in by_reason.items():
        _mark(model, pks, stale_load=load, stale_reason=reason)
