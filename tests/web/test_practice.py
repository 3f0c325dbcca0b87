"""The practitioner's pages: stating a purpose, search, a person (on screen and printed), an address, and a
referral to the allocated worker of an open case. Each page that shows personal data is audited once."""

import re
from datetime import date, timedelta
from html import unescape
from types import SimpleNamespace

import pytest
from django.urls import reverse

from mast.access.models import AccessPurpose, AgencyKind, Role
from mast.audit.models import AuditEvent
from mast.feeds.models import Load, PartnerRecord
from mast.feeds.retention import display_from
from mast.identity.models import Address, InvolvementAddress, Person
from mast.identity.search.find import PeopleFound
from mast.requests.models import Request
from tests.factories.access import make_user
from tests.factories.people import (
    TODAY,
    agreement_purposes,
    family,
    involve,
    make_person,
    make_source,
    page_text,
    practitioner,
)
from tests.signing_in import signed_in_with_factor

pytestmark = pytest.mark.django_db
# Fixtures from tests/factories/people.py used here (agreement_purposes is autouse).
__all__ = ["agreement_purposes", "family", "practitioner"]


def new_events(before: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(sequence__gt=before))


def last_sequence() -> int:
    last = AuditEvent.objects.order_by("-sequence").first()
    return last.sequence if last else 0


# -- the stated purpose --------------------------------------------------------------------------------------


def test_a_person_page_asks_for_a_purpose_first_and_then_goes_back_to_it(client, family):
    user = make_user(Role.PRACTITIONER, agency=family.csc.agency)
    signed_in_with_factor(client, user)
    person_url = reverse("web:person", args=[family.tyler.public_id])

    asked = client.get(person_url)

    assert asked.status_code == 302
    assert asked["Location"] == f"{reverse('web:purpose')}?next=%2Fpeople%2F{family.tyler.public_id}%2F"
    form = client.get(asked["Location"])
    assert f'name="next" value="{person_url}"' in form.content.decode()
    assert "Which case are you working on?" in page_text(form)

    stated = client.post(
        reverse("web:purpose"), {"reference": " REF-123 ", "reason": "child_at_risk", "next": person_url}
    )

    assert stated.status_code == 302 and stated["Location"] == person_url
    purpose = AccessPurpose.objects.get(user=user)
    assert (purpose.reference, purpose.reason) == ("REF-123", "child_at_risk")
    shown = page_text(client.get(person_url))
    reason = "Safeguarding a child who may be at risk of significant harm or in need"
    assert f"Looking for: REF-123 — {reason}. Change" in shown


def test_the_search_page_asks_for_a_purpose_before_any_terms_are_typed(client, family):
    signed_in_with_factor(client, make_user(Role.PRACTITIONER, agency=family.csc.agency))

    response = client.get(reverse("web:search"))

    assert response.status_code == 302 and response["Location"] == "/purpose/?next=%2Fsearch%2F"


@pytest.mark.parametrize(
    "next_url",
    ["https://elsewhere.example/", "//elsewhere.example/x", "/\\elsewhere.example", "javascript:alert(1)"],
)
def test_the_purpose_page_returns_only_to_pages_on_this_site(client, family, next_url):
    signed_in_with_factor(client, make_user(Role.PRACTITIONER, agency=family.csc.agency))

    response = client.post(
        reverse("web:purpose"), {"reference": "REF-1", "reason": "child_at_risk", "next": next_url}
    )

    assert response.status_code == 302 and response["Location"] == reverse("web:search")
    assert "elsewhere" not in client.get(f"{reverse('web:purpose')}?next={next_url}").content.decode()


