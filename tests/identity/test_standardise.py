"""The standardisation layer under the linkage model, whole records at a time (with NHS numbers and dates of
birth; names and places have modules of their own): pure functions, no database.

All names, addresses and numbers here are invented; the NHS number is from the 999 test range.
"""

import datetime as dt
import gc

import pytest

from mast.identity.matching.dates import birth_year
from mast.identity.matching.names import (
    _NOT_EQUIVALENT,
    double_metaphone,
    names_equivalent,
)
from mast.identity.matching.standardise import standardise, standardise_all

TEST_NHS_NUMBER = "9990000018"  # 999 range, valid check digit


def _nhs_check_digit_valid(number: str) -> bool:
    digits = [int(c) for c in number]
    check = 11 - sum(d * (10 - i) for i, d in enumerate(digits[:9])) % 11
    return (0 if check == 11 else check) == digits[9]


def test_the_test_nhs_number_is_a_valid_test_number():
    assert TEST_NHS_NUMBER.startswith("999") and _nhs_check_digit_valid(TEST_NHS_NUMBER)


# --- dates of birth -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "1985",
        "03/1985",
        "1985-03",
        "Mar-1985",
        "198503",
        "031985",
        "03/04/1985",
        "1985-04-03",
        "03-Apr-1985",
        "19850403",
        "03041985",
        " 1985-04-03T00:00:00 ",
        "3 April 1985",
        "19/08/1985",
        "19081985",  # DDMMYYYY whose first four digits look like a year
        "20011985",
        "121985",
    ],
)
def test_birth_year_from_partial_and_raw_dates(raw):
    assert birth_year(raw) == 1985


@pytest.mark.parametrize(
    "raw", ["", None, "unknown", "03/04/85", "85", "1879", "2101", "0000", "00/00/0000", "99999999", "12345"]
)
def test_birth_year_is_none_without_a_plausible_four_digit_year(raw):
    assert birth_year(raw) is None


def test_birth_year_bounds_are_inclusive():
    assert birth_year("1880") == 1880
    assert birth_year("01/01/2100") == 2100


# --- whole records --------------------------------------------------------------------------------

FULL_RECORD = {
    "record_id": "cs-000123",
    "source": "childrens-social-care",
    "given_name": "Katie-Mae",
    "middle_names": "Siân",
    "family_name": "Smith-Jones",
    "other_names": "O'Hara; Penrose",
    "date_of_birth": dt.date(2014, 4, 3),
    "date_of_birth_raw": "03/04/2014",
    "sex": "F",
    "address_line_1": "Flat 3",
    "address_line_2": "12 Mill Rd",
    "address_line_3": "Northtown",
    "postcode": "ns9 3aj",
    "uprn": "",
    "nhs_number": "999 000 0018",
    "nhs_number_valid": True,
}

COLUMNS = {
    "unique_id",
    "source_dataset",
    "given_name",
    "given_name_full",
    "middle_names",
    "family_name",
    "family_name_tokens",
    "other_family_names",
    "given_name_dm",
    "family_name_dm",
    "given_name_groups",
    "dob",
    "birth_year",
    "sex",
    "postcode",
    "outcode",
    "postcode_sector",
    "house_number",
    "flat",
    "street",
    "address_key",
    "uprn",
    "nhs_number",
}


def test_standardise_a_full_record():
    row = standardise(FULL_RECORD)
    assert set(row) == COLUMNS
    assert row["unique_id"] == "cs-000123"
    assert row["source_dataset"] == "childrens-social-care"
    assert row["given_name"] == "katie"
    assert row["given_name_full"] == "katie mae"
    assert row["middle_names"] == "sian"
    assert row["family_name"] == "smithjones"
    assert row["family_name_tokens"] == ["smith", "jones"]
    assert row["other_family_names"] == ["ohara", "penrose"]
    assert row["given_name_dm"] == double_metaphone("katie")[0]
    assert row["family_name_dm"] == double_metaphone("smithjones")[0]
    assert "catherine" in row["given_name_groups"] and "katie" in row["given_name_groups"]
    assert row["dob"] == "2014-04-03"
    assert row["birth_year"] == 2014
    assert row["sex"] == "female"
    assert row["postcode"] == "NS9 3AJ"
    assert row["outcode"] == "NS9"
    assert row["postcode_sector"] == "NS9 3"
    assert (row["flat"], row["house_number"], row["street"]) == ("3", "12", "mill road")
    assert row["address_key"] == "addr:NS9 3AJ|12|3|mill road"
    assert row["uprn"] is None
    assert row["nhs_number"] == TEST_NHS_NUMBER


