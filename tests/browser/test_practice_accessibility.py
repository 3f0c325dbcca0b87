"""The practitioner's pages pass axe's WCAG 2.2 A and AA checks as Chromium renders them: the purpose page
(empty and with errors), search (the form, its errors, results and no results), a person with an open case,
a person with a restricted case, the printable summary, an address, the referral form (and its errors) and
the confirmation."""

from datetime import date, timedelta

from playwright.sync_api import Page, expect

from mast.feeds.services import source_for_mapping
from mast.identity.models import Address, PersonLink
from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.region import TODAY, mash_region, state_purpose
from tests.factories.people import involve, make_person

__all__ = ["mash_region"]


def test_the_purpose_page_and_its_errors(page: Page, mash_region):
    sign_in(page, mash_region.worker)
    page.goto("/purpose/?next=/search/")
    assert_accessible(page)

    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the referral or case reference")
    assert_accessible(page)


def test_the_search_form_errors_results_and_no_results(page: Page, mash_region):
    sign_in(page, mash_region.worker)
    page.goto("/search/")
    state_purpose(page)
    assert_accessible(page)

    page.get_by_role("button", name="Search").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter at least one detail to search for")
    assert_accessible(page)

    page.get_by_label("Last name").fill("Thornbury")
    page.get_by_label("Postcode").fill("NS1 4HB")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".mast-result").first).to_contain_text("Thornbury")
    assert_accessible(page)

    page.get_by_label("Last name").fill("Zzyzx-Quorrel")
    page.get_by_label("Postcode").fill("")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("No one matched the details you entered.")).to_be_visible()
    assert_accessible(page)


def test_a_person_their_printable_summary_and_their_address(page: Page, mash_region):
    sign_in(page, mash_region.worker)
    person = f"/people/{mash_region.child.public_id}/"
    page.goto(person)
    state_purpose(page)
    page.wait_for_url(f"**{person}")
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
    # The match explanations open, as a practitioner would open them.
    for summary in page.locator(".govuk-details__summary").all():
        summary.click()
    assert_accessible(page)

    page.get_by_role("link", name="Printable summary").click()
    expect(page.get_by_role("button", name="Print this page")).to_be_visible()
    assert_accessible(page)

    address = Address.objects.get(postcode="NS1 4HB")
    page.goto(f"/addresses/{address.public_id}/")
    expect(page.get_by_role("heading", name="Living here")).to_be_visible()
    assert_accessible(page)


def test_a_restricted_case_as_another_agency_sees_it(page: Page, mash_region):
    # The community health trust's restricted record of Leah, one of the neighbours' children.
    leah = PersonLink.objects.get(partner_record__person_ref="LCS202").person
    health = source_for_mapping("northshire-community-health")
    record = make_person(health, "Leah", "Marchbank", date(2015, 11, 19), person=leah, person_ref="HV77")
    involve(
        record,
        "health_visiting",
        TODAY - timedelta(days=3),
        status="open",
        restricted=True,
        lead_practitioner="Not to be shown",
    )
    sign_in(page, mash_region.worker)
    page.goto(f"/people/{leah.public_id}/")
    state_purpose(page)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Known to")
    expect(page.locator("main")).not_to_contain_text("Not to be shown")
    assert_accessible(page)


def test_the_referral_form_its_errors_and_the_confirmation(page: Page, mash_region):
    sign_in(page, mash_region.worker)
    page.goto(f"/people/{mash_region.child.public_id}/")
    state_purpose(page)
    page.locator(".govuk-notification-banner").get_by_role("button").first.click()
    expect(page.get_by_role("heading", name="Send a referral about an open case")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Send referral").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a priority")
    assert_accessible(page)

    page.get_by_label("What is the referral about?").fill("A synthetic concern, for the accessibility check.")
    page.get_by_label("Green").check()
    page.get_by_role("button", name="Send referral").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Referral sent to")
    assert_accessible(page)
