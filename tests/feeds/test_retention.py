from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from mast.feeds.models import Involvement, Load, PartnerRecord, Purge, RejectedRow
from mast.feeds.retention import display_from, months_before, purge, purged
from mast.feeds.services import load_file
from mast.governance.models import SharingAgreement
from tests.feeds.conftest import write_feed

TODAY = date(2026, 11, 24)


def row(record_id, person_ref, start, end="", status="CLOSED"):
    return f"{record_id},{person_ref},Amy,Jones,01/01/1990,F,,,,ATTENDANCE,{start},{end},{status},,,N"


def test_months_before_handles_month_ends_and_years():
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(TODAY, 36) == date(2023, 11, 24)
    assert months_before(date(2024, 2, 29), 12) == date(2023, 2, 28)


def test_display_window_defaults_to_twelve_months(settings, db):
    assert display_from(TODAY) == date(2025, 11, 24)
    settings.MAST_DISPLAY_MONTHS = 6
    assert display_from(TODAY) == date(2026, 5, 24)


def test_purge_removes_closed_involvements_older_than_retention_and_records_counts(source, tmp_path):
    rows = [
        row("OLD", "P1", "01/01/2023", "01/02/2023"),  # ended 45 months ago: removed
        row("RECENT", "P1", "01/01/2023", "01/01/2024"),  # ended 34 months ago: kept
        row("OPEN", "P2", "01/06/2022", status="OPEN"),  # still open: kept however old
        row("GONE", "P3", "01/01/2022"),  # no end date, started 58 months ago: removed with its person
    ]
    load = load_file(source, write_feed(tmp_path / "feed.csv", rows)).load
    archive = Path(load.archive_path)

    run = purge(today=TODAY)

    assert set(Involvement.objects.values_list("record_id", flat=True)) == {"RECENT", "OPEN"}
    assert set(PartnerRecord.objects.values_list("person_ref", flat=True)) == {"P1", "P2"}
    assert (run.involvements_removed, run.records_removed, run.cutoff) == (2, 1, date(2023, 11, 24))
    assert archive.exists()  # the load itself is recent, so its file is kept
    assert Purge.objects.count() == 1


def test_purge_with_a_shorter_retention_and_old_load_archives(source, tmp_path):
    load = load_file(
        source, write_feed(tmp_path / "feed.csv", [row("A", "P1", "01/01/2026", "02/01/2026")])
    ).load
    archive = Path(load.archive_path)

    run = purge(today=date(2031, 1, 1), retention_months=12)

    assert run.involvements_removed == 1 and run.archived_files_removed == 1
    assert not archive.exists()


def test_the_agreement_in_force_sets_the_display_window_and_the_retention_period(source, tmp_path, settings):
    settings.MAST_DISPLAY_MONTHS, settings.MAST_RETENTION_MONTHS = 12, 36
    rows = [row("ENDED-30-MONTHS-AGO", "P1", "01/04/2024", "24/05/2024"), row("RECENT", "P2", "01/01/2026")]
    load_file(source, write_feed(tmp_path / "feed.csv", rows))
    SharingAgreement.objects.create(
        status=SharingAgreement.Status.APPROVED,
        title="Testshire agreement",
        reference="TS-1",
        version="1",
        start_date=date(2026, 4, 1),
        review_date=date(2027, 4, 1),
        display_window_months=6,
        retention_months=24,
        lawful_basis="UK GDPR Article 6(1)(e)",
        special_category_condition="UK GDPR Article 9(2)(g)",
    )

    assert display_from(TODAY) == date(2026, 5, 24)
    run = purge(today=TODAY)

    assert (run.retention_months, run.cutoff) == (24, date(2024, 11, 24))
    assert set(Involvement.objects.values_list("record_id", flat=True)) == {"RECENT"}


def test_an_involvement_that_ended_on_the_cut_off_day_is_kept_and_one_the_day_before_is_removed(
    source, tmp_path
):
    # 36 months before 24 November 2026 is 24 November 2023: what ended that day is still within retention.
    rows = [
        row("DAY-BEFORE", "P1", "01/01/2023", "23/11/2023"),
        row("ON-THE-DAY", "P2", "01/01/2023", "24/11/2023"),
        row("DAY-AFTER", "P3", "01/01/2023", "25/11/2023"),
        row("STARTED-ON-THE-DAY", "P4", "24/11/2023"),  # no end date: its start date counts
        row("STARTED-DAY-BEFORE", "P5", "23/11/2023"),
    ]
    load_file(source, write_feed(tmp_path / "feed.csv", rows))

    run = purge(today=TODAY)

    assert run.cutoff == date(2023, 11, 24)
    kept = set(Involvement.objects.values_list("record_id", flat=True))
    assert kept == {"ON-THE-DAY", "DAY-AFTER", "STARTED-ON-THE-DAY"}
    assert set(PartnerRecord.objects.values_list("person_ref", flat=True)) == {"P2", "P3", "P4"}
    assert (run.involvements_removed, run.records_removed) == (2, 2)


def test_a_purge_that_fails_part_way_removes_nothing(source, tmp_path):
    load_file(source, write_feed(tmp_path / "feed.csv", [row("OLD", "P1", "01/01/2020", "01/02/2020")]))

    def failing_receiver(**kwargs):
        raise RuntimeError("the requests' purge failed")

    purged.connect(failing_receiver, dispatch_uid="test-failing-receiver")
    try:
        with pytest.raises(RuntimeError):
            purge(today=TODAY)
    finally:
        purged.disconnect(dispatch_uid="test-failing-receiver")

    assert set(Involvement.objects.values_list("record_id", flat=True)) == {"OLD"}
    assert not Purge.objects.exists()


def test_rejected_rows_of_old_loads_are_removed_and_counted(source, tmp_path):
    rows = [row("A", "P1", "01/01/2026", "02/01/2026"), "B,P2,,Jones,,,,,,ATTENDANCE,01/01/2026,,CLOSED,,,N"]
    load_file(source, write_feed(tmp_path / "feed.csv", rows))
    assert RejectedRow.objects.count() == 1

    nothing = purge(today=date(2027, 1, 1), retention_months=36)
    assert (nothing.involvements_removed, nothing.records_removed) == (0, 0)
    assert (nothing.rejected_rows_removed, nothing.archived_files_removed) == (0, 0)
    run = purge(today=date(2031, 1, 1), retention_months=12)

    assert (run.rejected_rows_removed, RejectedRow.objects.count()) == (1, 0)


def test_an_old_loads_file_is_kept_while_a_newer_load_of_the_same_file_needs_it(source, tmp_path):
    feed = write_feed(tmp_path / "feed.csv", [row("A", "P1", "01/01/2026", "02/01/2026")])
    first = load_file(source, feed).load
    Load.objects.filter(pk=first.pk).update(started_at=datetime(2026, 2, 1, 9, tzinfo=UTC))
    rows = [row("A", "P1", "01/01/2026", "02/01/2026"), row("B", "P1", "01/01/2026", "02/01/2026")]
    assert load_file(source, write_feed(tmp_path / "next.csv", rows)).load.status == Load.Status.LOADED
    # The first file sent again (a partner re-sending an old export): one archived copy serves both loads.
    second = load_file(source, feed).load
    assert first.archive_path == second.archive_path != ""

    run = purge(today=date(2029, 6, 1), retention_months=36)

    assert run.archived_files_removed == 0
    assert Path(second.archive_path).exists()