def test_standardise_an_almost_empty_record():
    row = standardise({"record_id": "p-9", "source": "police"})
    assert set(row) == COLUMNS
    assert row["unique_id"] == "p-9"
    assert row["source_dataset"] == "police"
    assert all(value is None for key, value in row.items() if key not in {"unique_id", "source_dataset"})


def test_standardise_an_empty_dict_does_not_crash():
    row = standardise({})
    assert set(row) == COLUMNS
    assert all(value is None for value in row.values())


def test_standardise_turns_blank_strings_into_none():
    row = standardise(
        {key: "" for key in FULL_RECORD}
        | {"record_id": "x-1", "date_of_birth": None, "nhs_number_valid": False}
    )
    assert all(value is None for key, value in row.items() if key != "unique_id")


def test_standardise_takes_the_birth_year_from_the_raw_text_when_the_date_is_partial():
    row = standardise({"record_id": "a", "date_of_birth": None, "date_of_birth_raw": "Mar-1985"})
    assert row["dob"] is None and row["birth_year"] == 1985


def test_standardise_accepts_iso_text_and_datetimes_for_the_date_of_birth():
    assert standardise({"date_of_birth": "2014-04-03"})["dob"] == "2014-04-03"
    assert standardise({"date_of_birth": dt.datetime(2014, 4, 3, 9, 30)})["dob"] == "2014-04-03"
    assert standardise({"date_of_birth": "not a date"})["dob"] is None


def test_standardise_keeps_an_nhs_number_only_when_valid():
    invalid = FULL_RECORD | {"nhs_number": "9990000019", "nhs_number_valid": False}
    assert standardise(invalid)["nhs_number"] is None
    assert standardise(FULL_RECORD | {"nhs_number_valid": None})["nhs_number"] is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("F", "female"),
        ("female", "female"),
        (" Female ", "female"),
        ("M", "male"),
        ("MALE", "male"),
        ("U", None),
        ("X", None),
        ("not known", None),
        ("", None),
        (None, None),
    ],
)
def test_standardise_sex(raw, expected):
    assert standardise({"sex": raw})["sex"] == expected


def test_standardise_prefers_the_uprn_for_the_address_key():
    row = standardise(FULL_RECORD | {"uprn": "100012345678"})
    assert row["uprn"] == "100012345678"
    assert row["address_key"] == "uprn:100012345678"
    assert row["street"] == "mill road"


def test_standardise_gives_new_lists_to_each_record():
    first, second = standardise(FULL_RECORD), standardise(FULL_RECORD)
    first["given_name_groups"].append("mutated")
    first["family_name_tokens"].append("mutated")
    assert "mutated" not in second["given_name_groups"]
    assert "mutated" not in second["family_name_tokens"]
    assert "mutated" not in standardise(FULL_RECORD)["family_name_tokens"]


def test_twins_differ_only_in_given_name_features():
    olivia = standardise(FULL_RECORD | {"record_id": "1", "given_name": "Olivia", "nhs_number": ""})
    oliver = standardise(FULL_RECORD | {"record_id": "2", "given_name": "Oliver", "nhs_number": ""})
    assert not set(olivia["given_name_groups"]) & set(oliver["given_name_groups"])
    differing = {key for key in olivia if olivia[key] != oliver[key]}
    assert differing == {"unique_id", "given_name", "given_name_full", "given_name_dm", "given_name_groups"}


def test_every_pair_kept_apart_is_apart_by_any_route():
    for pair in _NOT_EQUIVALENT:
        a, b = sorted(pair)
        assert not names_equivalent(a, b), (a, b)


def test_standardise_all_matches_standardise_and_restores_the_collector():
    records = [FULL_RECORD, {}, FULL_RECORD | {"record_id": "cs-2", "given_name": "Jon"}]
    assert gc.isenabled()
    assert standardise_all(records) == [standardise(record) for record in records]
    assert standardise_all(iter(records))[2]["given_name"] == "jon"
    assert gc.isenabled()
    gc.disable()
    try:
        standardise_all(records)
        assert not gc.isenabled()
    finally:
        gc.enable()
