"""`mast link`: linking canonical CSV files with no database. All names, addresses and numbers are invented.

These tests do not ask for the database, so pytest-django refuses any query they make: the command passing
them is the proof that it never touches the database. One test also counts queries explicitly.
"""

import csv
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mast.canonical import FIELD_NAMES
from mast.identity.management.commands.link import Command
from mast.identity.matching import possible
from mast.identity.matching.offline import read_file, read_relationships

POLICE = [
    # Jonathan Whitmore, twice at the police under one nominal.
    dict(record_id="P1", person_ref="N1", given_name="Jonathan", family_name="Whitmore",
         date_of_birth="1984-03-07", sex="male", address_line_1="12 Larch Road", postcode="LS6 2AB",
         involvement_type="DOMESTIC", start_date="2025-01-10"),
    dict(record_id="P2", person_ref="N1", given_name="Jonathan", family_name="Whitmore",
         date_of_birth="1984-03-07", sex="male", address_line_1="12 Larch Road", postcode="LS6 2AB",
         involvement_type="ATTENDANCE", start_date="2025-03-02"),
    # One of twins.
    dict(record_id="P3", person_ref="N2", given_name="Amelia", family_name="Hartley",
         date_of_birth="2012-09-14", sex="female", address_line_1="7 Beech Grove", postcode="LS6 3CD",
         involvement_type="ATTENDANCE", start_date="2025-02-01"),
    # A father; his son has the same name.
    dict(record_id="P4", person_ref="N3", given_name="David", family_name="Okafor",
         date_of_birth="1975-01-20", sex="male", address_line_1="30 Quarry Street", postcode="LS7 1EF",
         involvement_type="DOMESTIC", start_date="2025-02-03"),
]  # fmt: skip
HEALTH = [
    # Jonathan by his nickname, with day and month of birth swapped and the address written differently.
    dict(record_id="H1", person_ref="R1", given_name="Jon", family_name="Whitmore",
         date_of_birth="1984-07-03", sex="male", address_line_1="12 Larch Rd", postcode="ls62ab",
         nhs_number="999 000 0018", involvement_type="ED", start_date="2025-04-01"),
    dict(record_id="H2", person_ref="R2", given_name="Amelia", family_name="Hartley",
         date_of_birth="2012-09-14", sex="female", address_line_1="7 Beech Grove", postcode="LS6 3CD",
         involvement_type="ED", start_date="2025-02-11"),
    # Her twin sister.
    dict(record_id="H3", person_ref="R3", given_name="Isla", family_name="Hartley",
         date_of_birth="2012-09-14", sex="female", address_line_1="7 Beech Grove", postcode="LS6 3CD",
         involvement_type="ED", start_date="2025-02-11"),
    # David Okafor the son, then the father.
    dict(record_id="H4", person_ref="R4", given_name="David", family_name="Okafor",
         date_of_birth="2005-06-11", sex="male", address_line_1="30 Quarry Street", postcode="LS7 1EF",
         involvement_type="ED", start_date="2025-03-05"),
    dict(record_id="H5", person_ref="R5", given_name="David", family_name="Okafor",
         date_of_birth="1975-01-20", sex="male", address_line_1="30 Quarry Street", postcode="LS7 1EF",
         involvement_type="ED", start_date="2025-03-06"),
]  # fmt: skip


def write_canonical(path, rows, *, columns=FIELD_NAMES, bom=False):
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def run_link(*files, output):
    out, err = StringIO(), StringIO()
    call_command("link", *map(str, files), "--output", str(output), stdout=out, stderr=err)
    return out.getvalue()


