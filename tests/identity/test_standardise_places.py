"""Standardising where people live: postcodes, addresses split however a partner typed them, and one key per
dwelling (the UPRN first). Pure functions, no database; every address here is invented."""

import pytest

from mast.identity.matching.addresses import ParsedAddress, address_key, parse_address
from mast.identity.matching.names import (
    normalise_name,
)
from mast.identity.matching.postcodes import normalise_postcode, outcode, postcode_sector
from mast.identity.matching.standardise import standardise

# --- postcodes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "out", "sector", "normal"),
    [
        ("NS9 3AJ", "NS9", "NS9 3", "NS9 3AJ"),
        ("ns93aj", "NS9", "NS9 3", "NS9 3AJ"),
        (" ns9  3aj ", "NS9", "NS9 3", "NS9 3AJ"),
        ("NS12 7QX", "NS12", "NS12 7", "NS12 7QX"),
        ("N1 2AB", "N1", "N1 2", "N1 2AB"),
        ("NS1A 0ZZ", "NS1A", "NS1A 0", "NS1A 0ZZ"),
        ("NS9", "NS9", "", "NS9"),
        ("N/A", "", "", ""),
        ("unknown", "", "", ""),
        ("NFA", "", "", ""),
        ("", "", "", ""),
        (None, "", "", ""),
    ],
)
def test_outcode_and_sector(raw, out, sector, normal):
    assert outcode(raw) == out
    assert postcode_sector(raw) == sector
    assert normalise_postcode(raw) == normal


# --- addresses ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lines",
    [
        ("Flat 3", "12 Mill Road"),
        ("Flat 3, 12 Mill Road",),
        ("Flat 3 12 Mill Road",),
        ("FLAT 3", "12 MILL RD"),
        ("3/12 Mill Road",),
        ("3 / 12 Mill Rd.",),
        ("12 Mill Road", "Flat 3"),
        ("Flat 3", "12", "Mill Road"),
        ("Apartment 3", "12 Mill Road, Northtown"),
        ("flat 3,", "12, mill road"),
        ("12 Mill Road Flat 3",),
        ("12 Mill Road Flat 3", "Northtown"),
        ("Flat 3", "12 Mill Road Northtown"),
    ],
)
def test_flat_and_number_in_any_line_split(lines):
    assert parse_address(*lines) == ParsedAddress(flat="3", house_number="12", street="mill road")


def test_letter_suffixed_house_numbers():
    assert parse_address("12a Mill Road").house_number == "12a"
    assert parse_address("12A Mill Road").house_number == "12a"
    assert parse_address("12 A Mill Road") == parse_address("12a Mill Road")


def test_number_ranges_are_kept_whole():
    assert parse_address("12-14 High St") == ParsedAddress("", "12-14", "high street")


def test_house_names_without_numbers():
    parsed = parse_address("Rose Cottage, Mill Lane")
    assert parsed == ParsedAddress(flat="", house_number="", street="mill lane", building="rose cottage")
    assert parse_address("Rose Cottage", "Mill Ln", "Northtown") == parsed
    assert parse_address("Rose Cottage") == ParsedAddress("", "", "", "rose cottage")


def test_a_court_gives_way_to_the_street_after_it():
    assert parse_address("Rose Court", "Mill Lane") == ParsedAddress("", "", "mill lane", "rose court")


def test_named_block_with_numbered_street():
    assert parse_address("Mill House", "12 Mill St") == ParsedAddress("", "12", "mill street", "mill house")


@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("1 Mill Rd", "1 Mill Road"),
        ("1 Mill St", "1 Mill Street"),
        ("1 Mill St.", "1 Mill Street"),
        ("1 Mill Ave", "1 Mill Avenue"),
        ("1 Mill Ln", "1 Mill Lane"),
        ("1 Mill Cl", "1 Mill Close"),
        ("1 Mill Dr", "1 Mill Drive"),
        ("1 Mill Cres", "1 Mill Crescent"),
        ("1 Mill Gdns", "1 Mill Gardens"),
        ("1 Mill Ct", "1 Mill Court"),
        ("1 Mill Pl", "1 Mill Place"),
        ("1 Mill Terr", "1 Mill Terrace"),
        ("1 Mill Ter", "1 Mill Terrace"),
        ("1 Mill Gr", "1 Mill Grove"),
        ("1 Mill Rd North", "1 Mill Road North"),
    ],
)
def test_street_abbreviations_become_long_forms(short, long):
    assert parse_address(short) == parse_address(long)
    assert parse_address(short).street == normalise_name(long[2:])


