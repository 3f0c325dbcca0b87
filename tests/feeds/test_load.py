from datetime import date

import pytest

from mast.feeds.models import Involvement, Load, PartnerRecord, RejectedRow
from mast.feeds.services import Confirmation, load_file
from tests.feeds.conftest import write_feed
from tests.feeds.samples import GOOD_ROWS, HEADER

# These files remove or reject more than the guard allows (test_guard.py): confirmed, to test the rest.
CONFIRMED = Confirmation(how="test")


def snapshot_of_tables():
    return (
        sorted(PartnerRecord.objects.values_list("person_ref", "given_name", "family_name", "content_hash")),
        sorted(Involvement.objects.values_list("record_id", "status", "content_hash", "removed_at")),
        RejectedRow.objects.count(),
    )


def test_a_good_file_is_loaded_with_people_their_involvements_and_flags(source, tmp_path):
    load = load_file(source, write_feed(tmp_path / "feed.csv", GOOD_ROWS)).load

    assert load.status == Load.Status.LOADED
    assert (load.rows_read, load.rows_loaded, load.rows_rejected) == (4, 4, 0)
    zoe = PartnerRecord.objects.get(source=source, person_ref="N1")
    assert (zoe.given_name, zoe.family_name, zoe.postcode) == ("Zoë", "O'Neill", "AB1 2CD")
    assert zoe.date_of_birth.isoformat() == "2015-04-03"
    assert zoe.involvements.count() == 2
    domestic = Involvement.objects.get(record_id="OC1")
    assert (domestic.category, domestic.status, domestic.lead_practitioner) == (
        "domestic_abuse",
        "open",
        "PC Ash",
    )

    jamie = PartnerRecord.objects.get(person_ref="N2")
    assert jamie.date_of_birth is None and jamie.date_of_birth_raw == "1987"
    assert "date_of_birth" in jamie.flags
    assert jamie.nhs_number_valid and jamie.nhs_number == "9434765919"

    katie = PartnerRecord.objects.get(person_ref="N3")
    assert not katie.nhs_number_valid and "nhs_number" in katie.flags
    assert "postcode" in katie.flags and katie.postcode == "NOT A POST"  # kept as sent, to the field's 10
    assert Involvement.objects.get(record_id="OC4").restricted
    assert load.rows_flagged == 2
    assert load.archive_path and load.sha256


def test_loading_the_same_file_twice_changes_nothing(source, tmp_path):
    path = write_feed(tmp_path / "feed.csv", GOOD_ROWS)
    load_file(source, path)
    before = snapshot_of_tables()

    again = load_file(source, path).load

    assert again.status == Load.Status.UNCHANGED
    assert snapshot_of_tables() == before


def test_a_changed_snapshot_updates_only_what_changed_and_removes_what_is_absent(source, tmp_path):
    first = load_file(source, write_feed(tmp_path / "day1.csv", GOOD_ROWS))
    assert len(first.changed_records) == 3
    day2 = [GOOD_ROWS[0].replace("OPEN", "CLOSED"), GOOD_ROWS[1], GOOD_ROWS[2]]

    outcome = load_file(source, write_feed(tmp_path / "day2.csv", day2), confirmed=CONFIRMED)

    assert outcome.load.records_removed == 1
    assert Involvement.objects.get(record_id="OC1").status == "closed"
    assert Involvement.objects.get(record_id="OC4").removed_at is not None
    assert PartnerRecord.objects.get(person_ref="N3").removed_at is not None
    assert outcome.changed_records == []  # nobody's identifying details changed


def test_rows_missing_required_fields_are_rejected_with_line_and_reason(source, tmp_path):
    rows = [GOOD_ROWS[0], "OC9,N9,,Nobody,01/01/2000,M,,,,ATTENDANCE,01/01/2026,,,,,", GOOD_ROWS[2]]
    rows.append("OC10,N10,Amy,Bad,01/01/2000,F,,,,ATTENDANCE,31/02/2026,,,,,")

    load = load_file(source, write_feed(tmp_path / "feed.csv", rows), confirmed=CONFIRMED).load

    assert (load.rows_loaded, load.rows_rejected) == (2, 2)
    rejected = list(load.rejected_rows.values_list("line_number", "field"))
    assert rejected == [(3, "given_name"), (5, "start_date")]
    assert load.rejected_rows.first().raw["Surname"] == "Nobody"
    # Whose each rejected row was, so the feed owner can find it and MAST keeps that record as it was.
    assert list(load.rejected_rows.values_list("record_id", "person_ref")) == [("OC9", "N9"), ("OC10", "N10")]


