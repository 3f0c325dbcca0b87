"""The broken-file corpus: each case is a good test-partner file broken in one way real exports break.

`python -m tests.feeds.corpus` (re)writes the files into tests/feeds/corpus/; test_corpus.py checks that the
kept files are what this module makes, and that loading each one has the documented outcome.
"""

from datetime import date

from tests.feeds.corpus_parts import (
    ALL_GOOD,
    AS_EXPORTED,
    COLUMNS,
    CORPUS_DIR,
    FIRST_AS_EXPORTED,
    Case,
    Expected,
    csv_bytes,
    good_row,
    good_xlsx,
    jsonl_bytes,
    replace_line,
    xlsx_bytes,
    zip_bomb,
)
from tests.feeds.samples import GOOD_ROWS, HEADER

L, R = "loaded", "refused"
CASES: tuple[Case, ...] = (
    Case("01-zero-bytes.csv", "test-partner", lambda: b"", Expected(R, says="empty"), "0 bytes"),
    Case(
        "02-header-only.csv",
        "test-partner",
        lambda: csv_bytes([]),
        Expected(R, says="no data rows"),
        "a header and nothing else",
    ),
    Case(
        "03-utf16.csv",
        "test-partner",
        lambda: csv_bytes(GOOD_ROWS, encoding="utf-16"),
        Expected(R, says="NUL bytes"),
        "exported as UTF-16",
    ),
    Case(
        "04-utf8-not-cp1252.csv",
        "test-partner",
        lambda: csv_bytes(GOOD_ROWS, encoding="utf-8"),
        Expected(L, loaded=4, flagged=2, records=ALL_GOOD, stored=AS_EXPORTED),
        "the partner's system switched to UTF-8: read as UTF-8",
    ),
    Case(
        "05-utf8-with-bom.csv",
        "test-partner",
        lambda: b"\xef\xbb\xbf" + csv_bytes(GOOD_ROWS, encoding="utf-8"),
        Expected(L, loaded=4, flagged=2, records=ALL_GOOD, stored=AS_EXPORTED),
        "byte-order mark tolerated",
    ),
    Case(
        "06-missing-column.csv",
        "test-partner",
        lambda: csv_bytes([",".join(r.split(",")[:-1]) for r in GOOD_ROWS], header=HEADER.rsplit(",", 1)[0]),
        Expected(R, says="missing column(s) Restricted"),
        "a mapped column is missing",
    ),
    Case(
        "07-extra-columns.csv",
        "test-partner",
        lambda: csv_bytes([r + ",x,y" for r in GOOD_ROWS], header=HEADER + ",Beat,Division"),
        Expected(L, loaded=4, flagged=2, records=ALL_GOOD, stored=AS_EXPORTED),
        "unmapped extra columns are ignored",
    ),
    Case(
        "08-columns-reordered.csv",
        "test-partner",
        lambda: csv_bytes(
            [",".join(reversed(r.split(","))) for r in GOOD_ROWS], header=",".join(reversed(COLUMNS))
        ),
        Expected(L, loaded=4, flagged=2, records=ALL_GOOD, stored=AS_EXPORTED),
        "columns found by name, not position",
    ),
    Case(
        "09-quoted-newline.csv",
        "test-partner",
        lambda: csv_bytes(
            replace_line(GOOD_ROWS, 1, GOOD_ROWS[1].replace("1 Mill Lane", '"Flat 2\r\n1 Mill Lane"'))
        ),
        Expected(
            L,
            loaded=4,
            flagged=2,
            records=ALL_GOOD,
            stored={**AS_EXPORTED, "OC2": {"address_line_1": "Flat 2\r\n1 Mill Lane"}},
        ),
        "an address with a line break inside quotes",
    ),
    Case(
        "10-huge-line.csv",
        "test-partner",
        lambda: csv_bytes([good_row(Addr1="A" * 200_000)]),
        Expected(R, says="cannot be read as CSV"),
        "a field of 200,000 characters",
    ),
    Case(
        "11-formula-in-name.csv",
        "test-partner",
        lambda: csv_bytes([good_row(Forename='"=HYPERLINK(""http://x.example"",""Zoë"")"')]),
        Expected(
            L,
            loaded=1,
            flagged=1,
            records=("OC1",),
            flags={"OC1": frozenset({"given_name"})},
            stored={"OC1": {"given_name": '=HYPERLINK("http://x.example","Zoë")'}},
        ),
        "spreadsheet formula in a name: kept as text, flagged",
    ),
    Case(
        "12-duplicate-record-id.csv",
        "test-partner",
        lambda: csv_bytes([*GOOD_ROWS, GOOD_ROWS[0]]),
        Expected(
            L, loaded=4, rejected=1, flagged=2, says="appears again", records=ALL_GOOD, stored=AS_EXPORTED
        ),
        "the same record id twice",
    ),
    Case(
        "13-future-start-date.csv",
        "test-partner",
        lambda: csv_bytes([good_row(OccDate="01/01/2099")]),
        Expected(
            L,
            loaded=1,
            flagged=1,
            records=("OC1",),
            flags={"OC1": frozenset({"start_date"})},
            stored={"OC1": {"start_date": date(2099, 1, 1)}},
        ),
        "an involvement dated in the future: loaded, flagged",
    ),
    Case(
        "14-future-date-of-birth.csv",
        "test-partner",
        lambda: csv_bytes([good_row(DOB="01/01/2099")]),
        Expected(
            L,
            loaded=1,
            flagged=1,
            records=("OC1",),
            flags={"OC1": frozenset({"date_of_birth"})},
            stored={"OC1": {"date_of_birth": None, "date_of_birth_raw": "01/01/2099"}},
        ),
        "a date of birth in the future: kept as given, flagged",
    ),
    Case(
        "15-impossible-start-date.csv",
        "test-partner",
        lambda: csv_bytes([good_row(OccDate="31/02/2026")]),
        Expected(L, rejected=1, says="Start date (OccDate)"),
        "31 February as the start date: rejected",
    ),
    Case(
        "16-impossible-date-of-birth.csv",
        "test-partner",
        lambda: csv_bytes([good_row(DOB="31/02/2015")]),
        Expected(
            L,
            loaded=1,
            flagged=1,
            records=("OC1",),
            flags={"OC1": frozenset({"date_of_birth"})},
            stored={"OC1": {"date_of_birth": None, "date_of_birth_raw": "31/02/2015"}},
        ),
        "31 February as a date of birth: kept as given, flagged",
    ),
    Case(
        "17-blank-surname.csv",
        "test-partner",
        lambda: csv_bytes([good_row(Surname=""), GOOD_ROWS[2]]),
        Expected(L, loaded=1, rejected=1, flagged=1, says="Family name", records=("OC3",)),
        "a required field is empty",
    ),
    Case(
        "18-too-few-fields.csv",
        "test-partner",
        lambda: csv_bytes([GOOD_ROWS[0].rsplit(",", 3)[0], GOOD_ROWS[2]]),
        Expected(L, loaded=1, rejected=1, flagged=1, says="fields", records=("OC3",)),
        "a short row",
    ),
    Case(
        "19-too-many-fields.csv",
        "test-partner",
        lambda: csv_bytes([GOOD_ROWS[0] + ",extra", GOOD_ROWS[2]]),
        Expected(L, loaded=1, rejected=1, flagged=1, says="fields", records=("OC3",)),
        "a long row (an unquoted comma)",
    ),
    Case(
        "20-unterminated-quote.csv",
        "test-partner",
        lambda: csv_bytes([*GOOD_ROWS[:2], '"OC9,N9,Amy']),
        Expected(R, says="cannot be read as CSV"),
        "a quote opened and never closed",
    ),
    Case(
        "21-semicolon-delimited.csv",
        "test-partner",
        lambda: csv_bytes([r.replace(",", ";") for r in GOOD_ROWS], header=HEADER.replace(",", ";")),
        Expected(R, says="missing column"),
        "the wrong delimiter",
    ),
    Case(
        "22-truncated.csv",
        "test-partner",
        lambda: csv_bytes(GOOD_ROWS)[:-40],
        Expected(L, loaded=3, rejected=1, flagged=1, says="fields", records=ALL_GOOD[:3]),
        "the transfer stopped mid-row",
    ),
    Case(
        "23-blank-lines.csv",
        "test-partner",
        lambda: csv_bytes([GOOD_ROWS[0], "", ",,,", GOOD_ROWS[2]]),
        Expected(L, loaded=2, flagged=1, records=("OC1", "OC3")),
        "blank lines are not rows",
    ),
    Case(
        "24-invalid-nhs-number.csv",
        "test-partner",
        lambda: csv_bytes([good_row(NHSNo="943 476 5918")]),
        Expected(
            L,
            loaded=1,
            flagged=1,
            records=("OC1",),
            flags={"OC1": frozenset({"nhs_number"})},
            stored={"OC1": {"nhs_number": "9434765918", "nhs_number_valid": False}},
        ),
        "an NHS number failing its check digit",
    ),
    Case(
        "25-malformed-postcode.csv",
        "test-partner",
        lambda: csv_bytes([good_row(PostCode="AB12 C")]),
        Expected(
            L,
            loaded=1,
            flagged=1,
            records=("OC1",),
            flags={"OC1": frozenset({"postcode"})},
            stored={"OC1": {"postcode": "AB12 C"}},
        ),
        "a malformed postcode",
    ),
    Case(
        "26-unknown-involvement-type.csv",
        "test-partner",
        lambda: csv_bytes([good_row(OccType="BURGLARY")]),
        Expected(
            L,
            loaded=1,
            flagged=1,
            records=("OC1",),
            flags={"OC1": frozenset({"involvement_type"})},
            stored={"OC1": {"category": "other", "involvement_type": "BURGLARY"}},
        ),
        "a code not in the mapping: shown as 'other', flagged",
    ),
    Case(
        "27-end-before-start.csv",
        "test-partner",
        lambda: csv_bytes([good_row(ClosedDate="01/01/2020")]),
        Expected(
            L,
            loaded=1,
            flagged=1,
            records=("OC1",),
            flags={"OC1": frozenset({"end_date"})},
            stored={"OC1": {"end_date": None, "start_date": date(2026, 2, 1)}},
        ),
        "an end date before the start date",
    ),
    Case(
        "28-too-long-name.csv",
        "test-partner",
        lambda: csv_bytes([good_row(Surname="X" * 150), GOOD_ROWS[2]]),
        Expected(L, loaded=1, rejected=1, flagged=1, says="longer than", records=("OC3",)),
        "a name longer than any real one",
    ),
    Case(
        "29-unknown-restricted-marker.csv",
        "test-partner",
        lambda: csv_bytes([good_row(Restricted="MAYBE")]),
        Expected(
            L,
            loaded=1,
            flagged=1,
            records=("OC1",),
            flags={"OC1": frozenset({"restricted"})},
            stored={"OC1": {"restricted": True}},
        ),
        "an unknown restricted marker: treated as restricted",
    ),
    Case(
        "30-binary-garbage.csv",
        "test-partner",
        lambda: bytes(range(256)) * 8,
        Expected(R, says="NUL bytes"),
        "an image or archive sent by mistake",
    ),
    Case(
        "31-invalid-json-line.jsonl",
        "test-partner-jsonl",
        lambda: jsonl_bytes(GOOD_ROWS[:2]) + b'{"OccRef": "OC9", broken\n' + jsonl_bytes(GOOD_ROWS[2:3]),
        Expected(
            L,
            loaded=3,
            rejected=1,
            flagged=1,
            says="not valid JSON",
            records=ALL_GOOD[:3],
            stored=FIRST_AS_EXPORTED,
        ),
        "one damaged JSON line",
    ),
    Case(
        "32-json-missing-key.jsonl",
        "test-partner-jsonl",
        lambda: jsonl_bytes(GOOD_ROWS[:1]) + b'{"OccRef": "OC9", "NominalId": "N9"}\n',
        Expected(L, loaded=1, rejected=1, says="Given name", records=("OC1",), stored=FIRST_AS_EXPORTED),
        "a JSON record lacking required keys",
    ),
    Case(
        "33-json-not-objects.jsonl",
        "test-partner-jsonl",
        lambda: b"[1, 2, 3]\n",
        Expected(R, says="not a JSON object"),
        "a JSON array instead of JSON lines",
    ),
    Case(
        "34-good.xlsx",
        "test-partner-xlsx",
        good_xlsx,
        Expected(L, loaded=3, flagged=1, records=ALL_GOOD[:3], stored=FIRST_AS_EXPORTED),
        "a good spreadsheet, for contrast",
    ),
    Case(
        "35-truncated.xlsx",
        "test-partner-xlsx",
        lambda: good_xlsx()[:2000],
        Expected(R, says="cannot be opened as an XLSX"),
        "a spreadsheet cut short in transfer",
    ),
    Case(
        "36-csv-named-xlsx.xlsx",
        "test-partner-xlsx",
        lambda: csv_bytes(GOOD_ROWS),
        Expected(R, says="cannot be opened as an XLSX"),
        "a CSV file renamed .xlsx",
    ),
    Case(
        "37-zip-bomb.xlsx",
        "test-partner-xlsx",
        zip_bomb,
        Expected(R, says="zip bomb"),
        "a small file that expands to over 1 GB",
    ),
    Case(
        "38-real-dates.xlsx",
        "test-partner-xlsx",
        lambda: xlsx_bytes(
            [
                [
                    *GOOD_ROWS[2].split(",")[:10],
                    date(2026, 1, 10),
                    "",
                    "CLOSED",
                    "",
                    "",
                    "N",
                ]
            ]
        ),
        Expected(L, loaded=1, flagged=1, records=("OC3",), stored={"OC3": {"start_date": date(2026, 1, 10)}}),
        "dates stored as spreadsheet dates, not text",
    ),
)


def write_corpus() -> None:
    CORPUS_DIR.mkdir(exist_ok=True)
    for case in CASES:
        (CORPUS_DIR / case.file_name).write_bytes(case.build())


if __name__ == "__main__":
    write_corpus()
    print(f"wrote {len(CASES)} files to {CORPUS_DIR}")
