"""The standardisation layer under the linkage model: pure functions, no database.

All names, addresses and numbers here are invented; the NHS number is from the 999 test range.
"""

import csv
import datetime as dt
import gc
from importlib.resources import files

import pytest

from mast.identity.matching.addresses import ParsedAddress, address_key, parse_address
from mast.identity.matching.dates import birth_year
from mast.identity.matching.names import (
    _NOT_EQUIVALENT,
    double_metaphone,
    given_name_groups,
    name_tokens,
    names_equivalent,
    normalise_name,
)
from mast.identity.matching.postcodes import normalise_postcode, outcode, postcode_sector
from mast.identity.matching.standardise import standardise, standardise_all

TEST_NHS_NUMBER = "9990000018"  # 999 range, valid check digit


def _nhs_check_digit_valid(number: str) -> bool:
    digits = [int(c) for c in number]
    check = 11 - sum(d * (10 - i) for i, d in enumerate(digits[:9])) % 11
    return (0 if check == 11 else check) == digits[9]


def test_the_test_nhs_number_is_a_valid_test_number():
    assert TEST_NHS_NUMBER.startswith("999") and _nhs_check_digit_valid(TEST_NHS_NUMBER)


# --- names ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Zoë", "zoe"),
        ("Siân", "sian"),
        ("Renée", "renee"),
        ("Oisín", "oisin"),
        ("ZOË", "zoe"),
        ("Łukasz", "lukasz"),
        ("Søren", "soren"),
        ("O'Brien", "obrien"),
        ("O\u2019Brien", "obrien"),  # typographic apostrophe
        ("St. John", "st john"),
        ("Smith-Jones", "smith jones"),
        ("  Mary   Ann  ", "mary ann"),
        ("Mrs Siân O'Brien-Smith", "sian obrien smith"),
        ("Dr. Amara Okafor", "amara okafor"),
        ("Prof Sir Tobias Quill", "tobias quill"),
        ("MX Rowan Hale", "rowan hale"),
        ("Master Alfie Penrose", "alfie penrose"),
        ("Rev. Dame Ottilie Marsh", "ottilie marsh"),
        ("Miss", ""),
        ("Smith,Jones", "smith jones"),
        ("Smith_Jones", "smith jones"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalise_name(raw, expected):
    assert normalise_name(raw) == expected


def test_a_title_is_dropped_only_at_the_start():
    assert normalise_name("Ada Miss") == "ada miss"
    assert normalise_name("Drew Master") == "drew master"


def test_names_that_merely_begin_like_titles_are_kept():
    assert normalise_name("Drew") == "drew"
    assert normalise_name("Misty") == "misty"
    assert normalise_name("Sirius") == "sirius"


def test_name_tokens_split_double_barrelled_surnames():
    assert name_tokens("Smith-Jones") == ["smith", "jones"]
    assert name_tokens("Ffion  ap-Rhys") == ["ffion", "ap", "rhys"]
    assert name_tokens("") == []
    assert name_tokens(None) == []


# --- nicknames and variants -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Jon", "John"),
        ("Jonathan", "Jon"),
        ("Johnny", "John"),
        ("Jack", "John"),
        ("Katie", "Catherine"),
        ("Kate", "Katherine"),
        ("Kathryn", "Catherine"),
        ("Cathy", "Catherine"),
        ("Kathy", "Kathryn"),
        ("Mohammed", "Muhammad"),
        ("Mohamed", "Mohammad"),
        ("Muhammed", "Mohamad"),
        ("Stephen", "Steven"),
        ("Steve", "Stephen"),
        ("Kayleigh", "Kayley"),
        ("Kaylee", "Kayleigh"),
        ("Zoë", "Zoey"),
        ("Siân", "Shan"),
        ("Isobel", "Isabel"),
        ("Izzy", "Isabelle"),
        ("Caitlin", "Katelyn"),
        ("Caitlyn", "Caitlin"),
        ("Jayden", "Jaden"),
        ("Philip", "Phillip"),
        ("Phil", "Philip"),
        ("Lewis", "Louis"),
        ("Geoffrey", "Jeffrey"),
        ("Geoff", "Geoffrey"),
        ("Sara", "Sarah"),
        ("Sadie", "Sarah"),
        ("Ann", "Anne"),
        ("Aaliyah", "Aliyah"),
        ("Alfie", "Alfred"),
        ("Harry", "Henry"),
        ("Harry", "Harold"),
        ("Ellie", "Eleanor"),
        ("Millie", "Amelia"),
        ("Becky", "Rebecca"),
        ("Vicky", "Victoria"),
        ("Debbie", "Deborah"),
        ("Jackie", "Jacqueline"),
        ("Ollie", "Oliver"),
        ("Charlie", "Charlotte"),
        ("Charlie", "Charles"),
        ("Abbie", "Abigail"),
        ("Abby", "Abigail"),
        ("Jess", "Jessica"),
        ("Liv", "Olivia"),
        ("Tom", "Thomas"),
        ("Tommy", "Thomas"),
        ("Dan", "Daniel"),
        ("Danny", "Daniel"),
        ("Joe", "Joseph"),
        ("Joey", "Joseph"),
        ("Sam", "Samuel"),
        ("Sam", "Samantha"),
        ("Alex", "Alexander"),
        ("Alex", "Alexandra"),
        ("Chris", "Christopher"),
        ("Chris", "Christine"),
        ("Tony", "Anthony"),
        ("Matt", "Matthew"),
        ("Nick", "Nicholas"),
        ("Ben", "Benjamin"),
        ("Ed", "Edward"),
        ("Eddie", "Edward"),
        ("Ted", "Edward"),
        ("Liz", "Elizabeth"),
        ("Beth", "Elizabeth"),
        ("Lizzie", "Elizabeth"),
        ("Will", "William"),
        ("Bill", "William"),
        ("Billy", "William"),
        ("Rob", "Robert"),
        ("Bob", "Robert"),
        ("Bobby", "Robert"),
        ("Jim", "James"),
        ("Jamie", "James"),
        ("Maggie", "Margaret"),
        ("Peggy", "Margaret"),
        ("Mike", "Michael"),
        ("Mick", "Michael"),
        ("MRS Katie", "catherine"),
    ],
)
def test_nicknames_and_variants_are_equivalent(a, b):
    assert names_equivalent(a, b)
    assert names_equivalent(b, a)
    assert set(given_name_groups(a)) & set(given_name_groups(b))


