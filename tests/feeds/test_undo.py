"""Undoing a load: the source is put back as it was before it, later loads with it, audited, and the records
concerned matched again (issue 13, item 4)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from mast.audit.models import AuditEvent
from mast.feeds.models import Involvement, Load, PartnerRecord, PriorVersion
from mast.feeds.services import Confirmation, load_file
from mast.identity.models import PersonLink
from mast.ingest.intake import ingest_file, undo_load
from tests.factories.feeds import rows
from tests.feeds.conftest import write_feed

CONFIRMED = Confirmation(how="test")


def visible():
    """What practitioners can see of the feed: its current records and involvements, with their details."""
    return (
        sorted(
            PartnerRecord.objects.filter(removed_at__isnull=True).values_list(
                "person_ref", "given_name", "address_line_1", "content_hash"
            )
        ),
        sorted(
            Involvement.objects.filter(removed_at__isnull=True).values_list(
                "record_id", "status", "start_date", "partner_record__person_ref", "content_hash"
            )
        ),
    )


def test_undoing_a_wrong_snapshot_brings_back_what_it_removed_and_changed(source, tmp_path):
    ingest_file(source, write_feed(tmp_path / "day1.csv", rows(60)))
    before = visible()
    # A wrong file, confirmed anyway: a third of the feed gone, a name changed, new records.
    wrong = [r.replace("Amy1,", "Amelia1,") for r in rows(40, start=20)] + rows(5, start=100)
    bad = ingest_file(source, write_feed(tmp_path / "day2.csv", wrong), confirmed=CONFIRMED).load
    assert visible() != before and PriorVersion.objects.filter(load=bad).exists()

    result = undo_load(bad, how="test")

    assert visible() == before
    bad.refresh_from_db()
    assert bad.status == Load.Status.UNDONE and result.matching is not None
    event = AuditEvent.objects.get(action="undo_feed_load")
    assert event.target == f"load:{bad.pk}" and event.detail["loads_undone"] == [bad.pk]
    # Matched again: every visible record belongs to a person.
    assert PersonLink.objects.filter(partner_record__removed_at__isnull=True).count() == 20
    # The same file can be sent again: it is no longer "already loaded".
    again = load_file(source, write_feed(tmp_path / "day2.csv", wrong), confirmed=CONFIRMED).load
    assert again.status == Load.Status.LOADED


def test_undoing_a_load_undoes_the_later_ones_too(source, tmp_path):
    load_file(source, write_feed(tmp_path / "day1.csv", rows(60)))
    before = visible()
    second = load_file(source, write_feed(tmp_path / "day2.csv", rows(58)), confirmed=CONFIRMED).load
    third = load_file(source, write_feed(tmp_path / "day3.csv", rows(59, start=1)), confirmed=CONFIRMED).load

    undo_load(second, how="test")

    assert visible() == before
    assert set(Load.objects.filter(status=Load.Status.UNDONE).values_list("pk", flat=True)) == {
        second.pk,
        third.pk,
    }


def test_only_the_last_few_loads_can_be_undone(source, tmp_path, settings):
    settings.MAST_UNDO_LOADS = 2
    loads = [load_file(source, write_feed(tmp_path / f"d{i}.csv", rows(60 + i))).load for i in range(4)]

    assert not PriorVersion.objects.filter(load__in=loads[:2]).exists()
    with pytest.raises(CommandError, match=r"Only a feed.s last 2 applied files"):
        call_command("undo_load", str(loads[1].pk), stdout=StringIO())
    out = StringIO()
    call_command("undo_load", "--list", source.code, stdout=out)
    assert [int(line.split()[0]) for line in out.getvalue().splitlines()] == [loads[3].pk, loads[2].pk]

    call_command("undo_load", str(loads[2].pk), stdout=StringIO())
    assert Involvement.objects.filter(removed_at__isnull=True).count() == 61
