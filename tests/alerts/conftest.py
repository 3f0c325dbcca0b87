"""Two synthetic partners in two agencies, feed files in their layout, and MAST users to alert."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from mast.feeds import mapping
from mast.feeds.services import source_for_mapping
from mast.ingest.intake import ingest_file
from tests.factories.access import make_user

HERE = Path(__file__).parent
HEADER = (
    "Ref,PersonId,Forename,Surname,DOB,Sex,Address,Postcode,NHS,Type,Start,End,Status,"
    "Worker,Team,Email,Restricted"
)

# Synthetic people; NHS numbers with valid check digits so records link across partners deterministically.
ROBIN = ("Robin", "Quillfeather", "2016-05-14", "F", "12 Larch Close", "TS1 4QP", "9434765870")
ELLIS = ("Ellis", "Marrowby", "2012-09-02", "M", "3 Wren Street", "TS2 7LB", "9434765919")
CSC_WORKER_EMAIL = "Dana.Worker@csc.testshire.example"
CSC_TEAM = "Assessment Team North"


def days_ago(days: int) -> str:
    return (timezone.localdate() - timedelta(days=days)).isoformat()


def row(
    ref, person_ref, who, kind, start, *, status="OPEN", end="", worker="", team="", email="", restricted="N"
):
    given, family, dob, sex, address, postcode, nhs = who
    fields = [ref, person_ref, given, family, dob, sex, address, postcode, nhs, kind, start, end, status]
    return ",".join([*fields, worker, team, email, restricted])


def csc_case(
    ref="CSC1",
    person_ref="C1",
    who=ROBIN,
    *,
    status="OPEN",
    email=CSC_WORKER_EMAIL,
    team=CSC_TEAM,
    start_days_ago=200,
):
    end = days_ago(5) if status == "CLOSED" else ""
    return row(
        ref,
        person_ref,
        who,
        "ASSESS",
        days_ago(start_days_ago),
        status=status,
        end=end,
        worker="Dana Worker",
        team=team,
        email=email,
    )


def police_incident(ref="P1", person_ref="N1", who=ROBIN, *, start_days_ago=2, restricted="N"):
    return row(
        ref,
        person_ref,
        who,
        "DOMESTIC",
        days_ago(start_days_ago),
        worker="PC Lark",
        team="Public Protection Unit",
        email="pc.lark@police.testshire.example",
        restricted=restricted,
    )


class Partners:
    def __init__(self, tmp_path: Path):
        self.tmp_path = tmp_path
        self.childrens = source_for_mapping("alerts-childrens")
        self.police = source_for_mapping("alerts-police")
        self.files = 0

    def load(self, source, rows: list[str]):
        self.files += 1
        path = self.tmp_path / f"{source.code}-{self.files}.csv"
        path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
        return ingest_file(source, path)


@pytest.fixture
def partners(db, tmp_path, monkeypatch):
    monkeypatch.setattr(mapping, "MAPPINGS_DIR", HERE / "mappings")
    monkeypatch.setattr("mast.feeds.services.archive_dir", lambda: tmp_path / "archive")
    return Partners(tmp_path)


@pytest.fixture
def csc_worker(partners):
    return make_user(
        agency=partners.childrens.agency,
        username="dana",
        email=CSC_WORKER_EMAIL.lower(),
        team="Somewhere else",
    )