def test_the_purpose_page_says_what_is_missing(client, family):
    signed_in_with_factor(client, make_user(Role.PRACTITIONER, agency=family.csc.agency))

    response = client.post(reverse("web:purpose"), {"reference": "  ", "next": "/search/"})

    text = page_text(response)
    assert response.status_code == 200 and "There is a problem" in text
    assert "Enter the referral or case reference" in text and "Select why you need to look" in text
    assert (
        '<a href="#reference">' in response.content.decode()
        and '<a href="#reason">' in response.content.decode()
    )
    assert not AccessPurpose.objects.exists()


def test_the_purpose_page_shows_the_current_purpose_and_takes_a_new_one(client, practitioner):
    shown = page_text(client.get(reverse("web:purpose")))
    assert "You are looking for MASH-2026-0042" in shown

    client.post(reverse("web:purpose"), {"reference": "MASH-2026-0043", "reason": "child_at_risk"})

    assert "You are looking for MASH-2026-0043" in page_text(client.get(reverse("web:purpose")))
    assert AccessPurpose.objects.filter(user=practitioner).count() == 2


@pytest.mark.parametrize("role", [Role.FEED_OWNER, Role.IG_OFFICER, Role.ADMINISTRATOR, Role.ANALYST])
def test_only_practitioners_state_a_purpose(client, role):
    signed_in_with_factor(client, make_user(role))

    assert client.get(reverse("web:purpose")).status_code == 403
    assert (
        client.post(reverse("web:purpose"), {"reference": "X", "reason": "child_at_risk"}).status_code == 403
    )


# -- search --------------------------------------------------------------------------------------------------


@pytest.fixture
def identity_search(monkeypatch, family):
    """Identity's search, answering with Tyler (an open case) and Ruby, and the family's address."""
    asked = []
    tyler_record = PartnerRecord.objects.get(person_ref="C1")
    ruby_record = PartnerRecord.objects.get(person_ref="C2")

    def find_people(query):
        asked.append(query)
        matches = (
            SimpleNamespace(
                person_id=family.tyler.pk,
                record_ids=(tyler_record.pk,),
                score=0.97,
                reasons=("First name: Tylor is a close spelling of Tyler", "Date of birth matches"),
            ),
            SimpleNamespace(
                person_id=family.ruby.pk, record_ids=(ruby_record.pk,), score=0.41, reasons=("Same surname",)
            ),
        )
        return PeopleFound(matches, len(matches))

    def find_addresses(postcode, address="", *, limit=20):
        # One shown of the 30 at the postcode: the page must say it shows only some.
        place = SimpleNamespace(
            address_id=family.address.pk, label="3 Kiln Lane, Testbury, ZZ1 1AB", involvements=5
        )
        return [place], 30

    monkeypatch.setattr("mast.people.search.identity_search.find_people", find_people)
    monkeypatch.setattr("mast.people.search.identity_search.find_addresses", find_addresses)
    return asked


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


# -- a person ------------------------------------------------------------------------------------------------


def test_the_person_page_shows_who_they_are_and_the_open_case_with_its_allocated_worker(
    client, practitioner, family
):
    response = client.get(reverse("web:person", args=[family.tyler.public_id]))

    html, text = response.content.decode(), page_text(response)
    assert response.status_code == 200
    assert "Tyler Barker" in text and "Ty Barker" in text  # the police's name for him, under other names
    assert "14 July 2014" in text and "943 476 5919" in text
    banner = html[html.index("govuk-notification-banner") : html.index("Involvements in the last")]
    banner_text = " ".join(unescape(re.sub(r"<[^>]+>", " ", banner)).split())
    assert "Open child protection plan with Testshire Children's Services" in banner_text
    for detail in ("Jo Allocated", "Safeguarding Team North", "01632 960555", "jo.allocated@csc.example"):
        assert detail in banner_text
    assert reverse("web:referral", args=[family.tyler.public_id, family.open_case.pk]) in banner
    assert "Send this referral to the allocated worker" in banner_text


