"""Searching for people and addresses as a practitioner does: the query read however it is typed, and people
found with typos, nicknames and swapped dates, checked against the synthetic region's truth."""

import datetime as dt
import random

import pytest
from django.utils import timezone

from mast.feeds.models import Involvement, PartnerRecord
from mast.identity.matching.addresses import address_key
from mast.identity.models import (
    Address,
    InvolvementAddress,
    PersonLink,
    SearchKey,
)
from mast.identity.search.find import (
    SearchQuery,
    parse_birth_date,
    search_addresses,
    search_people,
)
from mast.people.explain import because
from mast.synth import names
from tests.identity.search_region import iso, loaded, ranks_of, uk, unique_names
from tests.synth.conftest import region as region  # the session's synthetic region, a fixture

pytestmark = pytest.mark.django_db
# The region, loaded once for this module.
__all__ = ["loaded", "region"]


# -- the query itself ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "date", "year"),
    [
        ("27/03/1987", dt.date(1987, 3, 27), 1987),
        ("27-3-1987", dt.date(1987, 3, 27), 1987),
        ("1987-03-27", dt.date(1987, 3, 27), 1987),
        ("27 March 1987", dt.date(1987, 3, 27), 1987),
        ("27-Mar-1987", dt.date(1987, 3, 27), 1987),
        ("27031987", dt.date(1987, 3, 27), 1987),
        ("19870327", dt.date(1987, 3, 27), 1987),
        ("03/27/1987", dt.date(1987, 3, 27), 1987),  # only reads month first
        ("03/1987", None, 1987),
        ("Mar 1987", None, 1987),
        ("1987", None, 1987),
        ("31/02/1987", None, 1987),  # impossible: the year still counts
        ("27/03/87", None, None),  # two-digit years are not guessed
        ("", None, None),
        ("next Tuesday", None, None),
        ("99/99/9999/99", None, None),
    ],
)
def test_dates_of_birth_are_read_however_they_are_typed(typed, date, year):
    parsed = parse_birth_date(typed)

    assert (parsed.date, parsed.year) == (date, year)


def test_a_date_that_reads_both_ways_is_looked_up_both_ways():
    assert parse_birth_date("05/12/1990").swapped == dt.date(1990, 5, 12)
    assert parse_birth_date("05/05/1990").swapped is None
    assert parse_birth_date("25/12/1990").swapped is None


def test_a_query_is_tidied_and_says_what_is_wrong_with_it():
    query = SearchQuery(
        given_name="  Jo\t", nhs_number="999 123 4579", postcode="not one", date_of_birth="soon"
    )

    assert query.given_name == "Jo"
    assert set(query.problems()) == {"nhs_number", "postcode", "date_of_birth"}
    assert SearchQuery(nhs_number="999 123 4578").problems() == {}
    assert "__all__" in SearchQuery(given_name="Jo").problems()
    assert SearchQuery(given_name=" ", family_name=None).is_empty


def test_an_empty_query_finds_nothing(loaded):
    assert search_people(SearchQuery()) == []
    assert search_people(SearchQuery(given_name="   ", address="\n")) == []
    assert search_addresses("") == []
    assert search_addresses("", "12 Mill Road") == []


@pytest.mark.parametrize(
    "query",
    [
        SearchQuery(given_name="x" * 500, family_name="ß" * 80, date_of_birth="0000-00-00"),
        SearchQuery(family_name="O'", date_of_birth="31/31/31", postcode="!!!", nhs_number="abc"),
        SearchQuery(family_name="%", reference="%", address="Flat , , ,"),
        SearchQuery(given_name="Mary Jane", family_name="Smith-Jones", date_of_birth="1/1/1900"),
    ],
)
def test_odd_input_does_not_break_search(loaded, query):
    assert isinstance(search_people(query), list)
    assert isinstance(search_addresses(query.postcode, query.address), list)


# -- finding people ------------------------------------------------------------------------------------------


def test_a_misspelt_family_name_still_finds_the_person_first(loaded):
    rng = random.Random(4)
    for person in loaded.subjects(lambda p: p["date_of_birth"] and len(p["family_name"]) >= 5):
        query = SearchQuery(
            given_name=person["given_name"],
            family_name=names.typo(rng, person["family_name"]),
            date_of_birth=uk(iso(person)),
        )

        matches = search_people(query)

        assert ranks_of(matches, loaded.people_of(person["person_id"]))[:1] == [1], query


def test_a_misspelt_family_name_without_a_date_of_birth_finds_the_person_in_the_top_three(loaded):
    rng = random.Random(5)
    unique = unique_names(loaded)
    chosen = loaded.subjects(
        lambda p: (p["given_name"], p["family_name"]) in unique and len(p["family_name"]) >= 5
    )
    for person in chosen:
        query = SearchQuery(
            given_name=person["given_name"], family_name=names.typo(rng, person["family_name"])
        )

        ranks = ranks_of(search_people(query), loaded.people_of(person["person_id"]))

        assert ranks and ranks[0] <= 3, query


