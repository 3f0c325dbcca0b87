"""Search as the practitioner uses it: details checked at the edge, results ranked with reasons, one audit
event a search, terms never in the URL, results posted once and read again, every page or "too broad"."""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse

from mast.access.models import Role
from mast.feeds.models import PartnerRecord
from mast.identity.search.find import PeopleFound
from tests.factories.access import make_user
from tests.factories.people import (
    TODAY,
    agreement_purposes,
    family,
    involve,
    page_text,
    practitioner,
)
from tests.signing_in import signed_in_with_factor
from tests.web.practice_pages import identity_search, last_sequence, new_events, search_url

pytestmark = pytest.mark.django_db
# Fixtures imported for pytest (agreement_purposes is autouse).
__all__ = ["agreement_purposes", "family", "identity_search", "practitioner"]


def test_an_empty_search_asks_for_at_least_one_detail(client, practitioner):
    before = last_sequence()

    response = client.post(reverse("web:search"), {"given_name": " ", "family_name": ""})

    text = page_text(response)
    assert response.status_code == 200
    assert "There is a problem Enter at least one detail to search for" in text
    assert response.content.decode().count("Enter at least one detail to search for") == 1
    assert "Search results" not in text
    assert new_events(before) == []


def test_search_details_are_checked_at_the_edge(client, practitioner):
    response = client.post(
        reverse("web:search"), {"date_of_birth": "<script>", "nhs_number": "943x", "postcode": "ZZ1 1AB;"}
    )

    text = page_text(response)
    assert "Enter a date of birth like 03/04/2015, 2015-04-03 or just the year, 2015" in text
    assert "Enter an NHS number using only numbers" in text
    assert "Enter a postcode using only letters, numbers and spaces" in text
    assert "<script>" not in response.content.decode()


def test_a_search_too_broad_to_look_up_says_what_to_add(client, practitioner, identity_search):
    before = last_sequence()

    response = client.post(reverse("web:search"), {"given_name": "Tyler"})

    text = page_text(response)
    assert "There is a problem Add a family name" in text
    assert '<a href="#family_name">' in response.content.decode()
    assert identity_search == [] and new_events(before) == []


def test_an_nhs_number_that_fails_its_check_is_refused(client, practitioner, identity_search):
    text = page_text(client.post(reverse("web:search"), {"nhs_number": "943 476 5910"}))

    assert "Enter a 10-digit NHS number" in text and identity_search == []


def test_search_results_rank_people_with_why_they_matched_and_list_addresses(
    client, practitioner, family, identity_search
):
    response = client.post(
        reverse("web:search"),
        follow=True,
        data={
            "given_name": "Tylor",
            "family_name": "Barker",
            "date_of_birth": "14/07/2014",
            "postcode": "ZZ1 1AB",
        },
    )

    html, text = response.content.decode(), page_text(response)
    assert response.status_code == 200
    (query,) = identity_search
    assert (query.given_name, query.family_name, query.date_of_birth, query.postcode) == (
        "Tylor",
        "Barker",
        "14/07/2014",
        "ZZ1 1AB",
    )
    assert text.index("Tyler Barker") < text.index("Ruby Barker")
    assert reverse("web:person", args=[family.tyler.public_id]) in html
    assert "Tyler Barker Open case" in text and "Ruby Barker Open case" not in text
    assert "First name: Tylor is a close spelling of Tyler" in text and "Date of birth matches" in text
    assert "14 July 2014" in text
    assert "Known to Testshire Children's Services, Testshire Police" in text
    assert reverse("web:address", args=[family.address.public_id]) in html
    assert "3 Kiln Lane, Testbury, ZZ1 1AB — 5 involvements recorded" in text
    assert "Showing the 1 addresses that agree best with what you entered, of 30" in text


def test_one_search_is_one_audit_event_with_the_terms_and_the_people_shown(
    client, practitioner, family, identity_search
):
    before = last_sequence()

    client.post(reverse("web:search"), {"family_name": "Barker", "postcode": "ZZ1 1AB"}, follow=True)

    (event,) = new_events(before)
    assert (event.action, event.outcome, event.purpose_reference) == (
        "search_people",
        "allowed",
        "MASH-2026-0042",
    )
    assert event.detail["terms"] == {"family_name": "Barker", "postcode": "ZZ1 1AB"}
    assert event.detail["people_shown"] == [str(family.tyler.public_id), str(family.ruby.public_id)]
    assert event.detail["addresses_shown"] == [str(family.address.public_id)]


def test_search_terms_never_go_in_the_url(client, practitioner, identity_search):
    html = client.get(reverse("web:search")).content.decode()

    assert re.search(r'<form method="post" action="/search/"', html)
    assert client.get(reverse("web:search"), {"family_name": "Barker"}).content.decode().count("Barker") == 0