def test_the_timeline_shows_only_the_display_window(client, practitioner, family):
    text = page_text(client.get(reverse("web:person", args=[family.tyler.public_id])))

    assert "Involvements in the last 12 months" in text
    assert f"since {display_from():%-d %B %Y}" in text
    assert "Police attendance" in text and "PC Ash" in text
    assert "Child protection plan" in text
    assert "Missing person episode" not in text and "PC Longago" not in text
    # Older history is not hidden: one line for the police, with a way to ask them for more.
    assert (
        f"Also known to Testshire Police before {display_from():%B %Y}: 1 involvement "
        f"(missing person episode, {family.old.end_date.year})" in text
    )


def test_an_agency_known_only_before_the_window_is_still_known_to_with_its_latest_date(
    client, practitioner, family, identity_search
):
    fire = make_source("Testshire Fire", AgencyKind.FIRE)
    tyler_fire = make_person(fire, "Tyler", "Barker", date(2014, 7, 14), person=family.tyler, person_ref="F1")
    old_visit = involve(
        tyler_fire,
        "fire_home_safety_visit",
        TODAY - timedelta(days=500),
        end_date=TODAY - timedelta(days=499),
    )

    page = client.get(reverse("web:person", args=[family.tyler.public_id]))
    html, text = page.content.decode(), page_text(page)

    assert f"Testshire Fire (latest {old_visit.end_date:%B %Y})" in text
    assert f"Testshire Children's Services (latest {family.open_case.start_date:%B %Y}; open case)" in text
    assert f"Also known to Testshire Fire before {display_from():%B %Y}: 1 involvement" in text
    assert f'?agency={fire.agency_id}"' in html
    results = page_text(client.post(reverse("web:search"), {"family_name": "Barker"}, follow=True))
    assert f"Testshire Fire (before {display_from():%B %Y})" in results


def test_the_person_page_shows_family_household_addresses_and_records_matched(client, practitioner, family):
    response = client.get(reverse("web:person", args=[family.tyler.public_id]))

    html, text = response.content.decode(), page_text(response)
    ruby_url = reverse("web:person", args=[family.ruby.public_id])
    assert f"Sibling {'Ruby Barker'} 2 December 2016 Testshire Children's Services" in text
    assert html.count(f'href="{ruby_url}"') == 2  # in the family and in the household
    household = text[text.index("Others at the current address") : text.index("Records matched")]
    assert "Ruby Barker 2 December 2016" in household
    assert reverse("web:address", args=[family.address.public_id]) in html
    assert "3 Kiln Lane, Testbury, ZZ1 1AB" in text
    assert "Agency's reference C1" in text and "Agency's reference N1" in text
    assert "Name as recorded Ty Barker" in text
    # Plain words first, the model's numbers behind a details element for reviewers.
    assert "How it was matched Probabilistic model" in text and "Strength of the match Strong" in text
    assert "Matched because Same date of birth, first name is a nickname or variant of the other" in text
    assert "The numbers behind this match, for reviewers" in text and "Match probability 98.7%" in text
    assert "Confidence" not in text
    assert "Given name Nickname of each other +4.2" in text and "Date of birth Exact match +9.1" in text


@pytest.fixture
def restricted(family):
    """A health visitor's open case about Tyler that the NHS trust restricted."""
    health = make_source("Testshire NHS", AgencyKind.HEALTH, contact_point="the named nurse, 01632 960777")
    record = make_person(health, "Tyler", "Barker", date(2014, 7, 14), person=family.tyler, person_ref="H1")
    return involve(
        record,
        "health_visiting",
        TODAY - timedelta(days=5),
        status="open",
        restricted=True,
        lead_practitioner="HV Secret",
        team="Refuge Outreach",
        contact_email="hv.secret@nhs.example",
    )