def test_a_name_as_long_as_allowed_is_loaded_and_one_character_more_is_rejected(source, tmp_path):
    longest = "O" * 100  # the canonical record's limit for a family name
    rows = [GOOD_ROWS[0].replace("O'Neill", longest), GOOD_ROWS[2].replace("Wilson", longest + "X")]

    load = load_file(source, write_feed(tmp_path / "feed.csv", rows), confirmed=CONFIRMED).load

    assert (load.rows_loaded, load.rows_rejected) == (1, 1)
    assert PartnerRecord.objects.get().family_name == longest
    assert "longer than 100 characters" in load.rejected_rows.get().reason


def test_a_duplicated_record_id_is_rejected_not_merged(source, tmp_path):
    rows = [GOOD_ROWS[0], GOOD_ROWS[0]]
    load = load_file(source, write_feed(tmp_path / "feed.csv", rows), confirmed=CONFIRMED).load
    assert (load.rows_loaded, load.rows_rejected) == (1, 1)
    assert "first on line 2" in load.rejected_rows.get().reason


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (b"Wrong,Header\r\n1,2\r\n", "missing column"),
        (HEADER.encode() + b"\r\n", "no data rows"),
        ((HEADER + "\r\n" + GOOD_ROWS[0]).encode("utf-16"), "NUL bytes"),
    ],
)
def test_an_unreadable_file_is_refused_whole_with_a_clear_message(source, tmp_path, content, expected):
    path = tmp_path / "feed.csv"
    path.write_bytes(content)

    load = load_file(source, path).load

    assert load.status == Load.Status.REFUSED
    assert expected in load.message
    assert PartnerRecord.objects.count() == 0 and Involvement.objects.count() == 0


def test_a_load_that_fails_part_way_leaves_the_database_as_it_was(source, tmp_path, monkeypatch):
    load_file(source, write_feed(tmp_path / "day1.csv", GOOD_ROWS[:2]))
    before = snapshot_of_tables()

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    # Fails while marking what the snapshot no longer holds: after people and involvements were written.
    monkeypatch.setattr("mast.feeds.writing._mark", explode)
    with pytest.raises(RuntimeError):
        load_file(source, write_feed(tmp_path / "day2.csv", GOOD_ROWS[1:]), confirmed=CONFIRMED)

    assert snapshot_of_tables() == before
    failed = Load.objects.latest("pk")
    assert failed.status == Load.Status.FAILED and "nothing was changed" in failed.message


def test_a_date_of_birth_over_120_years_ago_is_kept_as_given_and_not_used(source, tmp_path):
    rows = [GOOD_ROWS[0].replace("03/04/2015", "03/04/1890"), GOOD_ROWS[2].replace(",1987,", ",03/04/1930,")]

    load_file(source, write_feed(tmp_path / "feed.csv", rows))

    old = PartnerRecord.objects.get(person_ref="N1")
    assert (old.date_of_birth, old.date_of_birth_raw) == (None, "03/04/1890")
    assert old.flags["date_of_birth"] == "more than 120 years ago; kept as given"
    assert PartnerRecord.objects.get(person_ref="N2").date_of_birth.isoformat() == "1930-04-03"


def test_only_the_field_with_unreadable_characters_is_flagged(source, tmp_path):
    # 0x81 means nothing in Windows-1252: read as U+FFFD and shown as such, flagged on that field alone.
    feed = tmp_path / "feed.csv"
    feed.write_bytes(
        (HEADER + "\r\n" + GOOD_ROWS[0] + "\r\n").encode("cp1252").replace(b"Neill", b"Ne\x81ll")
    )

    load_file(source, feed)

    record = PartnerRecord.objects.get(person_ref="N1")
    assert record.family_name == "O'Ne\ufffdll"
    assert set(record.flags) | set(Involvement.objects.get().flags) == {"family_name"}