def test_records_a_partner_misspelt_are_found_by_the_right_name(loaded):
    tagged = [
        r
        for r in loaded.region.records
        if {"spelling_family_name", "typo_family_name"} & set(r["tags"].split(";"))
        # One error in the family name: not a second slip, nor the names in the wrong boxes, nor a date wrong.
        and not {
            "dob_missing",
            "dob_partial",
            "dob_typo",
            "dob_swapped",
            "dob_wrong",
            "typo_two_slips",
            "names_swapped",
            "full_name_in_family",
            "ocr_family_name",
        }
        & set(r["tags"].split(";"))
    ][:5]
    assert tagged
    for truth in tagged:
        person = loaded.region.people[truth["person_id"]]
        record, mast_person = loaded.records[(truth["source"], truth["person_ref"])]
        query = SearchQuery(
            given_name=person["given_name"], family_name=person["family_name"], date_of_birth=uk(iso(person))
        )

        matches = search_people(query)

        found = [m for m in matches if m.person_id == mast_person]
        assert found and record in found[0].record_ids, (query, truth)


def test_a_nickname_finds_the_person_first_and_says_so(loaded):
    rng = random.Random(6)
    for person in loaded.subjects(lambda p: p["given_name"] in names.NICKNAMES and p["date_of_birth"]):
        nickname = rng.choice(names.NICKNAMES[person["given_name"]])
        query = SearchQuery(
            given_name=nickname, family_name=person["family_name"], date_of_birth=uk(iso(person))
        )

        matches = search_people(query)

        assert ranks_of(matches, loaded.people_of(person["person_id"]))[:1] == [1], query
        assert any(r.startswith("Given name:") and "nickname" in r for r in matches[0].reasons), matches[0]


def test_a_nickname_alone_with_the_family_name_finds_the_person_in_the_top_three(loaded):
    rng = random.Random(7)
    unique = unique_names(loaded)
    chosen = loaded.subjects(
        lambda p: p["given_name"] in names.NICKNAMES and (p["given_name"], p["family_name"]) in unique
    )
    for person in chosen:
        query = SearchQuery(
            given_name=rng.choice(names.NICKNAMES[person["given_name"]]), family_name=person["family_name"]
        )

        ranks = ranks_of(search_people(query), loaded.people_of(person["person_id"]))

        assert ranks and ranks[0] <= 3, query


def test_a_date_of_birth_with_day_and_month_swapped_finds_the_person_first(loaded):
    def swappable(p):
        return p["date_of_birth"] and iso(p).day <= 12 and iso(p).day != iso(p).month

    for person in loaded.subjects(swappable):
        born = iso(person)
        swapped = dt.date(born.year, born.day, born.month)
        query = SearchQuery(
            given_name=person["given_name"], family_name=person["family_name"], date_of_birth=uk(swapped)
        )

        matches = search_people(query)

        assert ranks_of(matches, loaded.people_of(person["person_id"]))[:1] == [1], query
        assert any(r.startswith("Date of birth:") and "transposed" in r for r in matches[0].reasons)


def test_an_nhs_number_typed_with_spaces_finds_the_person_first_whatever_else_is_typed(loaded):
    recorded = set(PartnerRecord.objects.filter(nhs_number_valid=True).values_list("nhs_number", flat=True))
    for person in loaded.subjects(lambda p: p["nhs_number"] in recorded and p["family_name"] != "Smith"):
        nhs = person["nhs_number"]
        spaced = f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"

        alone = search_people(SearchQuery(nhs_number=spaced))
        with_other_name = search_people(
            SearchQuery(nhs_number=spaced, family_name="Smith", given_name="John")
        )

        people = loaded.people_of(person["person_id"])
        assert alone[0].person_id in people and "NHS number: same NHS number" in alone[0].reasons
        assert because(alone[0].evidence).startswith("same NHS number")
        assert with_other_name[0].person_id in people


def test_a_partners_reference_finds_the_person_first(loaded):
    record = PartnerRecord.objects.filter(removed_at__isnull=True).order_by("pk")[50]
    involvement = Involvement.objects.filter(partner_record__removed_at__isnull=True).order_by("pk")[70]
    stranger = PartnerRecord.objects.exclude(link__person=record.link.person).order_by("pk")[10]

    by_person_ref = search_people(SearchQuery(reference=record.person_ref))
    by_record_id = search_people(SearchQuery(reference=f" {involvement.record_id} "))
    with_other_name = search_people(
        SearchQuery(
            reference=record.person_ref, given_name=stranger.given_name, family_name=stranger.family_name
        )
    )

    assert by_person_ref[0].person_id == record.link.person_id
    assert by_person_ref[0].score == 1.0 and record.pk in by_person_ref[0].record_ids
    assert by_record_id[0].person_id == involvement.partner_record.link.person_id
    assert with_other_name[0].person_id == record.link.person_id