def test_a_restricted_case_shows_other_agencies_only_whom_to_contact(
    client, practitioner, family, restricted
):
    response = client.get(reverse("web:person", args=[family.tyler.public_id]))

    html, text = response.content.decode(), page_text(response)
    assert "Known to Testshire NHS — contact the named nurse, 01632 960777" in text
    for secret in ("HV Secret", "Refuge Outreach", "hv.secret@nhs.example", "Health visiting"):
        assert secret not in html
    # The partner's reference, as a word of the page (the CSRF token's random letters may hold "H1").
    assert "H1" not in text.split()
    assert "addresses are not shown" in text
    assert "Send this referral to Testshire NHS" in text


def test_a_restricted_case_shows_in_full_to_its_own_agency(client, family, restricted):
    nurse = make_user(Role.PRACTITIONER, agency=restricted.source.agency)
    signed_in_with_factor(client, nurse)
    client.post(reverse("web:purpose"), {"reference": "HV-9", "reason": "child_at_risk"})

    text = page_text(client.get(reverse("web:person", args=[family.tyler.public_id])))

    assert "HV Secret" in text and "Refuge Outreach" in text and "Health visiting" in text
    assert "Known to Testshire NHS — contact" not in text


def test_a_merged_person_redirects_to_the_person_they_became(client, practitioner, family):
    old = Person.objects.create(status=Person.Status.MERGED, merged_into=family.tyler)

    response = client.get(reverse("web:person", args=[old.public_id]))

    assert response.status_code == 302
    assert response["Location"] == reverse("web:person", args=[family.tyler.public_id])


def test_an_unknown_person_or_address_is_not_found(client, practitioner):
    assert client.get(reverse("web:person", args=["6f1c1a37-8d0c-4e43-9a55-b0a0a44a7e80"])).status_code == 404
    assert (
        client.get(reverse("web:person-print", args=["6f1c1a37-8d0c-4e43-9a55-b0a0a44a7e80"])).status_code
        == 404
    )
    unknown_address = "00000000-0000-4000-8000-000000000000"
    assert client.get(reverse("web:address", args=[unknown_address])).status_code == 404
    # Asking about, or opening, a request that does not exist: the same one rule (web's NotFoundMiddleware).
    unknown = "6f1c1a37-8d0c-4e43-9a55-b0a0a44a7e80"
    assert client.get(reverse("web:request-new", args=[unknown])).status_code == 404
    assert client.get(reverse("web:request", args=[999999])).status_code == 404
    assert client.post(reverse("web:request-acknowledge", args=[999999])).status_code == 404


def test_names_are_escaped(client, practitioner, family):
    PartnerRecord.objects.filter(person_ref="C1").update(given_name="<script>alert(1)</script>")

    html = client.get(reverse("web:person", args=[family.tyler.public_id])).content.decode()

    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# -- the printable summary -----------------------------------------------------------------------------------


def test_the_printable_summary_is_marked_and_says_who_printed_it_and_why(client, practitioner, family):
    person_page = client.get(reverse("web:person", args=[family.tyler.public_id])).content.decode()
    print_url = reverse("web:person-print", args=[family.tyler.public_id])
    assert f'href="{print_url}"' in person_page

    response = client.get(print_url)

    html, text = response.content.decode(), page_text(response)
    assert response.status_code == 200
    assert text.count("OFFICIAL-SENSITIVE") == 2
    assert "Printed by Morgan Front, Testshire Children's Services" in text
    assert "For MASH-2026-0042" in text
    assert "Jo Allocated" in text and "Ruby Barker" in text
    # No buttons to send referrals from paper; the print button appears only with JavaScript.
    assert "Send this referral" not in text
    assert re.search(r"<button[^>]*mast-print-button[^>]*hidden", html)
    assert "use your browser's print command" in text


# -- an address ----------------------------------------------------------------------------------------------


