"""What the broken-file corpus is made from: the good test-partner rows, what each case expects, and the
makers of CSV, JSON Lines, spreadsheet and zip files that real exports arrive as."""

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from tests.feeds.samples import GOOD_ROWS, HEADER

CORPUS_DIR = Path(__file__).parent / "corpus"
COLUMNS = HEADER.split(",")
CRLF = "\r\n"
ALL_GOOD = ("OC1", "OC2", "OC3", "OC4")
# GOOD_ROWS are good rows, not perfect ones: OC3's date of birth is a year only, OC4's postcode is not one and
# its NHS number fails the check digit.
GOOD_FLAGS = {"OC3": frozenset({"date_of_birth"}), "OC4": frozenset({"nhs_number", "postcode"})}
# What the good rows store, as each broken-file case that keeps them promises.
AS_EXPORTED = {
    "OC1": {
        "given_name": "Zoë",
        "family_name": "O'Neill",
        "start_date": date(2026, 2, 1),
        "restricted": False,
    },
    "OC4": {"restricted": True, "nhs_number_valid": False},
}
FIRST_AS_EXPORTED = {"OC1": AS_EXPORTED["OC1"]}


@dataclass(frozen=True)
class Expected:
    status: str  # loaded | refused
    loaded: int = 0
    rejected: int = 0
    flagged: int = 0
    says: str = ""  # a phrase in the load's message, or in the first rejected row's reason
    # The record ids loaded, and the fields flagged on each: the good rows' own flags (GOOD_FLAGS) unless a
    # case names that record in `flags`.
    records: tuple[str, ...] = ()
    flags: dict[str, frozenset[str]] = field(default_factory=dict)
    # What the description promises is stored: record id → field → value (the involvement's or its person's).
    stored: dict[str, dict[str, object]] = field(default_factory=dict)

    def flags_of(self, record_id: str) -> frozenset[str]:
        return self.flags.get(record_id, GOOD_FLAGS.get(record_id, frozenset()))


@dataclass(frozen=True)
class Case:
    file_name: str
    source: str
    build: Callable[[], bytes]
    expected: Expected
    why: str


def csv_bytes(rows: list[str], header: str = HEADER, encoding: str = "cp1252") -> bytes:
    return (CRLF.join([header, *rows]) + CRLF).encode(encoding)


def good_row(**changes: str) -> str:
    values = dict(zip(COLUMNS, GOOD_ROWS[0].split(","), strict=True))
    values.update(changes)
    return ",".join(values[c] for c in COLUMNS)


def jsonl_bytes(rows: list[str]) -> bytes:
    records = [dict(zip(COLUMNS, row.split(","), strict=True)) for row in rows]
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def good_xlsx() -> bytes:
    return xlsx_bytes([row.split(",") for row in GOOD_ROWS[:3]])


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        # 1.1 GB of zeros compresses to about a megabyte.
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            block = b"\0" * (1024 * 1024)
            for _ in range(1100):
                member.write(block)
    return buffer.getvalue()


def replace_line(rows: list[str], index: int, row: str) -> list[str]:
    return [*rows[:index], row, *rows[index + 1 :]]