def test_a_missing_field_is_no_evidence_either_way(loaded):
    person = loaded.subjects(lambda p: p["date_of_birth"], count=1)[0]

    matches = search_people(SearchQuery(family_name=person["family_name"], date_of_birth=uk(iso(person))))

    assert matches
    for match in matches:
        assert all(r.split(":")[0] in ("Family name", "Date of birth") for r in match.reasons), match
    assert ranks_of(matches, loaded.people_of(person["person_id"]))[0] <= 3


def test_results_are_ranked_people_each_with_their_matching_records(loaded):
    person = loaded.subjects(lambda p: p["date_of_birth"], count=1)[0]

    matches = search_people(
        SearchQuery(given_name=person["given_name"], family_name=person["family_name"]), limit=5
    )

    assert 0 < len(matches) <= 5
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
    assert len({m.person_id for m in matches}) == len(matches)
    for match in matches:
        assert 0.0 <= match.score <= 1.0 and match.reasons
        linked = set(
            PersonLink.objects.filter(person_id=match.person_id).values_list("partner_record_id", flat=True)
        )
        assert set(match.record_ids) <= linked
    assert search_people(SearchQuery(family_name=person["family_name"]), limit=0) == []


def test_records_removed_by_their_partner_are_not_found(loaded):
    person = loaded.subjects(lambda p: p["date_of_birth"], count=1)[0]
    mast_person = next(iter(loaded.people_of(person["person_id"])))
    records = PartnerRecord.objects.filter(link__person_id=mast_person)
    reference = records.first().person_ref
    query = SearchQuery(
        given_name=person["given_name"], family_name=person["family_name"], date_of_birth=uk(iso(person))
    )
    assert ranks_of(search_people(query), {mast_person}) == [1]

    records.update(removed_at=timezone.now())

    assert ranks_of(search_people(query), {mast_person}) == []
    assert search_people(SearchQuery(reference=reference)) == []


def test_a_purged_record_takes_its_keys_with_it(loaded):
    record = PartnerRecord.objects.filter(removed_at__isnull=True).order_by("pk")[5]
    assert SearchKey.objects.filter(partner_record=record).exists()

    record.delete()

    assert not SearchKey.objects.filter(partner_record_id=record.pk).exists()


# -- addresses -----------------------------------------------------------------------------------------------


def _some_dwellings(count: int = 5) -> list[Involvement]:
    chosen = []
    for involvement in (
        Involvement.objects.filter(removed_at__isnull=True).exclude(postcode="").order_by("pk")[::37]
    ):
        lines = (involvement.address_line_1, involvement.address_line_2, involvement.address_line_3)
        if address_key(*lines, involvement.postcode):
            chosen.append(involvement)
        if len(chosen) == count:
            break
    return chosen


def test_a_postcode_alone_finds_the_addresses_there_however_it_is_typed(loaded):
    for involvement in _some_dwellings():
        address = involvement.standard_address.address
        typed = involvement.postcode.replace(" ", "").lower()

        found = search_addresses(typed)

        assert address.pk in [a.address_id for a in found], involvement.postcode
        assert all(a.label.endswith(involvement.postcode) for a in found)
        count = InvolvementAddress.objects.filter(
            address=address, involvement__removed_at__isnull=True
        ).count()
        assert next(a for a in found if a.address_id == address.pk).involvements == count


def test_the_address_words_put_the_right_house_first(loaded):
    for involvement in _some_dwellings():
        address = involvement.standard_address.address
        # The address as the partner wrote it, every line ("Flat 1" alone is any first flat in the postcode).
        lines = " ".join(filter(None, (involvement.address_line_1, involvement.address_line_2)))
        words = lines.replace("Road", "Rd").replace("Street", "St").upper()

        found = search_addresses(f" {involvement.postcode.lower()} ", words)

        assert found[0].address_id == address.pk, (involvement.postcode, words)


def test_one_house_is_one_address_whether_or_not_a_partner_sent_its_uprn(loaded):
    with_uprn = Address.objects.filter(involvements__involvement__uprn__gt="").distinct()
    mixed = with_uprn.filter(involvements__involvement__uprn="").distinct()

    assert mixed.exists()
    for address in mixed[:20]:
        # Every line of the address, as it is written ("Flat 1" alone is any first flat in the postcode).
        found = search_addresses(address.postcode, " ".join(filter(None, (address.line_1, address.line_2))))
        assert [a.address_id for a in found][:1] == [address.pk]
        assert len({a.address_id for a in found if a.label == found[0].label}) == 1
