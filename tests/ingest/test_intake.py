"""The hand-over from a feed load to identity matching."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mast.feeds.services import Confirmation, source_for_mapping
from mast.identity.models import MatchCandidate, Person, PersonLink
from mast.ingest.intake import ingest_file
from tests.feeds.conftest import write_feed
from tests.feeds.samples import GOOD_ROWS


@pytest.fixture
def archive(tmp_path, monkeypatch):
    monkeypatch.setattr("mast.feeds.services.archive_dir", lambda: tmp_path / "archive")


def test_every_loaded_record_is_linked_to_a_person(source, archive, tmp_path):
    result = ingest_file(source, write_feed(tmp_path / "feed.csv", GOOD_ROWS))

    assert result.matching.records == 3
    assert PersonLink.objects.count() == 3 and Person.objects.count() == 3


def test_a_valid_nhs_number_links_records_from_two_partners_to_one_person(source, archive, tmp_path):
    ingest_file(source, write_feed(tmp_path / "police.csv", GOOD_ROWS))
    hospital = source_for_mapping("test-partner-jsonl")
    feed = tmp_path / "ed.jsonl"
    feed.write_text(
        '{"OccRef": "ED1", "NominalId": "H7", "Forename": "James", "Surname": "Wilson", "DOB": "01/01/1987",'
        ' "Gender": "M", "Addr1": "", "PostCode": "", "NHSNo": "943 476 5919", "OccType": "ATTENDANCE",'
        ' "OccDate": "02/02/2026", "ClosedDate": "", "Status": "CLOSED", "OIC": "", "OICPhone": "",'
        ' "Restricted": "N"}\n'
    )

    result = ingest_file(hospital, feed)

    assert result.matching.people_created == 0
    jamie = PersonLink.objects.get(partner_record__person_ref="N2").person
    assert PersonLink.objects.get(partner_record__person_ref="H7").person == jamie
    assert PersonLink.objects.get(partner_record__person_ref="H7").method == PersonLink.Method.NHS_NUMBER


def test_an_invalid_nhs_number_is_never_used_to_link(source, archive, tmp_path):
    # Two different people whose records carry the same invalid number.
    rows = [
        GOOD_ROWS[3],
        GOOD_ROWS[3].replace("OC4,N3,Katie,Smith,12/12/1990", "OC5,N4,Rhona,Baxter,03/07/1961"),
    ]
    ingest_file(source, write_feed(tmp_path / "feed.csv", rows))
    assert Person.objects.count() == 2


def test_reloading_and_changed_details_keep_each_person(source, archive, tmp_path):
    ingest_file(source, write_feed(tmp_path / "day1.csv", GOOD_ROWS))
    people = dict(PersonLink.objects.values_list("partner_record__person_ref", "person_id"))
    moved = GOOD_ROWS[2].replace("4 High St", "8 New Rd")

    result = ingest_file(source, write_feed(tmp_path / "day2.csv", [*GOOD_ROWS[:2], moved, GOOD_ROWS[3]]))

    assert (result.matching.records, result.matching.links_changed, result.matching.people_created) == (
        1,
        0,
        0,
    )
    assert dict(PersonLink.objects.values_list("partner_record__person_ref", "person_id")) == people


def test_the_load_command_prints_a_summary_and_fails_clearly(source, archive, tmp_path):
    out = StringIO()
    call_command(
        "load",
        "test-partner",
        str(write_feed(tmp_path / "feed.csv", GOOD_ROWS)),
        stdout=out,
        stderr=StringIO(),
    )
    assert "Loaded" in out.getvalue() and "rows read 4, loaded 4" in out.getvalue()
    assert "matching: 3 records resolved: 3 new people" in out.getvalue()

    with pytest.raises(CommandError, match="No source or mapping 'nope'"):
        call_command("load", "nope", str(tmp_path / "feed.csv"))
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="empty"):
        call_command("load", "test-partner", str(empty), stdout=StringIO(), stderr=StringIO())


def test_an_uploaded_file_is_loaded_by_a_background_task(source, archive, tmp_path, settings, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mast.feeds.models import Load
    from mast.ingest.queue import accept_upload

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    monkeypatch.setattr("mast.ingest.queue.incoming_dir", lambda: tmp_path / "incoming")
    content = write_feed(tmp_path / "feed.csv", GOOD_ROWS).read_bytes()

    load = accept_upload(source, SimpleUploadedFile("../../Niche export.csv", content), user=None)

    load.refresh_from_db()
    assert load.file_name == "Niche export.csv"
    assert (load.status, load.stage, load.rows_loaded) == (Load.Status.LOADED, Load.Stage.DONE, 4)
    assert PersonLink.objects.count() == 3
    assert list((tmp_path / "incoming").iterdir()) == []


# One man known to the police under three references: N5 with his NHS number and date of birth at his old
# address, N6 with both at his new one, N7 at the new one with only the year he was born. N6 joins the other
# two: N5 by the number, N7 by name and address. N5 and N7 alone share only a name and a year.
BRIDGED = [
    "OC5,N5,James,Wilson,01/01/1987,M,4 High St,AB1 3EF,9434765919,ATTENDANCE,10/01/2026,,CLOSED,,,N",
    "OC6,N6,James,Wilson,01/01/1987,M,22 Park Road,AB2 1XY,9434765919,ATTENDANCE,11/01/2026,,CLOSED,,,N",
    "OC7,N7,James,Wilson,1987,M,22 Park Road,AB2 1XY,,ATTENDANCE,12/01/2026,,CLOSED,,,N",
]


def _person_of(person_ref: str) -> int:
    return PersonLink.objects.get(partner_record__person_ref=person_ref).person_id


def test_a_record_a_snapshot_no_longer_holds_leaves_the_people_it_joined_apart(source, archive, tmp_path):
    ingest_file(source, write_feed(tmp_path / "day1.csv", [*GOOD_ROWS, *BRIDGED]))
    assert _person_of("N5") == _person_of("N6") == _person_of("N7")

    # The police withdraw N6 by leaving it out of the next full export.
    result = ingest_file(
        source,
        write_feed(tmp_path / "day2.csv", [*GOOD_ROWS, BRIDGED[0], BRIDGED[2]]),
        confirmed=Confirmation(how="test"),
    )

    assert result.load.records_removed == 1
    # Matched again in the same load, as a withdrawal through the API is: nothing now says N5 and N7 are
    # one man, so a practitioner does not see one's involvements on the other's page.
    assert _person_of("N5") != _person_of("N7")


def test_a_removed_records_undecided_pairs_are_no_longer_asked_about(source, archive, tmp_path):
    # Two girls with one birthday and address: twins, or one girl under two names. A reviewer is asked.
    twins = [
        "OC8,N8,Amelia,Hartley,14/09/2012,F,7 Elm Row,AB1 4GH,,ATTENDANCE,10/01/2026,,CLOSED,,,N",
        "OC9,N9,Isla,Hartley,14/09/2012,F,7 Elm Row,AB1 4GH,,ATTENDANCE,11/01/2026,,CLOSED,,,N",
    ]
    ingest_file(source, write_feed(tmp_path / "day1.csv", [*GOOD_ROWS, *twins]))
    assert MatchCandidate.objects.filter(status=MatchCandidate.Status.OPEN).count() == 1

    ingest_file(
        source, write_feed(tmp_path / "day2.csv", [*GOOD_ROWS, twins[0]]), confirmed=Confirmation(how="test")
    )

    # Isla's record is gone: nobody should be asked whether Amelia is her, nor be told she may be.
    assert not MatchCandidate.objects.filter(status=MatchCandidate.Status.OPEN).exists()
