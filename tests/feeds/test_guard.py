"""Nothing a partner sends silently removes what MAST knows: rejected rows keep their records, and a file that
would remove or reject too much is held until its feed owner confirms it (issue 13, items 1 and 2)."""

import pytest
from django.core.management import CommandError, call_command

from mast.audit.models import AuditEvent
from mast.feeds.mapping import MappingError, load_mapping, parse_mapping
from mast.feeds.models import Involvement, Load, PartnerRecord, RejectedRow
from mast.feeds.services import Confirmation, load_file, run_load
from tests.factories.feeds import rows
from tests.feeds.conftest import write_feed


def state():
    return (
        sorted(PartnerRecord.objects.values_list("person_ref", "content_hash", "removed_at", "stale_load")),
        sorted(Involvement.objects.values_list("record_id", "content_hash", "removed_at", "stale_load")),
    )


def open_involvements(source) -> int:
    return Involvement.objects.filter(source=source, removed_at__isnull=True).count()


def test_rows_rejected_for_a_bad_start_date_keep_their_involvements_as_last_loaded(source, tmp_path):
    first = load_file(source, write_feed(tmp_path / "day1.csv", rows(100))).load
    unreadable = {f"K{i}": "31/02/2026" for i in (3, 10, 20, 30, 40)}

    second = load_file(source, write_feed(tmp_path / "day2.csv", rows(100, **unreadable))).load

    assert second.status == Load.Status.LOADED, second.message
    assert (second.rows_rejected, second.records_removed, second.records_kept) == (5, 0, 5)
    assert open_involvements(source) == 100
    kept = Involvement.objects.get(record_id="K3")
    assert kept.removed_at is None and kept.changed_load_id == first.pk
    assert kept.not_updated == (
        f"not updated by load {second.pk}: "
        "Start date (OccDate) '31/02/2026' is not a date written like 27/11/2026."
    )
    assert set(second.rejected_rows.values_list("record_id", "kept")) == {(rid, True) for rid in unreadable}

    # The next good file brings them up to date again, and the marks go.
    load_file(source, write_feed(tmp_path / "day3.csv", rows(100)))
    assert not Involvement.objects.filter(stale_load__isnull=False).exists()


def test_a_rejected_row_that_names_only_its_person_keeps_the_person(source, tmp_path):
    load_file(source, write_feed(tmp_path / "day1.csv", rows(60)))
    # P0's three rows: two gone from the file, one sent without its record id.
    day2 = [*rows(57, start=3), rows(1)[0].replace("K0,", ",", 1)]

    load = load_file(source, write_feed(tmp_path / "day2.csv", day2)).load

    assert load.status == Load.Status.LOADED, load.message
    person = PartnerRecord.objects.get(person_ref="P0")
    assert person.removed_at is None and person.not_updated.startswith(f"not updated by load {load.pk}:")
    # The record ids that are genuinely missing are removed: 3 of 60 is the default 5 %, not more.
    assert load.records_removed == 3


def test_a_snapshot_of_three_rows_all_rejected_is_held_and_changes_nothing(source, tmp_path):
    load_file(source, write_feed(tmp_path / "day1.csv", rows(300)))
    before = state()
    broken = [r.replace("01/01/2026", "2026-01-01") for r in rows(3)]

    held = load_file(source, write_feed(tmp_path / "day2.csv", broken)).load

    assert held.status == Load.Status.HELD
    assert state() == before and open_involvements(source) == 300
    assert "3 of its 3 rows were rejected (100 %)" in held.message
    counts = held.preview["counts"]
    assert (counts["current"], counts["removed"], counts["rejected"], counts["kept"]) == (300, 297, 3, 3)
    assert [e["record_id"] for e in held.preview["examples"]["removed"]] == ["K3", "K4", "K5", "K6", "K7"]
    # The feed owner can still see why each row was refused.
    assert held.rejected_rows.count() == 3
    event = AuditEvent.objects.get(action="hold_feed_load")
    assert event.target == f"load:{held.pk}" and event.detail["removed"] == 297


def test_a_snapshot_holding_a_tenth_of_the_rows_is_held_until_confirmed(source, tmp_path, settings):
    load_file(source, write_feed(tmp_path / "day1.csv", rows(620)))
    path = write_feed(tmp_path / "day2.csv", rows(62))

    held = load_file(source, path).load

    assert held.status == Load.Status.HELD
    assert "It would remove 558 of the feed's 620 involvements (90 %)" in held.message
    assert "more than 500" in held.message
    assert open_involvements(source) == 620

    applied = run_load(held, path, confirmed=Confirmation(user=None, how="test")).load

    assert applied.status == Load.Status.LOADED and applied.pk == held.pk
    assert open_involvements(source) == 62
    confirmed = AuditEvent.objects.get(action="apply_held_feed_load")
    assert confirmed.target == f"load:{held.pk}"
    assert RejectedRow.objects.filter(load=held).count() == 0


def test_a_small_change_is_not_held(source, tmp_path):
    load_file(source, write_feed(tmp_path / "day1.csv", rows(100)))
    load = load_file(source, write_feed(tmp_path / "day2.csv", rows(95))).load
    assert load.status == Load.Status.LOADED and load.records_removed == 5


def test_each_source_can_set_its_own_guard_in_its_mapping(test_mappings):
    assert load_mapping("test-partner").guard.max_removed_share == 0.05
    data = {
        "source": {"code": "x", "name": "X", "agency": {"code": "a", "name": "A", "kind": "police"}},
        "file": {},
        "columns": {n: n for n in ("record_id", "person_ref", "given_name", "family_name")}
        | {n: n for n in ("involvement_type", "start_date")},
        "guard": {"max_removed_share": 0.2, "max_removed": 50, "max_rejected_share": 0.01},
    }
    guard = parse_mapping("x", data).guard
    assert (guard.max_removed_share, guard.max_removed, guard.max_rejected_share) == (0.2, 50, 0.01)
    with pytest.raises(MappingError, match="between 0 and 1"):
        parse_mapping("x", {**data, "guard": {"max_removed_share": 5}})


def test_mast_load_holds_the_same_way_and_applies_only_with_an_explicit_flag(source, tmp_path, capsys):
    load_file(source, write_feed(tmp_path / "day1.csv", rows(100)))
    path = write_feed(tmp_path / "day2.csv", rows(10))

    with pytest.raises(CommandError, match="--confirm-removals"):
        call_command("load", "test-partner", str(path))
    assert "remove 90 of 100 involvements" in capsys.readouterr().out
    assert open_involvements(source) == 100

    call_command("load", "test-partner", str(path), "--confirm-removals")
    assert open_involvements(source) == 10
    event = AuditEvent.objects.get(action="apply_held_feed_load")
    assert "--confirm-removals" in event.detail["confirmed_by"]
