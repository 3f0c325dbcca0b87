"""A person (on screen and printed) and an address: the open case and whom to call, the display window,
restricted cases, merged people, and the address page agreeing with the person page."""

import re
from datetime import date, timedelta
from html import unescape

import pytest
from django.urls import reverse

from mast.access.models import AgencyKind, Role
from mast.feeds.models import PartnerRecord
from mast.feeds.retention import display_from
from mast.identity.models import Address, InvolvementAddress, Person, PersonLink
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
from tests.web.practice_pages import identity_search, restricted, section

pytestmark = pytest.mark.django_db
# Fixtures imported for pytest (agreement_purposes is autouse).
__all__ = ["agreement_purposes", "family", "identity_search", "practitioner", "restricted"]

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


def test_a_record_matched_to_no_other_is_described_as_such_not_as_failed(client, practitioner, family):
    PersonLink.objects.filter(partner_record__person_ref="N1").update(
        method=PersonLink.Method.SINGLETON, match_probability=None, explanation=[]
    )

    text = page_text(client.get(reverse("web:person", args=[family.tyler.public_id])))

    records = text[text.index("Records matched") :]
    assert "How it was matched Not matched to another record" in records
    assert "No match found" not in records
    # Nothing was scored, so no strength is offered, while the model's record keeps its own.
    assert records.count("Strength of the match") == text.count("How it was matched Probabilistic model")


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


def test_each_involvement_at_an_address_names_its_person_unless_restricted(
    client, practitioner, family, restricted
):
    InvolvementAddress.objects.create(involvement=restricted, address=family.address)

    text = page_text(client.get(reverse("web:address", args=[family.address.public_id])))

    involvements = section(text, "Involvements recorded here", "Support links")
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

    living = section(address, "Living here", "Also recorded here")
    assert "Tyler Barker" in living and "Ruby Barker" not in living
    assert "Ruby Barker" in section(address, "Also recorded here", "Involvements recorded here")
    # Tyler's page: no one else lives at his current address, as the address page says.
    others = section(person, "Others at the current address", "Records matched")
    assert "Ruby Barker" not in others and "No one else known to MAST lives at the current address" in others


def test_the_address_page_names_a_resident_as_their_own_page_does_not_by_a_record_restricted_from_the_viewer(
    client, practitioner, family
):
    # The trust's newest record of Tyler is restricted (a refuge, say) and carries another family name: his
    # page names him by a record the viewer may see in full, and so must everyone who lives with him.
    health = make_source("Testshire NHS", AgencyKind.HEALTH, contact_point="the named nurse, 01632 960777")
    hidden = make_person(
        health, "Tyler", "Quillfeather", date(2014, 7, 14), person=family.tyler, person_ref="H9"
    )
    involve(hidden, "health_visiting", TODAY - timedelta(days=1), status="open", restricted=True)

    address = page_text(client.get(reverse("web:address", args=[family.address.public_id])))
    person = client.get(reverse("web:person", args=[family.tyler.public_id])).content.decode()

    living = section(address, "Living here", "Also recorded here")
    assert re.search(r"<h1[^>]*>\s*Tyler Barker", person)
    assert "Tyler Barker" in living and "Quillfeather" not in address