# Twins and siblings are given names like these; treating them as one name would merge two children.
@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Oliver", "Olivia"),
        ("Harry", "Harriet"),
        ("Henry", "Harriet"),
        ("Jack", "Jake"),
        ("Daniel", "Danielle"),
        ("Louis", "Louise"),
        ("Lewis", "Louise"),
        ("Samuel", "Samantha"),
        ("Alexander", "Alexandra"),
        ("Alexander", "Alexandria"),
        ("Christopher", "Christine"),
        ("Charles", "Charlotte"),
        ("Francis", "Frances"),
        ("George", "Georgina"),
        ("George", "Georgine"),
        ("William", "Wilma"),
        ("Andrew", "Andrea"),
        ("Jack", "Jacqueline"),
        ("Edwin", "Edwina"),
        ("Frederick", "Frederica"),
        ("Felix", "Felicia"),
        ("Justin", "Justina"),
        ("Paul", "Paula"),
        ("Paul", "Polly"),
        ("Emil", "Emily"),
        ("Aaron", "Erin"),
        ("Lawrence", "Laura"),
        ("Jude", "Judith"),
        # distinct names of the same sex that the nicknames package links
        ("William", "Robert"),
        ("Harold", "Henry"),
        ("Emily", "Amelia"),
        ("John", "Ian"),
        ("John", "Ivan"),
        ("Patrick", "Peter"),
        ("Hannah", "Anna"),
        ("Jonathan", "Nathan"),
        ("Eleanor", "Helena"),
        ("Charlotte", "Caroline"),
        ("Liam", "William"),
        ("Ellie", "Elena"),
        ("Kayla", "Kayleigh"),
        ("Catherine", "Cathleen"),
        ("Oliver", "Olive"),
    ],
)
def test_different_names_are_not_equivalent(a, b):
    assert not names_equivalent(a, b)
    assert not set(given_name_groups(a)) & set(given_name_groups(b))


def test_given_name_groups_are_sorted_and_include_the_name_itself():
    groups = given_name_groups("Katie")
    assert groups == tuple(sorted(groups))
    assert "katie" in groups and "catherine" in groups
    assert given_name_groups("Zébédée") == ("zebedee",)


