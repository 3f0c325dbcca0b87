from pathlib import Path

import pytest

from mast.feeds import mapping
from mast.feeds.services import source_for_mapping

HERE = Path(__file__).parent
HEADER = (
    "OccRef,NominalId,Forename,Surname,DOB,Gender,Addr1,PostCode,NHSNo,"
    "OccType,OccDate,ClosedDate,Status,OIC,OICPhone,Restricted"
)
GOOD_ROWS = [
    "OC1,N1,Zoë,O'Neill,03/04/2015,F,1 Mill Lane,ab1 2cd,,DOMESTIC,01/02/2026,,OPEN,PC Ash,01632 960111,N",
    "OC2,N1,Zoë,O'Neill,03/04/2015,F,1 Mill Lane,AB1 2CD,,ATTENDANCE,05/03/2026,06/03/2026,CLOSED,PC Ash,,N",
    "OC3,N2,Jamie,Wilson,1987,M,4 High St,AB1 3EF,9434765919,ATTENDANCE,10/01/2026,,CLOSED,,,N",
    "OC4,N3,Katie,Smith,12/12/1990,F,9 Low Rd,not a postcode,1234567890,DOMESTIC,11/01/2026,,OPEN,PC Oak,,Y",
]


@pytest.fixture
def test_mappings(monkeypatch):
    monkeypatch.setattr(mapping, "MAPPINGS_DIR", HERE / "mappings")


@pytest.fixture
def source(db, test_mappings, settings, tmp_path, monkeypatch):
    monkeypatch.setattr("mast.feeds.services.archive_dir", lambda: tmp_path / "archive")
    return source_for_mapping("test-partner")


def write_feed(path: Path, rows: list[str], header: str = HEADER, encoding: str = "cp1252") -> Path:
    path.write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode(encoding))
    return path
