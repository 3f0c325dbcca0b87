"""Every problem visible where it matters, in plain words; and CSV a spreadsheet shows rather than runs
(issue 13, item 6)."""

import csv
import io
from datetime import date

import pytest

from mast.feeds import safe_csv
from mast.feeds.owners import flagged_rows_csv, rejected_rows_csv
from mast.feeds.problems import date_of_birth_text
from mast.feeds.services import Confirmation, load_file
from mast.identity.matching.offline import InputRow, LinkResult, write_outputs
from tests.feeds.conftest import write_feed
from tests.feeds.samples import GOOD_ROWS, HEADER


def test_a_rejected_row_lists_all_its_problems_in_the_feed_owners_words(source, tmp_path):
    row = "OC9,N9,,,01/01/2000,F,,,,DOMESTIC,2026-02-01,,OPEN,,,N"  # no names, an ISO date in a d/m/Y feed

    load = load_file(source, write_feed(tmp_path / "f.csv", [row]), confirmed=Confirmation(how="test")).load

    assert load.rejected_rows.get().reason == (
        "Given name (Forename) is empty; it is required. Family name (Surname) is empty; it is required. "
        "Start date (OccDate) '2026-02-01' is not a date written like 27/11/2026."
    )


def test_each_flagged_row_is_listed_with_every_problem_and_the_value_as_sent(source, tmp_path):
    row = "OC9,N9,Ann,Lee,31/02/2015,F,1 Road,not a postcode,1234567890,DOMESTIC,01/02/2026,,SHUT,,,maybe"
    load = load_file(source, write_feed(tmp_path / "f.csv", [*GOOD_ROWS[:3], row])).load

    flagged = {r.record_id: r.problems for r in load.flagged_rows.all()}

    assert flagged["OC9"] == [
        "Date of birth (DOB) '31/02/2015': partial or impossible date; kept as given",
        "Status (Status) 'SHUT': not in the mapping's code list",
        "Restricted marker (Restricted) 'maybe': not understood; treated as restricted",
        "NHS number (NHSNo) '1234567890': fails the NHS number check; not used for matching",
        "Postcode (PostCode) 'not a postcode': not a well-formed UK postcode",
    ]
    assert flagged["OC3"] == ["Date of birth (DOB) '1987': partial or impossible date; kept as given"]
    lines = list(csv.reader(io.StringIO("".join(flagged_rows_csv(load)))))
    assert lines[0] == ["line_number", "record_id", "problem"]
    assert ["5", "OC9", "Status (Status) 'SHUT': not in the mapping's code list"] in lines


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("  =HYPERLINK(1)", "'  =HYPERLINK(1)"),
        (" @SUM(A1)", "' @SUM(A1)"),
        ("+44 1632", "'+44 1632"),
        ("-2", "'-2"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("O'Neill", "O'Neill"),
        ("a=b", "a=b"),
        (None, ""),
    ],
)
def test_cells_a_spreadsheet_would_run_are_neutralised(value, written):
    assert safe_csv.safe_cell(value) == written


def test_the_rejected_rows_csv_neutralises_the_partners_header_row_too(source, tmp_path, test_mappings):
    header = HEADER.replace("Restricted", "Restricted,=cmd|' /C calc'!A0")
    bad = "OC9,N9,,Evans,01/01/2000,F,,,,DOMESTIC,01/01/2026,,OPEN,,,N, =2+3"
    load = load_file(source, write_feed(tmp_path / "f.csv", [GOOD_ROWS[0], bad], header=header)).load

    lines = list(csv.reader(io.StringIO("".join(rejected_rows_csv(load)))))

    assert "'=cmd|' /C calc'!A0" in lines[0]
    assert [r[-1] for r in lines[1:]] == ["", "' =2+3"]  # line 2 is one field short


def test_the_offline_linking_outputs_are_neutralised(tmp_path):
    rows = [(InputRow(source="=evil", record_id="-1", person_key="=evil|x", line=2), "@p1")]
    result = LinkResult(files=1, rows=rows, partner_records=1, people=1, pairs_linked=0, review=[], model="m")
    out, _ = write_outputs(result, tmp_path / "out.csv")
    assert out.read_text().splitlines()[1] == "'=evil,'-1,'@p1"


@pytest.mark.parametrize(
    ("dob", "raw", "flagged", "shown"),
    [
        (date(2015, 4, 3), "03/04/2015", False, "3 April 2015"),
        (None, "31/02/2015", True, "recorded as '31/02/2015' (not a valid date)"),
        (None, "", False, "Not known"),
    ],
)
def test_practitioners_see_an_invalid_date_of_birth_as_recorded(dob, raw, flagged, shown):
    assert date_of_birth_text(dob, raw, flagged) == shown


def test_the_people_pages_queries_give_an_invalid_date_of_birth_as_recorded(source, tmp_path):
    from mast.access.models import AccessPurpose, Role
    from mast.gate.gate import Viewer, through_gate
    from mast.gate.policy import Action
    from mast.identity.search.find import SearchQuery
    from mast.ingest.intake import ingest_file
    from mast.people.person import person_summary
    from mast.people.search import search_people
    from tests.factories.access import make_user

    row = "OC9,N9,Quilla,Farthingale,31/02/2015,F,7 Wren Walk,AB1 2CD,,DOMESTIC,01/02/2026,,OPEN,PC Ash,,N"
    ingest_file(source, write_feed(tmp_path / "f.csv", [row, *GOOD_ROWS[:2]]))
    user = make_user(Role.PRACTITIONER)
    purpose = AccessPurpose.objects.create(
        user=user, reference="MASH-1", reason="mash_triage", reason_label="x"
    )
    viewer = Viewer(user, purpose)

    [found] = through_gate(
        viewer, Action.SEARCH_PEOPLE, lambda scope: search_people(scope, SearchQuery("Quilla", "Farthingale"))
    ).people
    summary = through_gate(viewer, Action.VIEW_PERSON, lambda scope: person_summary(scope, found.public_id))
    zoe = through_gate(
        viewer, Action.SEARCH_PEOPLE, lambda scope: search_people(scope, SearchQuery("Zoë", "O'Neill"))
    ).people[0]

    assert found.date_of_birth is None
    assert (
        found.date_of_birth_shown
        == summary.date_of_birth_shown
        == "recorded as '31/02/2015' (not a valid date)"
    )
    assert zoe.date_of_birth_shown == "3 April 2015"