def test_a_search_that_finds_nobody_says_what_to_try(client, practitioner, monkeypatch):
    monkeypatch.setattr("mast.people.search.identity_search.find_people", lambda query: PeopleFound((), 0))

    text = page_text(
        client.post(reverse("web:search"), {"given_name": "Nobody", "family_name": "Nowhere"}, follow=True)
    )

    assert "No one matched the details you entered." in text and "check the spelling" in text


def test_search_withholds_the_postcode_of_a_record_another_agency_restricted(client, family, identity_search):
    officer = make_user(Role.PRACTITIONER, agency=PartnerRecord.objects.get(person_ref="N1").source.agency)
    signed_in_with_factor(client, officer)
    client.post(reverse("web:purpose"), {"reference": "OP-41", "reason": "mash_triage"})
    tyler_record = PartnerRecord.objects.get(person_ref="C1")
    PartnerRecord.objects.filter(pk=tyler_record.pk).update(postcode="ZZ9 9RF")
    before = page_text(client.post(reverse("web:search"), {"family_name": "Barker"}, follow=True))
    assert "ZZ9 9RF" in before
    involve(tyler_record, "csc_contact", TODAY - timedelta(days=3), status="open", restricted=True)

    after = page_text(client.post(reverse("web:search"), {"family_name": "Barker"}, follow=True))

    # Named, as his own page names him for this officer, by the record she may see in full.
    assert "Ty Barker" in after and "ZZ9 9RF" not in after


def test_a_search_is_posted_once_and_its_results_read_again_without_resubmitting(
    client, practitioner, family, identity_search
):
    url = search_url(client, {"family_name": "Barker", "date_of_birth": "14/07/2014"})

    assert "Barker" not in url and "2014" not in url
    first, again = page_text(client.get(url)), page_text(client.get(url))  # a refresh, or Back
    assert "2 people found" in first and first == again
    # The form keeps what was typed, to change one detail.
    assert 'value="Barker"' in client.get(url).content.decode()
    # "Back to search" on a person page returns to these results.
    person = client.get(reverse("web:person", args=[family.tyler.public_id])).content.decode()
    assert f'href="{url}" class="govuk-back-link">Back to search' in person


def test_results_are_for_the_session_that_searched_only(client, practitioner, family, identity_search):
    url = search_url(client, {"family_name": "Barker"})
    other = make_user(Role.PRACTITIONER, agency=practitioner.agency)
    signed_in_with_factor(client, other)
    client.post(reverse("web:purpose"), {"reference": "OP-7", "reason": "mash_triage"})

    response = client.get(url)

    assert response.status_code == 404
    assert "This search has ended" in page_text(response) and "Barker" not in page_text(response)


def test_every_person_found_is_reachable_page_by_page(client, practitioner, family, monkeypatch):
    tyler, ruby = (PartnerRecord.objects.get(person_ref=ref) for ref in ("C1", "C2"))
    matches = tuple(
        SimpleNamespace(person_id=record.link.person_id, record_ids=(record.pk,), score=0.9, reasons=("x",))
        for record in [tyler, ruby] * 22 + [tyler]
    )
    monkeypatch.setattr(
        "mast.people.search.identity_search.find_people", lambda query: PeopleFound(matches, 45)
    )
    url = search_url(client, {"family_name": "Barker"})
    before = last_sequence()

    first = page_text(client.get(url))
    third = client.get(url, {"page": "3"})

    # All 45 score the same here: no "closest match" is claimed, and the page says their order means nothing.
    assert "45 people found — showing 1 to 20" in first and "closest match" not in first
    # More of them than a page holds: they cannot all be shown as joint first, so the page says the order
    # means nothing.
    assert (
        "All of them match what you entered equally well: the order they are listed in says nothing" in first
    )
    assert "Next page" in first and "at least 40% as strongly" in first
    assert "showing 41 to 45" in page_text(third) and "Next page" not in page_text(third)
    events = new_events(before)
    assert [e.detail["page"] for e in events] == [1, 3]
    assert [len(e.detail["people_shown"]) for e in events] == [20, 5]
    assert all(e.detail["people_found"] == 45 for e in events)


def test_a_search_too_broad_to_rank_says_how_many_and_asks_for_one_more_detail(
    client, practitioner, family, monkeypatch
):
    monkeypatch.setattr(
        "mast.people.search.identity_search.find_people",
        lambda query: PeopleFound((), 240, too_broad=True),
    )

    text = page_text(client.get(search_url(client, {"family_name": "Smith"})))

    assert "240 people match the details you entered: too many to put in a useful order" in text
    assert "Add one more detail" in text and "found, the closest match first" not in text


