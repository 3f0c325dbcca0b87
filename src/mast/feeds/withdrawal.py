"""Withdrawing one record: a partner says an involvement it sent should no longer be shared.

A withdrawal is recorded as a load of its own (so the feed owner sees it with the source's other loads, and
it can be undone like one): the involvement is marked removed, not deleted, and its person too when it was
their last live involvement with this source — exactly what a snapshot that left the record out would do.
"""

import hashlib

from django.db import transaction
from django.utils import timezone

from mast.feeds.models import Involvement, Load, PartnerRecord, PriorVersion, Source
from mast.feeds.undo import forget_older_than_undoable, save_prior_versions


class NotHeld(LookupError):
    """The source holds no live record with this record_id."""


@transaction.atomic
def withdraw(source: Source, record_id: str, *, label: str, pushed: bool = True) -> Load:
    """Mark the source's record removed; returns the load that did it. Raises NotHeld if there is none."""
    involvement = (
        Involvement.objects.select_for_update()
        .filter(source=source, record_id=record_id, removed_at__isnull=True)
        .first()
    )
    if involvement is None:
        raise NotHeld(record_id)
    now = timezone.now()
    load = Load.objects.create(
        source=source,
        file_name=label[:255],
        sha256=hashlib.sha256(
            f"withdraw\x1f{source.pk}\x1f{record_id}\x1f{now.isoformat()}".encode()
        ).hexdigest(),
        status=Load.Status.LOADED,
        stage=Load.Stage.DONE,
        finished_at=now,
        records_removed=1,
        message=f"Record {record_id} withdrawn by the partner.",
        pushed=pushed,
    )
    save_prior_versions(load, PriorVersion.Kind.INVOLVEMENT, [involvement.pk])
    Involvement.objects.filter(pk=involvement.pk).update(removed_at=now, changed_load=load)
    others = Involvement.objects.filter(
        partner_record_id=involvement.partner_record_id, removed_at__isnull=True
    ).exists()
    if not others:
        save_prior_versions(load, PriorVersion.Kind.PERSON, [involvement.partner_record_id])
        PartnerRecord.objects.filter(pk=involvement.partner_record_id).update(
            removed_at=now, changed_load=load
        )
    forget_older_than_undoable(source)
    return load