def test_given_name_groups_use_the_first_given_name():
    assert given_name_groups("Katie-Mae") == given_name_groups("Katie")
    assert given_name_groups("Miss Katie Mae") == given_name_groups("katie")


def test_empty_names_have_no_group_and_are_equivalent_to_nothing():
    assert given_name_groups("") == ()
    assert given_name_groups(None) == ()
    assert not names_equivalent("", "")
    assert not names_equivalent(None, "John")


def test_a_name_is_equivalent_to_itself_even_when_unknown_to_the_lists():
    assert names_equivalent("Quillon", "QUILLON")
    assert not names_equivalent("Quillon", "Quilla")


def test_the_local_variants_file_is_well_formed_and_every_row_takes_effect():
    text = files("mast.identity").joinpath("data", "name_variants.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    assert rows and set(rows[0]) == {"canonical", "variant"}
    for row in rows:
        assert row["canonical"] == normalise_name(row["canonical"]), row
        assert row["variant"] == normalise_name(row["variant"]), row
        assert row["canonical"] in given_name_groups(row["variant"]), row


# --- phonetics ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Smith", "Smyth"),
        ("Thompson", "Thomson"),
        ("Catherine", "Kathryn"),
        ("Sampson", "Samson"),
        ("Mohammed", "Muhammad"),
        ("Smith-Jones", "Smith Jones"),
        ("Zoë", "Zoe"),
    ],
)
def test_metaphone_primary_codes_agree(a, b):
    assert double_metaphone(a)[0] == double_metaphone(b)[0] != ""


def test_metaphone_codes_differ_for_different_sounds():
    assert double_metaphone("Smith")[0] != double_metaphone("Jones")[0]


def test_metaphone_gives_primary_and_alternate():
    primary, alternate = double_metaphone("Smith")
    assert primary == "SM0" and alternate == "XMT"
    assert double_metaphone("O'Brien") == double_metaphone("obrien")


def test_metaphone_of_nothing_is_empty():
    assert double_metaphone("") == ("", "")
    assert double_metaphone(None) == ("", "")
    assert double_metaphone("Mr") == ("", "")


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


def test_uprns_from_spreadsheets_and_padding_give_one_key():
    keys = {
        address_key("", "", "", "", uprn)
        for uprn in (100012345678, 100012345678.0, "100012345678.0", " 000100012345678 ", "1000 1234 5678")
    }
    assert keys == {"uprn:100012345678"}
    assert standardise({"uprn": 100012345678.0})["uprn"] == "100012345678"


@pytest.mark.parametrize(
    ("typed", "other"),
    # "Kathrine" is one slip from both Katharine and Katherine: two spellings of one name, so still Kathy.
    [("Vixtoria", "Tori"), ("Oilvia", "Liv"), ("Catherinne", "Katie"), ("Kathrine", "Kathy")],
)
def test_a_mistyped_name_keeps_the_nicknames_of_the_name_it_was_meant_to_be(typed, other):
    assert names_equivalent(typed, other)


def test_a_name_one_slip_from_two_different_names_gains_neither():
    # "Dnny" could be Danny or Donny.
    assert given_name_groups("Dnny") == ("dnny",)


def test_a_name_two_slips_from_any_known_name_gains_nothing():
    assert given_name_groups("Qxtoria") == ("qxtoria",)


@pytest.mark.parametrize(
    ("given", "family", "expected"),
    [
        ("Lewis Morgan", "", ("lewis", "morgan")),  # the whole name in the given-name box
        ("", "Lewis Morgan", ("lewis", "morgan")),  # ... or in the surname box
        ("Morgan, Lewis", "", ("lewis", "morgan")),  # the register's order, with its comma
        ("Har Risn", "Boulter", ("harrisn", "boulter")),  # a stray space inside a given name
        ("Mary Jane", "Boulter", ("mary", "boulter")),  # two given names: the first counts
        ("Mr Martin", "Oyelaran Jr", ("martin", "oyelaran")),  # title and suffix
        ("J0hn", "Sm1th", ("john", "smlth")),  # digits read as the letters they are mistaken for
    ],
)
def test_names_are_put_back_in_their_boxes(given, family, expected):
    row = standardise({"given_name": given, "family_name": family})

    assert (row["given_name"], row["family_name"]) == expected
