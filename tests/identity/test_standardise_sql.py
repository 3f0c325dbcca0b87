"""The full run's SQL standardisation gives the model exactly the rows the Python standardiser gives, record
by record: a difference would change who is matched with whom between a full run and a daily load. The
benchmark (`python -m bench standardise`) checks the same on a 20,000-person region."""

import datetime as dt
from datetime import date

import pytest

from mast.identity.matching.engine_settings import EngineSettingError, duckdb_config
from mast.identity.matching.linkage import model_row
from mast.identity.matching.standardise_sql import raw_table, standardise_table
from mast.synth.canonical import partner_records
from mast.synth.region import generate

AS_OF = date(2026, 11, 24)


def _python_rows(records: list[dict]) -> list[dict]:
    rows = [model_row(record) for record in records]
    for row in rows:
        row["unique_id"] = str(row["unique_id"])
    return rows


def _differences(records: list[dict]) -> list[tuple[str, dict]]:
    sql_rows = standardise_table(raw_table(records)).to_pylist()
    assert len(sql_rows) == len(records)
    return [
        (python["unique_id"], {k: (python[k], sql[k]) for k in python if python[k] != sql[k]})
        for python, sql in zip(_python_rows(records), sql_rows, strict=True)
        if python != sql
    ]


def _record(n: int, **fields) -> dict:
    return {"record_id": f"r{n}", "source": "police", "given_name": "Amy", "family_name": "Smith", **fields}


# Each is a way partners really write a name, a date, a sex, a postcode or an address that the standardiser
# treats specially.
AWKWARD = [
    {"given_name": "Mrs Siân", "family_name": "O'Brien-Smith Jr"},
    {"given_name": "Dr", "family_name": "Mr"},
    {"given_name": "Lewis Morgan", "family_name": ""},
    {"given_name": "Morgan, Lewis", "family_name": None},
    {"given_name": "", "family_name": "Morgan, Lewis"},
    {"given_name": "", "family_name": "Lewis Morgan Jones"},
    {"given_name": "Har Risn", "family_name": "Ali"},
    {"given_name": "Jo Anne", "family_name": "Ali"},
    {"given_name": "J0hn", "family_name": "5mith"},
    {"given_name": "Vixtoria", "family_name": "Nowak"},
    {"given_name": "Kathrine", "family_name": "Nowak"},
    {"given_name": "Freddie", "family_name": "Thompson"},
    {"given_name": "Timmy", "family_name": "Sampson"},
    {"given_name": "Zoë", "family_name": "Øyelaran", "middle_names": "Ærin Þór"},
    {"given_name": "STRAßE", "family_name": "Łukasz"},
    {"given_name": "Katie", "middle_names": "Mary Jane", "other_names": "Jones, Jones; Brown"},
    {"given_name": "Bill", "family_name": "Smith-Jones", "other_names": "Smith"},
    {"given_name": "Jr", "family_name": "III"},
    {"date_of_birth": dt.date(1985, 4, 3), "date_of_birth_raw": "03/04/1985"},
    {"date_of_birth_raw": "03/1985"},
    {"date_of_birth_raw": "Mar-1985"},
    {"date_of_birth_raw": "198503"},
    {"date_of_birth_raw": "031985"},
    {"date_of_birth_raw": "19850403"},
    {"date_of_birth_raw": "03041985"},
    {"date_of_birth_raw": "03/04/85"},
    {"date_of_birth_raw": "1799"},
    {"sex": " F "},
    {"sex": "Girl"},
    {"sex": "unknown"},
    {"nhs_number": "943 476 5919", "nhs_number_valid": True},
    {"nhs_number": "943 476 5919", "nhs_number_valid": False},
    {"postcode": "ns93aj", "address_line_1": "Flat 3", "address_line_2": "12 Mill Rd"},
    {"postcode": "NS9", "address_line_1": "3/12 Mill Rd, Northtown"},
    {"postcode": "n/a", "address_line_1": "12a Mill Road"},
    {"postcode": "AB12 3CD", "address_line_1": "Rose Cottage, Mill Lane"},
    {"postcode": "AB12 3CD", "address_line_1": "Rose Court", "address_line_2": "Mill Lane"},
    {"postcode": "AB12 3CD", "address_line_1": "12-14 St John's Rd"},
    {"postcode": "AB12 3CD", "address_line_1": "Rose Cottage"},
    {"postcode": "AB12 3CD", "uprn": "000100023.0", "address_line_1": "1 High St"},
    {"postcode": "", "uprn": " 42 ", "address_line_1": "Ground floor flat, 7 Mill Gdns"},
    # The shapes the SQL reads itself ('12 Mill Road', 'Flat 3, 12 Mill Road'), and ones just outside them.
    {"postcode": "AB12 3CD", "address_line_1": "Flat 3, 17 Station Street"},
    {"postcode": "AB12 3CD", "address_line_1": "Flat 3a", "address_line_2": "17b Station St"},
    {"postcode": "AB12 3CD", "address_line_1": "12 Mill Road Flat A"},
    {"postcode": "AB12 3CD", "address_line_1": "12 A Mill Road"},
    {"postcode": "AB12 3CD", "address_line_1": "12  Mill   Road"},
    {"postcode": "AB12 3CD", "address_line_1": "12 Mill Road Northtown"},
    {"postcode": "AB12 3CD", "address_line_1": "4 St Albans Road"},
    {"postcode": "AB12 3CD", "address_line_1": "4 Mill Rd North"},
    {"postcode": "AB12 3CD", "address_line_1": "4 Saint Mary Street"},
    {"postcode": "AB12 3CD", "address_line_1": "1st Floor Flat, 9 Oak Close"},
    {"postcode": "AB12 3CD", "address_line_1": "9 Oak Close", "address_line_2": "Northtown"},
    {"postcode": "AB12 3CD", "address_line_1": "9 Oak Unit Road"},
]