def test_the_address_page_lists_people_and_involvements_there(client, practitioner, family, restricted):
    InvolvementAddress.objects.create(involvement=restricted, address=family.address)

    response = client.get(reverse("web:address", args=[family.address.public_id]))

    html, text = response.content.decode(), page_text(response)
    assert response.status_code == 200
    assert "3 Kiln Lane, Testbury, ZZ1 1AB" in text
    assert reverse("web:person", args=[family.tyler.public_id]) in html
    assert reverse("web:person", args=[family.ruby.public_id]) in html
    assert "Child protection plan" in text and "Jo Allocated" in text
    assert "Missing person episode" not in text
    assert "Testshire NHS has restricted records at this address" in text
    assert "HV Secret" not in html


def _section(text: str, start: str, end: str) -> str:
    return text[text.index(start) : text.index(end, text.index(start))]


def test_each_involvement_at_an_address_names_its_person_unless_restricted(
    client, practitioner, family, restricted
):
    InvolvementAddress.objects.create(involvement=restricted, address=family.address)

    text = page_text(client.get(reverse("web:address", args=[family.address.public_id])))

    involvements = _section(text, "Involvements recorded here", "Support links")
    assert "Tyler Barker Testshire Children's Services Child protection plan" in involvements
    assert "Ruby Barker Testshire Children's Services Child in need" in involvements
    assert "Not shown: restricted Testshire NHS" in involvements


def test_the_address_page_and_the_person_page_agree_on_who_lives_there(client, practitioner, family):
    # Ruby has since moved: her newest involvement is at another address.
    elsewhere = Address.objects.create(key="zz99zz:1:elsewhere", line_1="1 Elsewhere", postcode="ZZ9 9ZZ")
    ruby_record = PartnerRecord.objects.get(person_ref="C2")
    moved = involve(ruby_record, "csc_contact", TODAY - timedelta(days=2), status="closed", end_date=TODAY)
    InvolvementAddress.objects.create(involvement=moved, address=elsewhere)

    address = page_text(client.get(reverse("web:address", args=[family.address.public_id])))
    person = page_text(client.get(reverse("web:person", args=[family.tyler.public_id])))

    living = _section(address, "Living here", "Also recorded here")
    assert "Tyler Barker" in living and "Ruby Barker" not in living
    assert "Ruby Barker" in _section(address, "Also recorded here", "Involvements recorded here")
    # Tyler's page: no one else lives at his current address, as the address page says.
    others = _section(person, "Others at the current address", "Records matched")
    assert "Ruby Barker" not in others and "No one else known to MAST lives at the current address" in others


# -- referrals -----------------------------------------------------------------------------------------------


def test_the_referral_form_says_whom_it_will_go_to(client, practitioner, family):
    response = client.get(reverse("web:referral", args=[family.tyler.public_id, family.open_case.pk]))

    text = page_text(response)
    assert response.status_code == 200
    # Jo does not use MAST: it says so, and where the referral goes instead.
    assert (
        "It will go to Jo Allocated, the allocated worker, does not use MAST, so the referral will go to the "
        "Safeguarding Team North inbox at Testshire Children's Services" in text
    )
    assert "Allocated worker Jo Allocated Team Safeguarding Team North" in text
    assert "What is the referral about?" in text and "Red — urgent" in text


def test_a_referral_needs_what_it_is_about_and_a_priority(client, practitioner, family):
    url = reverse("web:referral", args=[family.tyler.public_id, family.open_case.pk])
    before = last_sequence()

    response = client.post(url, {"summary": "   "})

    text = page_text(response)
    assert response.status_code == 200
    assert "There is a problem Enter what the referral is about Select a priority" in text
    assert not Request.objects.exists()
    (event,) = new_events(before)
    assert event.action == "view_person"