def test_the_oldest_date_of_birth_used_is_120_years_back(source, tmp_path):
    year = date.today().year
    rows = [
        GOOD_ROWS[0].replace("03/04/2015", f"01/01/{year - 121}"),
        GOOD_ROWS[2].replace(",1987,", f",01/01/{year - 120},"),
    ]

    load_file(source, write_feed(tmp_path / "feed.csv", rows))

    assert PartnerRecord.objects.get(person_ref="N1").date_of_birth is None
    assert PartnerRecord.objects.get(person_ref="N2").date_of_birth == date(year - 120, 1, 1)


def test_an_optional_text_as_long_as_allowed_is_kept_whole_and_a_longer_one_cut_and_flagged(source, tmp_path):
    rows = [GOOD_ROWS[0].replace("1 Mill Lane", "A" * 200), GOOD_ROWS[2].replace("4 High St", "B" * 201)]

    load_file(source, write_feed(tmp_path / "feed.csv", rows))

    whole, cut = Involvement.objects.get(record_id="OC1"), Involvement.objects.get(record_id="OC3")
    assert (whole.address_line_1, whole.flags, whole.partner_record.flags) == ("A" * 200, {}, {})
    assert cut.address_line_1 == "B" * 200
    flags = {**cut.flags, **cut.partner_record.flags}
    assert flags["address_line_1"] == "longer than 200 characters; cut short"


def test_an_nhs_number_with_too_many_digits_is_kept_to_ten_flagged_and_not_used(source, tmp_path):
    load_file(
        source,
        write_feed(tmp_path / "feed.csv", [GOOD_ROWS[0].replace(",,DOMESTIC", ",94347659181234,DOMESTIC")]),
    )

    record = PartnerRecord.objects.get()
    assert (record.nhs_number, record.nhs_number_valid) == ("9434765918", False)
    assert "nhs_number" in record.flags


def test_an_involvement_that_started_and_ended_on_the_same_day_keeps_its_end_date(source, tmp_path):
    load_file(source, write_feed(tmp_path / "feed.csv", [GOOD_ROWS[1].replace("06/03/2026", "05/03/2026")]))

    same_day = Involvement.objects.get()
    assert (same_day.start_date, same_day.end_date) == (date(2026, 3, 5), date(2026, 3, 5))
    assert "end_date" not in same_day.flags


def test_a_short_row_is_rejected_keeping_what_it_held_and_every_reason_fits_the_download(source, tmp_path):
    nothing_required = [""] * 16
    nothing_required[5], nothing_required[10] = "M", "the fifth of March twenty twenty-six around noon"
    rows = [GOOD_ROWS[0].rsplit(",", 3)[0], ",".join(nothing_required), GOOD_ROWS[2]]

    load = load_file(source, write_feed(tmp_path / "feed.csv", rows), confirmed=CONFIRMED).load

    short, empty = load.rejected_rows.order_by("line_number")
    assert short.raw["OccRef"] == "OC1" and "__error__" not in short.raw
    # Every required field empty or unreadable: all the reasons, cut to the 300 characters a row keeps.
    assert len(empty.reason) == 300 and empty.reason.startswith("Record id (OccRef) is empty")


def test_an_involvement_starting_today_is_not_in_the_future(source, tmp_path):
    today = date.today().strftime("%d/%m/%Y")
    load_file(source, write_feed(tmp_path / "feed.csv", [GOOD_ROWS[0].replace("01/02/2026", today)]))

    assert "start_date" not in Involvement.objects.get().flags


@pytest.mark.parametrize(
    ("marker", "restricted"),
    [("yes", True), ("TRUE", True), ("restricted", True), ("no", False), ("0", False)],
)
def test_common_words_for_restricted_are_understood_without_a_flag(source, tmp_path, marker, restricted):
    load_file(source, write_feed(tmp_path / "feed.csv", [GOOD_ROWS[0].removesuffix(",N") + f",{marker}"]))

    involvement = Involvement.objects.get()
    assert (involvement.restricted, involvement.flags) == (restricted, {})
