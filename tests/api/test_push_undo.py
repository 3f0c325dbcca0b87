"""Pushes do not crowd a feed's files out of undo: a partner pushing all day still leaves its feed owner able
to undo the last few files, and undoing a file undoes the pushes made since it."""

import pytest

from mast.feeds.models import Involvement, Load, PriorVersion
from mast.feeds.undo import undoable_loads, why_not
from mast.ingest.intake import ingest_file, undo_load
from tests.alerts.conftest import HEADER, ROBIN, row
from tests.api.conftest import ELLIS, record

pytestmark = pytest.mark.django_db
URL = "/api/v1/records/"


def push(world, *records):
    response = world.pusher().post(URL, {"records": list(records)}, format="json")
    assert response.status_code == 200, response.json()
    return Load.objects.get(pk=response.json()["load"])


def file_load(world, path, *lines):
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return ingest_file(world.police, path).load


def live(world) -> dict:
    return {
        i.record_id: i.status
        for i in Involvement.objects.filter(source=world.police, removed_at=None).order_by("record_id")
    }


def test_a_file_stays_undoable_after_more_pushes_than_the_undo_window_and_undoing_it_undoes_them(
    world, settings, tmp_path
):
    settings.MAST_UNDO_LOADS = 2
    world.police.mode = "delta"
    world.police.save()
    monday = file_load(world, tmp_path / "monday.csv", row("F1", "N1", ROBIN, "DOMESTIC", "2026-11-01"))
    tuesday = file_load(
        world, tmp_path / "tuesday.csv", row("F1", "N1", ROBIN, "DOMESTIC", "2026-11-01", status="CLOSED")
    )
    pushes = [push(world, record(f"P{n}", "N2", ELLIS, start_date="2026-11-02")) for n in range(4)]
    assert live(world) == {"F1": "closed", "P0": "open", "P1": "open", "P2": "open", "P3": "open"}

    # Four pushes, twice the window: both files can still be undone, and so can every push since them.
    assert why_not(monday) == "" and why_not(tuesday) == ""
    assert {load.pk for load in undoable_loads(world.police)} == {monday.pk, tuesday.pk} | {
        p.pk for p in pushes
    }
    assert PriorVersion.objects.filter(load=tuesday).exists()

    undo_load(tuesday, how="test")
    # Tuesday's correction is undone, and the pushes applied on top of it with it.
    assert live(world) == {"F1": "open"}
    assert set(Load.objects.filter(pk__in=[p.pk for p in pushes]).values_list("status", flat=True)) == {
        Load.Status.UNDONE
    }


def test_a_third_file_moves_the_window_past_the_first_and_its_prior_versions_go(world, settings, tmp_path):
    settings.MAST_UNDO_LOADS = 2
    world.police.mode = "delta"
    world.police.save()
    first = file_load(world, tmp_path / "1.csv", row("F1", "N1", ROBIN, "DOMESTIC", "2026-11-01"))
    early_push = push(world, record("P1", "N2", ELLIS))
    second = file_load(
        world, tmp_path / "2.csv", row("F1", "N1", ROBIN, "DOMESTIC", "2026-11-01", status="CLOSED")
    )
    third = file_load(world, tmp_path / "3.csv", row("F2", "N1", ROBIN, "DOMESTIC", "2026-11-03"))

    assert "last 2 applied files" in why_not(first)
    assert "last 2 applied files" in why_not(early_push)
    assert why_not(second) == "" and why_not(third) == ""
    assert not PriorVersion.objects.filter(load__in=[first, early_push]).exists()


def test_a_feed_that_only_pushes_keeps_its_last_few_pushes_undoable(world, settings):
    settings.MAST_UNDO_LOADS = 2
    # The same involvement pushed again and again, each time with a new start date: each push changes it.
    pushes = [push(world, record("P1", "N2", ELLIS, start_date=f"2026-11-0{n + 1}")) for n in range(4)]

    assert [load.pk for load in undoable_loads(world.police)] == [pushes[3].pk, pushes[2].pk]
    assert "last 2 applied files" in why_not(pushes[1])
    assert not PriorVersion.objects.filter(load__in=pushes[:2]).exists()
    assert PriorVersion.objects.filter(load=pushes[2]).exists()