def test_a_referral_goes_to_the_allocated_worker_and_is_confirmed(client, practitioner, family):
    url = reverse("web:referral", args=[family.tyler.public_id, family.open_case.pk])
    before = last_sequence()

    response = client.post(url, {"summary": "School reports bruising on Tyler's arm.", "priority": "red"})

    assert response.status_code == 302 and response["Location"] == reverse("web:referral-sent")
    sent = Request.objects.get()
    assert (sent.kind, sent.to_worker, sent.to_team, sent.priority) == (
        "referral",
        "Jo Allocated",
        "Safeguarding Team North",
        "red",
    )
    assert (sent.from_user, sent.purpose_reference, sent.involvement) == (
        practitioner,
        "MASH-2026-0042",
        family.open_case,
    )
    (event,) = new_events(before)
    assert (event.action, event.purpose_reference, event.detail["request_id"]) == (
        "send_referral",
        "MASH-2026-0042",
        sent.pk,
    )
    assert "bruising" not in str(event.detail)

    confirmation = client.get(response["Location"])

    text = page_text(confirmation)
    assert "Referral sent to the Safeguarding Team North inbox" in text
    assert "Jo Allocated, the allocated worker, does not use MAST: the team will pass it on" in text
    assert "govuk-panel--confirmation" in confirmation.content.decode()
    assert new_events(event.sequence) == []


def test_a_referral_about_a_restricted_case_goes_to_the_agency(client, practitioner, family, restricted):
    url = reverse("web:referral", args=[family.tyler.public_id, restricted.pk])
    assert "HV Secret" not in client.get(url).content.decode()

    response = client.post(url, {"summary": "Concern about Tyler.", "priority": "amber"})

    sent = Request.objects.get()
    assert (sent.to_agency, sent.to_worker, sent.to_team) == (restricted.source.agency, "", "")
    assert "Referral sent to Testshire NHS" in page_text(client.get(response["Location"]))


def test_a_referral_is_only_for_an_open_case_of_that_person(client, practitioner, family):
    closed = reverse("web:referral", args=[family.tyler.public_id, family.recent.pk])
    someone_elses = reverse("web:referral", args=[family.ruby.public_id, family.open_case.pk])

    assert client.get(closed).status_code == 404
    assert client.get(someone_elses).status_code == 404
    response = client.post(closed, {"summary": "Concern.", "priority": "amber"})
    assert not Request.objects.exists()
    assert response.status_code == 404


def test_the_confirmation_page_without_a_referral_goes_to_search(client, practitioner):
    response = client.get(reverse("web:referral-sent"))

    assert response.status_code == 302 and response["Location"] == reverse("web:search")


# -- one audit event per page --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "action"),
    [
        ("person", "view_person"),
        ("person-print", "print_person"),
        ("address", "view_address"),
        ("referral", "view_person"),
    ],
)
def test_each_page_writes_exactly_one_audit_event_with_the_purpose(
    client, practitioner, family, name, action
):
    args = {
        "person": [family.tyler.public_id],
        "person-print": [family.tyler.public_id],
        "address": [family.address.public_id],
        "referral": [family.tyler.public_id, family.open_case.pk],
    }[name]
    before = last_sequence()

    assert client.get(reverse(f"web:{name}", args=args)).status_code == 200

    (event,) = new_events(before)
    assert (event.action, event.outcome, event.username) == (action, "allowed", practitioner.username)
    assert (event.purpose_code, event.purpose_reference) == ("mash_triage", "MASH-2026-0042")


@pytest.mark.parametrize("name", ["purpose", "search"])
def test_the_forms_alone_write_no_audit_event(client, practitioner, name):
    before = last_sequence()

    assert client.get(reverse(f"web:{name}")).status_code == 200

    assert new_events(before) == []


def test_the_home_page_sends_a_practitioner_to_search(client, practitioner):
    assert f'href="{reverse("web:search")}"' in client.get(reverse("web:home")).content.decode()


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

    assert "Tyler Barker" in after and "ZZ9 9RF" not in after


# -- search results: posted once, read with GET, every page, or "too broad" (issue 14) ----------------------


def _search_url(client, terms: dict) -> str:
    response = client.post(reverse("web:search"), terms)
    assert response.status_code == 302
    return response["Location"]