def test_a_search_too_broad_even_to_count_says_more_than_how_many(client, practitioner, family, monkeypatch):
    monkeypatch.setattr(
        "mast.people.search.identity_search.find_people",
        lambda query: PeopleFound((), 240, too_broad=True, exact=False),
    )

    text = page_text(client.get(search_url(client, {"family_name": "Smith"})))

    assert "More than 240 people match the details you entered" in text
    assert "Add one more detail" in text


def test_people_who_match_equally_well_at_the_top_are_said_to(client, practitioner, family, monkeypatch):
    tyler, ruby = (PartnerRecord.objects.get(person_ref=ref) for ref in ("C1", "C2"))
    matches = tuple(
        SimpleNamespace(person_id=record.link.person_id, record_ids=(record.pk,), score=score, reasons=("x",))
        for record, score in ((tyler, 0.5), (ruby, 0.5), (tyler, 0.2))
    )
    monkeypatch.setattr(
        "mast.people.search.identity_search.find_people", lambda query: PeopleFound(matches, 3)
    )

    response = client.get(search_url(client, {"family_name": "Barker", "postcode": "NS1 1AA"}))
    text = page_text(response)

    said = "The first 2 match what you entered equally well, so they are listed by family name, each marked"
    assert said in text
    assert "3 people found , the closest match first" in text
    # Ties shown as ties: both list number 1, each tagged, in the order of their names (Ruby before Tyler,
    # though Tyler came first from the search), and the person after them numbered 2.
    html = response.content.decode()
    assert html.count('value="1"') == 2 and html.count('mast-tag-one-line">Equally good match<') == 2
    names = [name for name in re.findall(r"(Ruby|Tyler) Barker", text) if name]
    assert names[:2] == ["Ruby", "Tyler"]


@pytest.mark.parametrize(
    ("found", "words"),
    [
        (2, "Both match what you entered equally well, so they are listed by family name, each marked"),
        (31, "All of them match what you entered equally well: the order they are listed in says nothing"),
    ],
)
def test_people_who_all_match_equally_well_are_not_said_to_have_a_closest_match(
    client, practitioner, family, monkeypatch, found, words
):
    tyler, ruby = (PartnerRecord.objects.get(person_ref=ref) for ref in ("C1", "C2"))
    matches = tuple(
        SimpleNamespace(person_id=record.link.person_id, record_ids=(record.pk,), score=0.5, reasons=("x",))
        for record in ([tyler, ruby] * 16)[:found]
    )
    monkeypatch.setattr(
        "mast.people.search.identity_search.find_people", lambda query: PeopleFound(matches, found)
    )

    text = page_text(client.get(search_url(client, {"family_name": "Barker", "postcode": "NS1 1AA"})))

    assert f"{found} people found" in text and "closest match" not in text
    assert words in text


def test_a_person_found_by_one_records_name_is_named_as_their_own_page_names_them(
    client, practitioner, family, monkeypatch
):
    # Tyler is "Ty Barker" to the police and "Tyler Barker" in his newer children's services record. Found
    # by the police record, he is still listed as his page names him: one person, one name.
    police_record = PartnerRecord.objects.get(person_ref="N1")
    found = SimpleNamespace(
        person_id=family.tyler.pk, record_ids=(police_record.pk,), score=0.9, reasons=("Same name",)
    )
    monkeypatch.setattr("mast.identity.search.find.find_people", lambda query: PeopleFound((found,), 1))

    results = client.post(reverse("web:search"), {"given_name": "Ty", "family_name": "Barker"}, follow=True)
    listed = re.search(r'<a class="govuk-link" href="(/people/[^"]+/)">([^<]+)</a>', results.content.decode())
    page = client.get(listed.group(1)).content.decode()

    assert listed.group(2) == "Tyler Barker"
    assert re.search(r"<h1[^>]*>\s*Tyler Barker", page)


def test_the_same_score_with_fewer_fields_as_typed_is_not_an_equally_good_match(
    client, practitioner, family, monkeypatch
):
    # The model weighs names the other way round as much as the same names: Tyler's record has them as
    # typed, Ruby's does not (as_typed, identity.search), so Tyler is the closest match, not joint first.
    tyler, ruby = (PartnerRecord.objects.get(person_ref=ref) for ref in ("C1", "C2"))
    matches = tuple(
        SimpleNamespace(
            person_id=record.link.person_id, record_ids=(record.pk,), score=0.5, reasons=("x",), as_typed=n
        )
        for record, n in ((tyler, 3), (ruby, 1))
    )
    monkeypatch.setattr(
        "mast.people.search.identity_search.find_people", lambda query: PeopleFound(matches, 2)
    )

    response = client.get(search_url(client, {"given_name": "Tyler", "family_name": "Barker"}))

    text = page_text(response)
    assert "2 people found , the closest match first" in text
    assert "Equally good match" not in text
    names = [name for name in re.findall(r"(Ruby|Tyler) Barker", text) if name]
    assert names[:2] == ["Tyler", "Ruby"]