def test_awkward_values_are_standardised_as_the_python_standardiser_does():
    records = [_record(n, **fields) for n, fields in enumerate(AWKWARD)]
    records.append({"record_id": "empty"})  # nothing known but the id

    assert _differences(records) == []


def test_a_slip_of_the_keyboard_in_a_given_name_joins_the_name_s_groups():
    # What the SQL's one-edit join must find, as names.given_name_groups does: a name in no list, one slip
    # from a known one, stands for it too.
    (row,) = standardise_table(raw_table([_record(1, given_name="Vixtoria")])).to_pylist()

    assert "victoria" in row["given_name_groups"] and "vixtoria" in row["given_name_groups"]


def test_a_synthetic_region_is_standardised_identically_record_by_record(tmp_path):
    generate(1500, 5, tmp_path, AS_OF)
    records = list(partner_records(tmp_path, AS_OF).values())
    assert len(records) > 1000

    assert _differences(records) == []


def test_duckdb_memory_and_threads_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("MAST_DUCKDB_MEMORY_LIMIT", "3GiB")
    monkeypatch.setenv("MAST_DUCKDB_THREADS", "2")
    monkeypatch.setenv("MAST_DUCKDB_TEMP_DIR", str(tmp_path / "spill"))

    assert duckdb_config() == {
        "memory_limit": "3GiB",
        "threads": 2,
        "temp_directory": str(tmp_path / "spill"),
    }


def test_by_default_duckdb_may_use_half_the_memory_and_every_core(monkeypatch):
    for name in ("MAST_DUCKDB_MEMORY_LIMIT", "MAST_DUCKDB_THREADS", "MAST_DUCKDB_TEMP_DIR"):
        monkeypatch.delenv(name, raising=False)
    import os

    ram_mib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    config = duckdb_config()

    assert config["memory_limit"] == f"{ram_mib // 2}MiB"
    assert config["threads"] == os.cpu_count()


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("MAST_DUCKDB_MEMORY_LIMIT", "lots", "MAST_DUCKDB_MEMORY_LIMIT='lots' is not a size"),
        ("MAST_DUCKDB_MEMORY_LIMIT", "4", "give a number and a unit"),
        ("MAST_DUCKDB_THREADS", "0", "MAST_DUCKDB_THREADS='0' must be a whole number"),
        ("MAST_DUCKDB_THREADS", "two", "MAST_DUCKDB_THREADS='two' must be a whole number"),
    ],
)
def test_a_wrong_engine_setting_is_refused_with_what_it_should_be(monkeypatch, name, value, said):
    monkeypatch.setenv(name, value)

    with pytest.raises(EngineSettingError, match=said):
        duckdb_config()