def test_a_search_is_posted_once_and_its_results_read_again_without_resubmitting(
    client, practitioner, family, identity_search
):
    url = _search_url(client, {"family_name": "Barker", "date_of_birth": "14/07/2014"})

    assert "Barker" not in url and "2014" not in url
    first, again = page_text(client.get(url)), page_text(client.get(url))  # a refresh, or Back
    assert "2 people found" in first and first == again
    # The form keeps what was typed, to change one detail.
    assert 'value="Barker"' in client.get(url).content.decode()
    # "Back to search" on a person page returns to these results.
    person = client.get(reverse("web:person", args=[family.tyler.public_id])).content.decode()
    assert f'href="{url}" class="govuk-back-link">Back to search' in person


def test_results_are_for_the_session_that_searched_only(client, practitioner, family, identity_search):
    url = _search_url(client, {"family_name": "Barker"})
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
    url = _search_url(client, {"family_name": "Barker"})
    before = last_sequence()

    first = page_text(client.get(url))
    third = client.get(url, {"page": "3"})

    # All 45 score the same here: no "closest match" is claimed, and the page says their order means nothing.
    assert "45 people found — showing 1 to 20" in first and "closest match" not in first
    assert (
        "All of them match what you entered equally well, so the order they are listed in says nothing"
        in first
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

    text = page_text(client.get(_search_url(client, {"family_name": "Smith"})))

    assert "240 people match the details you entered: too many to put in a useful order" in text
    assert "Add one more detail" in text and "found, the closest match first" not in text


def test_a_search_too_broad_even_to_count_says_more_than_how_many(client, practitioner, family, monkeypatch):
    monkeypatch.setattr(
        "mast.people.search.identity_search.find_people",
        lambda query: PeopleFound((), 240, too_broad=True, exact=False),
    )

    text = page_text(client.get(_search_url(client, {"family_name": "Smith"})))

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

    text = page_text(client.get(_search_url(client, {"family_name": "Barker", "postcode": "NS1 1AA"})))

    assert "The first 2 match what you entered equally well: their order says nothing" in text
    assert "3 people found , the closest match first" in text


@pytest.mark.parametrize(("found", "words"), [(2, "Both match"), (31, "All of them match")])
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

    text = page_text(client.get(_search_url(client, {"family_name": "Barker", "postcode": "NS1 1AA"})))

    assert f"{found} people found" in text and "closest match" not in text
    assert f"{words} what you entered equally well, so the order they are listed in says nothing" in text


# -- a referral reaches the allocated worker when they use MAST (issue 14) -----------------------------------


@pytest.mark.parametrize(
    ("email", "first_name", "last_name", "team"),
    [
        ("JO.ALLOCATED@csc.example", "Jonquil", "Other", ""),  # by the feed's email, whatever its case
        ("jo.a@elsewhere.example", "Jo", "Allocated", "safeguarding team north"),  # by name within the team
    ],
)
def test_a_referral_is_assigned_to_the_allocated_worker_who_uses_mast_and_says_so(
    client,
    practitioner,
    family,
    email,
    first_name,
    last_name,
    team,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    jo = make_user(
        Role.PRACTITIONER,
        agency=family.csc.agency,
        email=email,
        first_name=first_name,
        last_name=last_name,
        team=team,
    )
    url = reverse("web:referral", args=[family.tyler.public_id, family.open_case.pk])
    name = jo.get_full_name()

    form = page_text(client.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"summary": "Tyler was found alone at the station.", "priority": "red"})

    assert f"{name}, the allocated worker, uses MAST: the referral will be assigned to them" in form
    sent = Request.objects.get()
    assert sent.assignee == jo
    assert [m.to for m in mailoutbox] == [[jo.email]]
    confirmation = page_text(client.get(response["Location"]))
    assert f"Referral sent to {name}, Safeguarding Team North" in confirmation
    assert (
        f"It is assigned to {name}, the allocated worker, in MAST, and they have been emailed" in confirmation
    )


def test_a_namesake_in_another_team_is_not_given_the_referral(client, practitioner, family):
    make_user(
        Role.PRACTITIONER,
        agency=family.csc.agency,
        email="jo@elsewhere.example",
        first_name="Jo",
        last_name="Allocated",
        team="Adoption Team",
    )
    url = reverse("web:referral", args=[family.tyler.public_id, family.open_case.pk])

    response = client.post(url, {"summary": "Concern.", "priority": "amber"})

    assert Request.objects.get().assignee is None
    assert "Referral sent to the Safeguarding Team North inbox" in page_text(client.get(response["Location"]))


# -- how up to date partners' data is (issue 14, item 8) ----------------------------------------------------


def test_every_page_with_partner_data_says_how_up_to_date_each_agency_is(
    client, practitioner, family, identity_search
):
    from django.utils import timezone

    today_0510 = timezone.localtime().replace(hour=5, minute=10, second=0, microsecond=0)
    Load.objects.filter(source=family.csc).update(status="loaded", finished_at=today_0510)
    Load.objects.filter(source=family.police).update(
        status="loaded", finished_at=today_0510 - timedelta(days=3)
    )
    search = client.post(reverse("web:search"), {"family_name": "Barker"}, follow=True)
    pages = [
        search,
        client.get(reverse("web:person", args=[family.tyler.public_id])),
        client.get(reverse("web:person-print", args=[family.tyler.public_id])),
        client.get(reverse("web:address", args=[family.address.public_id])),
    ]

    for page in pages:
        text = page_text(page)
        assert "Testshire Children's Services data as of 05:10 today" in text, page.request["PATH_INFO"]
        police = text[text.index("Testshire Police data as of") :][:60]
        assert "Late" in police, page.request["PATH_INFO"]


# -- navigation (issue 14, item 10) -------------------------------------------------------------------------


def test_practitioners_navigation_has_search_and_counts_what_is_waiting(client, practitioner, family):
    from django.utils import timezone

    practitioner.team = "Front Door"
    practitioner.save()
    person = family.tyler
    # Their team's (overdue), the agency's front door's, another team's: the first two are theirs to see.
    for hours, team in ((-2, "Front Door"), (5, ""), (5, "Another Team")):
        Request.objects.create(
            kind=Request.Kind.INFORMATION,
            person=person,
            from_user=practitioner,
            from_agency=family.police.agency,
            to_agency=practitioner.agency,
            to_team=team,
            purpose_code="child_at_risk",
            purpose_reference="X-1",
            question="?",
            due_at=timezone.now() + timedelta(hours=hours),
        )

    home = page_text(client.get(reverse("web:home")))

    nav = home[: home.index("Welcome")]
    assert "Search" in nav and "Requests (2 waiting, 1 overdue)" in nav
    assert "2 requests waiting for an answer 1 overdue" in home and "0 new alerts" in home


def test_a_form_address_opened_in_the_browser_gets_a_page_that_says_what_to_do(client):
    owner = make_user(Role.FEED_OWNER)
    signed_in_with_factor(client, owner)

    response = client.get(reverse("web:feed-upload"))

    assert response.status_code == 405 and response["Allow"] == "POST"
    text = page_text(response)
    assert "This page is for a form" in text and "Go to your feeds, to upload a file" in text


def test_address_urls_are_opaque_so_they_cannot_be_walked(client, family, practitioner):
    """/addresses/1/, /2/… showed who lives where with no search: the URL now carries an unguessable id."""
    html = client.get(reverse("web:person", args=[family.tyler.public_id])).content.decode()
    assert f"/addresses/{family.address.public_id}/" in html
    assert f"/addresses/{family.address.pk}/" not in html
    assert client.get(f"/addresses/{family.address.pk}/").status_code == 404
