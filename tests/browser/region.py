"""A small synthetic region for the MASH journeys: a children's services feed in Northshire's own layout (a
family of four with an open child-in-need case, and unrelated children with similar names around them) and
its relationships file, loaded and matched as partners' files are; and stating a purpose in the browser."""

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from mast.access.models import Role, User
from mast.feeds.models import Source
from mast.feeds.services import source_for_mapping
from mast.governance.demo import ensure_purposes
from mast.identity.family import load_relationships
from mast.identity.models import Person, PersonLink
from mast.ingest.intake import ingest_file
from tests.factories.access import make_user

CSC_HEADER = (
    "WorkflowStepID,PersonID,FirstName,MiddleNames,LastName,FormerNames,DateOfBirth,Gender,AddressLine1,"
    "AddressLine2,AddressTown,Postcode,UPRN,NHSNumber,StepType,StartDate,EndDate,StepStatus,AllocatedWorker,"
    "AllocatedTeam,WorkerPhone,WorkerEmail,Restricted"
)
TODAY = date.today()
WORKER, TEAM = "Rowan Ashdown", "Family Support Team East"


def _days_ago(days: int) -> str:
    return (TODAY - timedelta(days=days)).isoformat()


# Every name, date and address here is invented.
FAMILY = [
    # ref, given, family, born, sex
    ("LCS101", "Kayleigh", "Thornbury", "2014-07-14", "Female"),
    ("LCS102", "Mason", "Thornbury", "2011-02-03", "Male"),
    ("LCS103", "Poppy", "Thornbury", "2017-09-21", "Female"),
    ("LCS104", "Denise", "Thornbury", "1988-05-30", "Female"),
]
NEIGHBOURS = [
    ("LCS201", "Aiden", "Marchbank", "2012-03-08", "Male", "14 Quarry Road", "NS2 4RT"),
    ("LCS202", "Leah", "Marchbank", "2015-11-19", "Female", "14 Quarry Road", "NS2 4RT"),
    ("LCS203", "Kyle", "Thorne", "2014-06-02", "Male", "2 Abbey Close", "NS1 8PL"),
    ("LCS204", "Kayla", "Thompson", "2013-07-14", "Female", "77 Station Street", "NS3 1DW"),
    ("LCS205", "Jessica", "Hartwell", "2010-01-25", "Female", "5 Orchard Way", "NS4 6GH"),
    ("LCS206", "Tyrese", "Okafor", "2016-04-12", "Male", "31 Canal Side", "NS2 9LB"),
    ("LCS207", "Ellie", "Brennan", "2009-12-01", "Female", "8 Priory Gardens", "NS5 2QS"),
    ("LCS208", "Harvey", "Pickering", "2014-08-30", "Male", "19 Moor Lane", "NS1 3XY"),
]


HOME = {"AddressLine1": "23 Larkspur Avenue", "AddressTown": "Northbury", "Postcode": "NS1 4HB"}


def _row(step: str, person: tuple, step_type: str, started: str, ended: str = "", **fields) -> str:
    ref, given, family, born, sex = person[:5]
    values = {
        "WorkflowStepID": step,
        "PersonID": ref,
        "FirstName": given,
        "LastName": family,
        "DateOfBirth": born,
        "Gender": sex,
        "StepType": step_type,
        "StartDate": started,
        "EndDate": ended,
        "StepStatus": "Closed" if ended else "Open",
        "Restricted": "False",
        **HOME,
        **fields,
    }
    return ",".join(values.get(column, "") for column in CSC_HEADER.split(","))


def _csc_rows() -> list[str]:
    kayleigh = FAMILY[0]
    rows = [
        _row(
            "WS9001",
            kayleigh,
            "CIN Plan",
            _days_ago(45),
            AllocatedWorker=WORKER,
            AllocatedTeam=TEAM,
            WorkerPhone="01632 960417",
            WorkerEmail="rowan.ashdown@childrens.northshire.example",
        ),
        _row("WS9002", kayleigh, "Contact", _days_ago(120), _days_ago(118)),
    ]
    rows += [
        _row(f"WS90{n:02d}", member, "Contact", _days_ago(120), _days_ago(118))
        for n, member in enumerate(FAMILY[1:], start=3)
    ]
    rows += [
        _row(
            f"WS91{n:02d}",
            neighbour,
            "Single Assessment",
            _days_ago(30 + n),
            "" if n % 3 == 0 else _days_ago(20 + n),
            AddressLine1=neighbour[5],
            Postcode=neighbour[6],
            AllocatedWorker="Sam Kestrel",
            AllocatedTeam="Assessment Team West",
        )
        for n, neighbour in enumerate(NEIGHBOURS, start=1)
    ]
    return rows


@dataclass
class MashRegion:
    csc: Source
    child: Person
    worker: User


def build_region(tmp_path: Path, monkeypatch) -> MashRegion:
    """Load the small region's feeds and relationships as partners send them, matched as they load."""
    monkeypatch.setattr("mast.identity.model_files.models_dir", lambda: tmp_path / "identity-models")
    monkeypatch.setattr("mast.identity.record_store.store_path", lambda: tmp_path / "records.arrow")
    monkeypatch.setattr("mast.feeds.services.archive_dir", lambda: tmp_path / "archive")
    ensure_purposes()
    csc = source_for_mapping("northshire-childrens")
    feed = tmp_path / "lcs-export.csv"
    feed.write_text("\ufeff" + "\n".join([CSC_HEADER, *_csc_rows()]) + "\n", encoding="utf-8")
    result = ingest_file(csc, feed)
    assert result.load.rows_rejected == 0, list(result.load.rejected_rows.values_list("reason", flat=True))
    relationships = tmp_path / "lcs-relationships.csv"
    relationships.write_text(
        "person_ref,related_person_ref,relationship\n"
        "LCS101,LCS102,brother\nLCS101,LCS103,sister\nLCS101,LCS104,mother\n"
        "LCS102,LCS103,sister\nLCS201,LCS202,sister\n",
        encoding="utf-8",
    )
    load_relationships(csc, relationships)
    worker = make_user(
        Role.PRACTITIONER,
        agency=csc.agency,
        username="mash.worker",
        first_name="Morgan",
        last_name="Front",
        job_title="MASH social worker",
    )
    child = PersonLink.objects.get(partner_record__source=csc, partner_record__person_ref="LCS101").person
    return MashRegion(csc=csc, child=child, worker=worker)


@pytest.fixture
def mash_region(page, tmp_path, monkeypatch) -> MashRegion:
    # `page` first: it gives the test the live server's transactional database.
    return build_region(tmp_path, monkeypatch)


def state_purpose(page: Page, reference: str = "MASH-2026-0117") -> None:
    expect(page.get_by_role("heading", name="Which case are you working on?")).to_be_visible()
    page.get_by_label("Referral or case reference").fill(reference)
    page.get_by_label("Deciding what to do about a contact or referral (MASH triage)").check()
    page.get_by_role("button", name="Continue").click()
