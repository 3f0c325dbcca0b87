"""Undoing loads: a source put back as it was before one of its last few loads.

A wrong file that was confirmed anyway, or a partner's export that was right in shape and wrong in content,
must be reversible without restoring a backup over everyone else's data. So while a load writes, the records
it changes are kept as they were (`PriorVersion`, written by feeds/writing.py), for the source's last
`MAST_UNDO_LOADS` applied files with the partner API pushes since them (`undo_window_start`). Undoing load
K undoes every later load of the source too, newest first (a later snapshot was built on K's): each one's
changed records get their prior values back and the records it created are marked removed (not deleted:
alerts and links may point at them). The loads are marked undone, and the undo is audited. The caller
(ingest.intake) re-runs matching for the records returned.
"""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from mast.audit import chain
from mast.feeds.models import Involvement, Load, PartnerRecord, PriorVersion
from mast.feeds.plan import INVOLVEMENT_FIELDS, PERSON_FIELDS

COMMON = ("flags", "content_hash", "changed_load", "removed_at", "stale_load", "stale_reason")
KEPT = {
    PriorVersion.Kind.PERSON: (PartnerRecord, (*PERSON_FIELDS, *COMMON)),
    PriorVersion.Kind.INVOLVEMENT: (Involvement, (*INVOLVEMENT_FIELDS, "partner_record", *COMMON)),
}
CHUNK = 2000


class CannotUndo(ValueError):
    """Why this load cannot be undone, in words for its feed owner."""


def save_prior_versions(load: Load, kind: str, pks: list[int]) -> None:
    """Keep these records as they are now, before `load` changes them."""
    model, names = KEPT[kind]
    attnames = [model._meta.get_field(n).attname for n in names]
    for start in range(0, len(pks), CHUNK):
        rows = model.objects.filter(pk__in=pks[start : start + CHUNK]).values("pk", *attnames)
        PriorVersion.objects.bulk_create(
            (
                PriorVersion(
                    load=load,
                    kind=kind,
                    record_pk=row.pop("pk"),
                    values=json.loads(json.dumps(row, cls=DjangoJSONEncoder)),
                )
                for row in rows
            ),
            batch_size=CHUNK,
        )


def undo_window_start(source) -> int | None:
    """The oldest of the source's applied loads that can still be undone (its id), or None if none can.

    The window holds the source's last `MAST_UNDO_LOADS` applied loads, and its last `MAST_UNDO_LOADS`
    loads of *files* with every load after them. A partner pushing through the API makes a load of each
    push, hundreds a day; counted like files they would leave the feed owner unable to undo yesterday's
    file. Undoing a file undoes the pushes after it too (they were applied on top of it), so those stay
    undoable with it.
    """
    applied = Load.objects.filter(source=source, kind=Load.Kind.RECORDS, status=Load.Status.LOADED)
    keep = settings.MAST_UNDO_LOADS
    if keep <= 0:
        return None
    starts = [
        ids[-1]
        for ids in (
            list(applied.order_by("-pk").values_list("pk", flat=True)[:keep]),
            list(applied.filter(pushed=False).order_by("-pk").values_list("pk", flat=True)[:keep]),
        )
        if ids
    ]
    return min(starts) if starts else None


def undoable_loads(source) -> list[Load]:
    """The source's applied loads that can still be undone, newest first (see `undo_window_start`)."""
    start = undo_window_start(source)
    if start is None:
        return []
    applied = Load.objects.filter(source=source, kind=Load.Kind.RECORDS, status=Load.Status.LOADED)
    return list(applied.filter(pk__gte=start).order_by("-pk"))


def forget_older_than_undoable(source) -> None:
    """Prior versions are kept only for the loads that can still be undone."""
    start = undo_window_start(source)
    older = PriorVersion.objects.filter(load__source=source)
    (older if start is None else older.filter(load__pk__lt=start)).delete()


def why_not(load: Load) -> str:
    if load.kind != Load.Kind.RECORDS or load.status != Load.Status.LOADED:
        return "Only an applied load of records can be undone."
    start = undo_window_start(load.source)
    if start is None or load.pk < start:
        return (
            f"Only a feed's last {settings.MAST_UNDO_LOADS} applied files (with the partner API pushes "
            "since them) can be undone."
        )
    return ""


@transaction.atomic
def undo(
    load: Load, user=None, *, how: str = "command line (mast undo_load)"
) -> tuple[list[Load], list[int]]:
    """Put the source back as it was before `load`. Returns the loads undone and the partner records whose
    details changed, for matching."""
    reason = why_not(load)
    if reason:
        raise CannotUndo(reason)
    loads = [later for later in undoable_loads(load.source) if later.pk >= load.pk]
    touched: set[int] = set()
    now = timezone.now()
    for later in loads:  # newest first
        created = list(PartnerRecord.objects.filter(first_load=later).values_list("pk", flat=True))
        touched.update(created)
        PartnerRecord.objects.filter(first_load=later).update(removed_at=now)
        Involvement.objects.filter(first_load=later).update(removed_at=now)
        for kind, (model, names) in KEPT.items():
            fields = [model._meta.get_field(n) for n in names]
            for prior in later.prior_versions.filter(kind=kind).iterator(chunk_size=CHUNK):
                values = {f.attname: f.to_python(prior.values.get(f.attname)) for f in fields}
                model.objects.filter(pk=prior.record_pk).update(**values)
                touched.add(
                    values["partner_record_id"] if kind == PriorVersion.Kind.INVOLVEMENT else prior.record_pk
                )
        later.prior_versions.all().delete()
        later.status = Load.Status.UNDONE
        later.message = f"Undone on {now:%d %b %Y %H:%M} ({how})."
        later.save(update_fields=["status", "message"])
    chain.append(
        user=user,
        action="undo_feed_load",
        target=f"load:{load.pk}",
        detail={"source": load.source.code, "loads_undone": [x.pk for x in loads], "by": how},
    )
    return loads, sorted(touched)
