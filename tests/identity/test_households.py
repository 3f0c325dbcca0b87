"""Households and former addresses, on records loaded and matched the way a feed's are. Synthetic people."""

import datetime as dt
import json

import pytest

from mast.feeds.services import load_file, source_for_mapping
from mast.identity.households import Place, former_addresses, household_of
from mast.identity.models import Person, PersonLink
from mast.identity.resolution import resolve_records
from tests.feeds.conftest import write_feed

# OccRef,NominalId,Forename,Surname,DOB,Gender,Addr1,PostCode,NHSNo,OccType,OccDate,ClosedDate,Status,OIC,
# OICPhone,Restricted
POLICE = [
    # The Pritchards at 14 Acacia Avenue.
    "A1,N1,Sian,Pritchard,02/05/1985,F,14 Acacia Avenue,AB1 2CD,,DOMESTIC,03/01/2026,,OPEN,PC Ash,,N",
    "A2,N2,Gareth,Pritchard,17/11/1983,M,14 Acacia Avenue,AB1 2CD,9990000018,DOMESTIC,03/01/2026,,OPEN,,,N",
    "A3,N3,Lowri,Pritchard,09/08/2016,F,14 Acacia Avenue,AB1 2CD,,ATTENDANCE,03/01/2026,,CLOSED,,,N",
    # Next door, same street and postcode.
    "A4,N4,Tomasz,Nowak,21/03/1979,M,16 Acacia Avenue,AB1 2CD,,ATTENDANCE,12/01/2026,,CLOSED,,,N",
    # Farah lived on Mill Lane, then moved in with the Pritchards.
    "A5,N5,Farah,Qureshi,30/06/1990,F,3 Mill Lane,AB1 3EF,,ATTENDANCE,01/05/2024,,CLOSED,,,N",
    "A6,N5,Farah,Qureshi,30/06/1990,F,3 Mill Lane,AB1 3EF,,DOMESTIC,14/09/2024,,CLOSED,,,N",
    "A7,N5,Farah,Qureshi,30/06/1990,F,14 Acacia Avenue,AB1 2CD,,ATTENDANCE,20/01/2026,,OPEN,,,N",
    # Owen used to live at 14 Acacia Avenue and has moved away.
    "A8,N6,Owen,Bright,05/10/1992,M,14 Acacia Avenue,AB1 2CD,,ATTENDANCE,11/02/2023,,CLOSED,,,N",
    "A9,N6,Owen,Bright,05/10/1992,M,9 Low Road,AB1 4GH,,ATTENDANCE,02/02/2026,,CLOSED,,,N",
    # Somebody at a "14 Acacia Avenue" with no postcode: not known to be the same house.
    "A10,N7,Priya,Raman,14/02/2001,F,14 Acacia Avenue,,,ATTENDANCE,04/02/2026,,CLOSED,,,N",
]


@pytest.fixture
def matched(source, tmp_path, monkeypatch):
    """The police feed loaded and matched; then Gareth's hospital record, linked to him by NHS number."""
    monkeypatch.setattr("mast.identity.model_files.models_dir", lambda: tmp_path / "models")
    monkeypatch.setattr("mast.identity.record_store.store_path", lambda: tmp_path / "records.arrow")
    outcome = load_file(source, write_feed(tmp_path / "police.csv", POLICE))
    resolve_records(outcome.changed_records)
    hospital = source_for_mapping("test-partner-jsonl")
    feed = tmp_path / "ed.jsonl"
    # An older attendance, written differently, at the same house.
    row = {
        "OccRef": "ED1", "NominalId": "H1", "Forename": "Gareth", "Surname": "Pritchard", "DOB": "17/11/1983",
        "Gender": "M", "Addr1": "14 Acacia Ave", "PostCode": "ab12cd", "NHSNo": "999 000 0018",
        "OccType": "ATTENDANCE", "OccDate": "20/12/2025", "ClosedDate": "", "Status": "CLOSED", "OIC": "",
        "OICPhone": "", "Restricted": "N",
    }  # fmt: skip
    feed.write_text(json.dumps(row) + "\n")
    resolve_records(load_file(hospital, feed).changed_records)


def person(ref: str) -> Person:
    return PersonLink.objects.get(partner_record__person_ref=ref).person


def names(members) -> list[str]:
    return [m.display_name for m in members]


def test_a_family_at_one_address_is_one_household(matched):
    assert person("H1") == person("N2")  # Gareth's two records are one person

    members = household_of(person("N1"))

    # Oldest first, each once (Gareth has two records), and never the person asked about.
    assert names(members) == ["Gareth Pritchard", "Farah Qureshi", "Lowri Pritchard"]
    assert members[0].person == person("N2")
    assert members[2].date_of_birth == dt.date(2016, 8, 9)
    assert {m.shared_address_text for m in members} == {"14 Acacia Avenue, AB1 2CD"}
    assert names(household_of(person("N3"))) == ["Gareth Pritchard", "Sian Pritchard", "Farah Qureshi"]


def test_a_neighbour_a_former_resident_and_a_vague_address_are_not_in_the_household(matched):
    household = names(household_of(person("N2")))

    assert "Tomasz Nowak" not in household  # next door
    assert "Owen Bright" not in household  # lived there once; lives elsewhere now
    assert "Priya Raman" not in household  # "14 Acacia Avenue" somewhere, no postcode
    assert household_of(person("N4")) == []
    assert household_of(person("N7")) == []


def test_only_active_people_are_members(matched):
    lowri = person("N3")
    Person.objects.filter(pk=lowri.pk).update(status=Person.Status.MERGED)

    assert "Lowri Pritchard" not in names(household_of(person("N1")))


def test_a_person_who_moved_shows_the_old_address(matched):
    farah = former_addresses(person("N5"))

    assert [(a.text, a.last_seen) for a in farah] == [("3 Mill Lane, AB1 3EF", dt.date(2024, 9, 14))]
    assert farah[0].key == "addr:AB1 3EF|3||mill lane"
    owen = former_addresses(person("N6"))
    assert [a.text for a in owen] == ["14 Acacia Avenue, AB1 2CD"]
    # The same house written two ways is one address, and not a former one while he lives there.
    assert former_addresses(person("N2")) == []


def test_a_uprn_decides_when_both_addresses_have_one():
    flat_a = Place.of({"address_line_1": "Flat 1, 2 Quay Street", "postcode": "AB1 2CD", "uprn": "000100"})
    flat_b = Place.of({"address_line_1": "2 Quay Street", "postcode": "AB1 2CD", "uprn": "101"})
    same = Place.of({"address_line_1": "Flat 1 2 Quay St", "postcode": "ab12cd", "uprn": "100"})
    no_uprn = Place.of({"address_line_1": "Flat 1, 2 Quay Street", "postcode": "AB1 2CD"})

    assert flat_a.same_dwelling(same) and not flat_a.same_dwelling(flat_b)
    assert flat_a.same_dwelling(no_uprn)  # no UPRN on one side: the address decides
    assert not Place.of({"address_line_1": "2 Quay Street"}).is_dwelling
