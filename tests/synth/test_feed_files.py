"""The partner files read as their mappings say, tell the truth the truth file records, and hold no real
person's details."""

import re
from collections import Counter, defaultdict
from datetime import timedelta

import nhs_number
import pytest

from mast.feeds.mapping import load_mapping
from mast.feeds.readers import read_rows
from mast.feeds.validation import Rejection, RowValidator
from mast.synth.involvements import SOURCES
from mast.synth.names import NICKNAMES, SPELLINGS
from mast.synth.region import generate
from tests.synth.conftest import AS_OF, read_region

DRAMA_PHONE = re.compile(r"^(01632 960\d{3}|07700 900\d{3})$")


def canonical_rows(region, source):
    mapping = load_mapping(source)
    validator = RowValidator(mapping, AS_OF)
    _, rows = read_rows(region.feed(source), mapping)
    return [validator.validate(line, raw) for line, raw in rows]


@pytest.fixture(scope="module")
def rows_by_source(region):
    return {source: canonical_rows(region, source) for source in SOURCES}


@pytest.mark.parametrize("source", SOURCES)
def test_every_row_of_every_partner_file_is_accepted_by_its_mapping(rows_by_source, region, source):
    rows = rows_by_source[source]
    assert len(rows) == region.manifest["sources"][source]["rows"] > 0
    assert [r for r in rows if isinstance(r, Rejection)] == []


def test_partners_use_their_own_encodings_and_layouts(region):
    police = region.feed("northshire-police").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        police.decode("utf-8")  # Windows-1252: Zoë, Siân and Renée are single bytes
    assert region.feed("northshire-childrens").read_bytes().startswith(b"\xef\xbb\xbf")
    assert b"|" in region.feed("northshire-adults").read_bytes().splitlines()[0]
    assert b"\t" in region.feed("northshire-fire").read_bytes().splitlines()[0]
    assert region.feed("northshire-hospitals").suffix == ".jsonl"
    first_police_row = police.splitlines()[1].decode("cp1252")
    assert re.search(r",\d\d/\d\d/\d{4},", first_police_row)


def test_each_partner_sends_its_own_mix_of_involvements(rows_by_source):
    categories = {
        source: Counter(r.values["category"] for r in rows if not isinstance(r, Rejection))
        for source, rows in rows_by_source.items()
    }
    assert {"domestic_abuse", "police_attendance", "missing_episode", "concern_for_welfare"} <= set(
        categories["northshire-police"]
    )
    assert {"csc_contact", "csc_assessment", "child_in_need", "child_protection", "looked_after"} <= set(
        categories["northshire-childrens"]
    )
    assert {"adult_safeguarding_enquiry", "adult_care_assessment"} <= set(categories["northshire-adults"])
    assert {"health_visiting", "school_nursing"} <= set(categories["northshire-community-health"])
    assert {"ed_attendance", "maternity"} <= set(categories["northshire-hospitals"])
    assert "fire_home_safety_visit" in categories["northshire-fire"]
    assert all("other" not in found for found in categories.values())


def test_involvements_span_36_months_and_open_cases_name_who_to_call(rows_by_source):
    rows = [r for rows in rows_by_source.values() for r in rows]
    starts = [r.values["start_date"] for r in rows]
    assert min(starts) >= AS_OF - timedelta(days=36 * 31)
    assert max(starts) <= AS_OF
    assert {s.year for s in starts} >= {AS_OF.year - 3 + 1, AS_OF.year - 1, AS_OF.year}
    open_cases = [r for r in rows if r.values["status"] == "open"]
    assert len(open_cases) >= 500
    for row in open_cases:
        assert row.values["end_date"] is None
        assert row.values["lead_practitioner"] and row.values["team"]
        assert DRAMA_PHONE.match(row.values["contact_phone"])
        assert row.values["contact_email"].endswith(".example")