def test_a_town_on_the_street_line_is_dropped():
    assert parse_address("12 Mill Road Northtown").street == "mill road"
    assert parse_address("12 Mill Rd North Northtown").street == "mill road north"
    assert parse_address("12 Church Lane St Albans").street == "church lane"
    # 'St' followed by a word reads as 'Saint' ('St Albans'), so a town after 'Mill St' cannot be told apart
    assert parse_address("12 Mill St Northtown").street == "mill st northtown"
    assert parse_address("12 Mill St", "Northtown").street == "mill street"
    assert parse_address("12 St Albans Road").street == "st albans road"


def test_saint_at_the_start_of_a_street_is_not_street():
    assert parse_address("4 St John's Rd").street == "st johns road"
    assert parse_address("4 St. John's Road").street == "st johns road"
    assert parse_address("4 Saint Johns Road").street == "st johns road"
    assert parse_address("4 Church St").street == "church street"
    assert parse_address("4 Dr Hale Close").street == "dr hale close"


def test_empty_address_parses_to_nothing():
    assert parse_address("") == ParsedAddress("", "", "")
    assert parse_address(None, None, None) == ParsedAddress("", "", "")


def test_different_line_splits_of_one_address_give_one_key():
    keys = {
        address_key("Flat 3", "12 Mill Road", "", "NS9 3AJ", None),
        address_key("Flat 3, 12 Mill Road", "", "", "ns93aj", ""),
        address_key("3/12 Mill Rd", "Northtown", "", "NS9 3AJ", None),
        address_key("12 Mill Road", "Flat 3", "Northtown", " ns9 3aj", None),
        address_key("flat 3", "12", "mill road", "NS93AJ", None),
    }
    assert keys == {"addr:NS9 3AJ|12|3|mill road"}


def test_house_name_addresses_have_one_key_per_house():
    rose = address_key("Rose Cottage, Mill Lane", "", "", "NS9 3AJ", None)
    assert rose == address_key("Rose Cottage", "Mill Ln", "", "NS9 3AJ", None)
    assert rose == "addr:NS9 3AJ|rose cottage||mill lane"
    assert rose != address_key("Ivy Cottage", "Mill Lane", "", "NS9 3AJ", None)


def test_neighbouring_dwellings_have_different_keys():
    assert address_key("Flat 3", "12 Mill Road", "", "NS9 3AJ", None) != address_key(
        "Flat 4", "12 Mill Road", "", "NS9 3AJ", None
    )
    assert address_key("12 Mill Road", "", "", "NS9 3AJ", None) != address_key(
        "12a Mill Road", "", "", "NS9 3AJ", None
    )
    assert address_key("12 Mill Road", "", "", "NS9 3AJ", None) != address_key(
        "12 Mill Road", "", "", "NS9 3AK", None
    )


def test_uprn_takes_precedence_over_the_address():
    assert address_key("Flat 3", "12 Mill Road", "", "NS9 3AJ", "100012345678") == "uprn:100012345678"
    assert address_key("", "", "", "", 100012345678) == "uprn:100012345678"
    assert address_key("Somewhere else", "", "", "NS1 1AA", "000100012345678") == "uprn:100012345678"


def test_no_key_without_a_postcode_and_a_dwelling():
    assert address_key("", "", "", "", None) == ""
    assert address_key("", "", "", "NS9 3AJ", None) == ""  # a postcode is many dwellings
    assert address_key("12 Mill Road", "", "", "", None) == ""  # so is "12 Mill Road" across a region
    assert address_key("Mill Road", "", "", "NS9 3AJ", None) == ""  # and a street
    assert address_key("", "", "", "NS9 3AJ", "") == ""


def test_uprns_from_spreadsheets_and_padding_give_one_key():
    keys = {
        address_key("", "", "", "", uprn)
        for uprn in (100012345678, 100012345678.0, "100012345678.0", " 000100012345678 ", "1000 1234 5678")
    }
    assert keys == {"uprn:100012345678"}
    assert standardise({"uprn": 100012345678.0})["uprn"] == "100012345678"
