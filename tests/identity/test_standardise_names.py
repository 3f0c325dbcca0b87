"""Standardising names: tidying, nicknames and variants (and what must never be one name), phonetic keys, and
names put back in the right boxes. Pure functions, no database; every name here is invented."""

import csv
from importlib.resources import files

import pytest

from mast.identity.matching.names import (
    LOCAL_LISTS,
    double_metaphone,
    given_name_groups,
    name_tokens,
    names_equivalent,
    normalise_name,
)
from mast.identity.matching.standardise import standardise

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
        # British pet forms the US-made nicknames list lacks (identity/data/uk_pet_forms.csv)
        ("Nicky", "Nicola"),
        ("Nikki", "Nicola"),
        ("Suzy", "Susan"),
        ("Suzie", "Susan"),
        ("Pippa", "Philippa"),
        ("Gill", "Gillian"),
        ("Tash", "Natasha"),
        ("Gaz", "Gareth"),
        ("Mags", "Margaret"),
        # a listed pet form's other spellings (-y, -ie, -i, -ey)
        ("Tillie", "Matilda"),
        ("Vickie", "Victoria"),
        ("Sammie", "Samantha"),
        ("Jacki", "Jacqueline"),
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
        # a pet form stands for a man's and a woman's name; the two full names stay apart
        ("Nicola", "Nicholas"),
        ("Nicola", "Nicole"),
        ("Philippa", "Philip"),
        ("Susan", "Suzanne"),
        # a spelling that is a name of its own keeps its own groups: Toni is Antonia's, not Anthony's
        ("Toni", "Anthony"),
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


@pytest.mark.parametrize("name", LOCAL_LISTS)
def test_the_local_variants_files_are_well_formed_and_every_row_takes_effect(name):
    text = files("mast.identity").joinpath("data", name).read_text(encoding="utf-8")
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