def test_the_truth_file_says_which_true_person_each_record_is(rows_by_source, region):
    truth = {(r["source"], r["person_ref"]): r for r in region.records}
    seen = defaultdict(set)
    for source, rows in rows_by_source.items():
        for row in rows:
            record = truth[(source, row.values["person_ref"])]
            person = region.people[record["person_id"]]
            tags = record["tags"].split(";")
            seen[source].add(row.values["person_ref"])
            given, family = row.values["given_name"], row.values["family_name"]
            # How the two name boxes were filled in (swapped, a title, an initial, the whole name in the
            # surname box), undone, before the names themselves are compared with the truth.
            if "names_swapped" in tags:
                # The surname box's capitals (some partners write surnames in upper case) went with it.
                given, family = family.title(), given
            if "title_in_name" in tags:
                title, _, given = given.partition(" ")
                assert title in ("Mr", "Mrs", "Miss", "Ms")
            if "full_name_in_family" in tags:
                assert family.casefold().startswith(given.casefold() + " ")
                family = family[len(given) + 1 :]
            if "given_initial" in tags:
                assert len(given) == 1
                continue
            misread = {"typo_given_name", "ocr_given_name"} & set(tags)
            if not {"nickname", "spelling", "middle_name_as_given"} & set(tags) and not misread:
                assert given == person["given_name"]
            if "nickname" in tags and not misread:
                assert given in NICKNAMES[person["given_name"]]
            if "spelling" in tags and not misread:
                assert given in SPELLINGS[person["given_name"]]
            if not {"birth_surname", "spelling_family_name", "typo_family_name", "ocr_family_name"} & set(
                tags
            ):
                assert family.casefold() == person["family_name"].casefold()
            if "birth_surname" in tags and not {
                "typo_family_name",
                "spelling_family_name",
                "ocr_family_name",
            } & set(tags):
                assert family.casefold() == person["birth_family_name"].casefold()
            if row.values["nhs_number_valid"]:
                assert row.values["nhs_number"] == person["nhs_number"]
            if "old_address" in tags:
                assert row.values["postcode"] in ("", person["previous_postcode"])
    assert {s: len(refs) for s, refs in seen.items()} == {
        s: region.manifest["sources"][s]["person_records"] for s in SOURCES
    }


def test_nhs_numbers_are_valid_test_range_numbers_never_issued_to_patients(region):
    numbers = [p["nhs_number"] for p in region.people.values()]
    assert len(set(numbers)) == len(numbers)
    assert all(n.startswith("9") and nhs_number.is_valid(n) for n in numbers)


def test_addresses_are_in_a_postcode_area_that_does_not_exist(region):
    assert all(p["postcode"].startswith("NS") for p in region.people.values())


def test_the_same_seed_gives_the_same_files_and_another_seed_does_not(tmp_path):
    def files(out):
        return {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}

    generate(400, 7, tmp_path / "a", AS_OF)
    generate(400, 7, tmp_path / "b", AS_OF)
    generate(400, 8, tmp_path / "c", AS_OF)

    assert files(tmp_path / "a") == files(tmp_path / "b")
    assert files(tmp_path / "a")[next(iter(files(tmp_path / "a")))] != files(tmp_path / "c").get(
        next(iter(files(tmp_path / "a")))
    )
    assert len(read_region(tmp_path / "a").people) == 400


def test_police_and_childrens_services_send_the_relationships_they_record(region):
    import csv as csv_module

    refs = {(r["source"], r["person_ref"]): r["person_id"] for r in region.records}
    truth = {(r["person_id"], r["other_person_id"]): r["relationship"] for r in region.relationships}
    for source, info in region.manifest["relationships"].items():
        with (region.out / info["file"]).open(encoding="utf-8", newline="") as handle:
            rows = list(csv_module.DictReader(handle))
        assert len(rows) == info["rows"] > 20
        for row in rows:
            person, related = refs[(source, row["person_ref"])], refs[(source, row["related_person_ref"])]
            expected = {"parent": "parent_of", "partner": "partner_of", "sibling": "sibling_of"}[
                row["relationship"]
            ]
            assert truth.get((related, person)) == expected or truth.get((person, related)) == expected