def read_output(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def two_files(tmp_path):
    return (
        write_canonical(tmp_path / "police.csv", POLICE),
        write_canonical(tmp_path / "health.csv", HEALTH, bom=True),
    )


def test_the_same_person_is_found_across_files_and_twins_and_namesakes_are_kept_apart(two_files, tmp_path):
    output = tmp_path / "people.csv"

    summary = run_link(*two_files, output=output)

    rows = read_output(output)
    assert list(rows[0]) == ["source", "record_id", "person"]
    assert [(r["source"], r["record_id"]) for r in rows] == [
        ("police", "P1"), ("police", "P2"), ("police", "P3"), ("police", "P4"),
        ("health", "H1"), ("health", "H2"), ("health", "H3"), ("health", "H4"), ("health", "H5"),
    ]  # fmt: skip
    person = {r["record_id"]: r["person"] for r in rows}
    assert person["P1"] == person["P2"] == person["H1"]  # Jonathan / Jon Whitmore
    assert person["P3"] == person["H2"]  # Amelia Hartley
    assert person["H3"] != person["H2"]  # her twin Isla
    assert person["P4"] == person["H5"]  # David Okafor senior
    assert person["H4"] != person["H5"]  # and junior
    # Labels are numbered by first appearance.
    assert [person[r] for r in ("P1", "P3", "P4", "H3", "H4")] == [
        "P000001", "P000002", "P000003", "P000004", "P000005",
    ]  # fmt: skip
    assert "2 files, 9 rows, 8 partner records, 5 people" in summary
    # The twins and the namesakes are never linked, and never dropped either: each of their pairs is a
    # possible match in the review file, with the reason a reviewer reads.
    review = tmp_path / "people.review.csv"
    assert review.read_text().startswith("source_a,person_ref_a,source_b,person_ref_b,match_probability")
    pairs = {
        (frozenset({(r["source_a"], r["person_ref_a"]), (r["source_b"], r["person_ref_b"])}), r["reason"])
        for r in read_output(review)
    }
    assert pairs == {
        (frozenset({("health", "R3"), ("police", "N2")}), possible.TWINS_OR_MIDDLE_NAME),
        (frozenset({("health", "R3"), ("health", "R2")}), possible.TWINS_OR_MIDDLE_NAME),
        (frozenset({("health", "R4"), ("police", "N3")}), possible.SAME_NAME_BORN_APART),
        (frozenset({("health", "R4"), ("health", "R5")}), possible.SAME_NAME_BORN_APART),
    }


def test_a_partners_relationships_file_tells_a_same_named_father_and_son_apart(two_files, tmp_path):
    # Health records David Okafor junior (R4) as the son of David Okafor senior (R5): two people, so neither
    # is a possible match for the other any more. The twins, whom no one has said are sisters, still are.
    relationships = tmp_path / "health-relationships.csv"
    relationships.write_text("person_ref,related_person_ref,relationship\nR4,R5,father\n", encoding="utf-8")
    output = tmp_path / "people.csv"
    out = StringIO()
    call_command(
        "link", *map(str, two_files), "--output", str(output), "--relationships", f"health={relationships}",
        stdout=out, stderr=StringIO(),
    )  # fmt: skip

    person = {r["record_id"]: r["person"] for r in read_output(output)}
    assert person["P4"] == person["H5"] and person["H4"] != person["H5"]
    reasons = [r["reason"] for r in read_output(tmp_path / "people.review.csv")]
    assert sorted(reasons) == [possible.TWINS_OR_MIDDLE_NAME] * 2


@pytest.mark.parametrize(
    ("option", "message"),
    [("police-relationships.csv", "give SOURCE=FILE"), ("fire={file}", "give SOURCE=FILE"),
     ("police=missing.csv", "missing.csv is not a file")],
)  # fmt: skip
def test_a_relationships_option_that_names_no_source_or_file_is_refused(two_files, tmp_path, option, message):
    relationships = tmp_path / "rel.csv"
    relationships.write_text("person_ref,related_person_ref,relationship\n", encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command(
            "link", *map(str, two_files), "--output", str(tmp_path / "out.csv"),
            "--relationships", option.format(file=relationships), stdout=StringIO(), stderr=StringIO(),
        )  # fmt: skip


def test_a_relationships_file_without_its_columns_is_refused_by_name(two_files, tmp_path):
    relationships = tmp_path / "rel.csv"
    relationships.write_text("child,adult\nR4,R5\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"rel\.csv: a relationships file needs the columns"):
        call_command(
            "link", *map(str, two_files), "--output", str(tmp_path / "out.csv"),
            "--relationships", f"health={relationships}", stdout=StringIO(), stderr=StringIO(),
        )  # fmt: skip


def test_the_command_never_queries_the_database(two_files, tmp_path, db, django_assert_num_queries):
    assert Command.requires_system_checks == []
    with django_assert_num_queries(0):
        run_link(*two_files, output=tmp_path / "people.csv")


def test_empty_and_garbled_optional_fields_are_read_and_still_link(two_files, tmp_path):
    school = tmp_path / "school.csv"
    school.write_text(
        "\ufeffrecord_id,person_ref,given_name,family_name,date_of_birth,sex,address_line_1,postcode,"
        "nhs_number,involvement_type,start_date\n"
        # An impossible date of birth, an NHS number too short, no postcode, a start date that is no date.
        "S1,K1,Amelia,Hartley,2012-02-30,F,7 Beech Grove,,12345,welfare,2025-13-01\n"
        # No record id or person ref, a sex code nobody uses, an NHS number failing its check digit,
        # no start date: still the Jonathan Whitmore of the other files.
        ",,Jonathan,Whitmore,1984-03-07,??,12 Larch Road,LS6 2AB,999 000 0000,welfare,\n"
        # Cut short after the given name.
        "S3,K3,Isla\n"
        "\n"
        # A malformed postcode and a partial date of birth.
        "S4,K4,Rosa,Delacroix,1990,female,3 Elm Court,not a postcode,,welfare,2025-01-01\n",
        encoding="utf-8",
    )
    output = tmp_path / "people.csv"

    summary = run_link(*two_files, school, output=output)

    rows = read_output(output)
    assert len(rows) == 9 + 4
    person = {(r["source"], r["record_id"]): r["person"] for r in rows}
    assert person[("school", "line-3")] == person[("police", "P1")]
    assert {("school", "S1"), ("school", "S3"), ("school", "S4")} <= set(person)
    assert "3 files, 13 rows, 12 partner records" in summary


def test_bad_values_are_kept_raw_and_not_used_for_matching(tmp_path):
    feed = write_canonical(
        tmp_path / "council.csv",
        [
            dict(record_id="C1", person_ref="X1", given_name="Rosa", family_name="Delacroix",
                 date_of_birth="1990-02-30", nhs_number="999 000 0000", postcode="not a postcode",
                 involvement_type="housing", start_date="2024-05-01"),
            dict(record_id="C2", person_ref="X1", given_name="Rosa", family_name="Delacroix",
                 date_of_birth="1990", nhs_number="999-000-0018", postcode="ls6 2ab", uprn="10023456789",
                 involvement_type="housing", start_date="2025-05-01"),
            dict(record_id="C3", given_name="Noor", family_name="Haddad", date_of_birth="1988-11-02",
                 involvement_type="housing", start_date="2023-01-01"),
        ],
    )  # fmt: skip

    partner = read_file(feed)

    assert [(r.record_id, r.person_key) for r in partner.rows] == [
        ("C1", "council|X1"), ("C2", "council|X1"), ("C3", "council|C3"),
    ]  # fmt: skip
    rosa = partner.latest["council|X1"][2]  # from C2, the latest involvement
    assert (rosa["date_of_birth"], rosa["date_of_birth_raw"]) == (None, "1990")
    assert (rosa["nhs_number"], rosa["nhs_number_valid"]) == ("9990000018", True)
    assert (rosa["postcode"], rosa["uprn"]) == ("LS6 2AB", "10023456789")
    partner = read_file(write_canonical(tmp_path / "council.csv", [dict(POLICE[0], nhs_number="9990000000")]))
    record = partner.latest["council|N1"][2]
    assert record["nhs_number_valid"] is False


def test_a_file_lacking_required_columns_is_refused_by_name(two_files, tmp_path):
    partial = write_canonical(
        tmp_path / "fire.csv",
        [dict(record_id="F1", given_name="Isla", family_name="Hartley")],
        columns=["record_id", "given_name", "family_name", "date_of_birth"],
    )
    output = tmp_path / "people.csv"

    with pytest.raises(CommandError) as error:
        run_link(*two_files, partial, output=output)

    message = str(error.value)
    assert "fire.csv" in message
    for column in ("person_ref", "involvement_type", "start_date"):
        assert column in message
    assert "given_name" not in message
    assert not output.exists()


def test_a_file_that_is_not_utf8_is_refused_by_name(two_files, tmp_path):
    latin = tmp_path / "latin.csv"
    latin.write_bytes(
        (",".join(FIELD_NAMES) + "\r\nL1,Z1,Zoë,O'Neill" + "," * (len(FIELD_NAMES) - 4) + "\r\n").encode(
            "cp1252"
        )
    )

    with pytest.raises(CommandError, match=r"latin\.csv: not UTF-8"):
        run_link(*two_files, latin, output=tmp_path / "people.csv")


def test_a_single_record_needs_no_model(tmp_path):
    output = tmp_path / "one.csv"

    run_link(write_canonical(tmp_path / "police.csv", POLICE[:2]), output=output)

    assert [r["person"] for r in read_output(output)] == ["P000001", "P000001"]


def test_relationship_words_are_read_as_the_relationships_load_reads_them(tmp_path):
    # "Mother" is a parent and "son" a child, as `mast load_relationships` reads them: matching reads a parent
    # and a child as bounds on each other's age. A word it does not know still says the two are two people.
    path = tmp_path / "police-relationships.csv"
    path.write_text(
        "person_ref,related_person_ref,relationship\nC1,M1,Mother\nM1,C1,son\nA1,B1,neighbour\n",
        encoding="utf-8",
    )

    assert read_relationships(path, "police") == [
        ("police|C1", "police|M1", "parent"),
        ("police|M1", "police|C1", "child"),
        ("police|A1", "police|B1", ""),
    ]
