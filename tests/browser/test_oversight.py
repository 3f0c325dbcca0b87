"""Oversight in Chromium, checked by axe (WCAG 2.2 A and AA): a practitioner opens people by their URLs with
no search; the IG officer finds the alert, reads it, closes it with an outcome and a note, and opens who
looked at one of those children and why. The rules run on committed events here, as in production."""

from playwright.sync_api import Page, expect

from mast.oversight.models import OversightAlert
from tests.browser.conftest import assert_accessible, sign_in
from tests.oversight.conftest import purposes, region

__all__ = ["purposes", "region"]


def test_an_alert_from_harvesting_to_closing_and_who_looked(page: Page, region):
    sign_in(page, region.practitioner)
    page.goto(f"/people/{region.people[0].public_id}/")
    page.get_by_label("Referral or case reference").fill("x")
    page.get_by_label("Deciding what to do about a contact or referral (MASH triage)").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("at least 4 characters including a number")
    assert_accessible(page)
    page.get_by_label("Referral or case reference").fill("CASE-0042")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ada Quill")
    for person in region.people[1:4]:
        page.goto(f"/people/{person.public_id}/")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, region.ig)
    page.get_by_role("link", name="Oversight alerts").first.click()
    expect(page.get_by_role("heading", name="Oversight alerts")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Open (1)")
    assert_accessible(page)
    page.get_by_role("link", name="People or addresses opened without a search").click()
    expect(page.locator("main")).to_contain_text("Pat Quill opened 4 people or addresses in the last hour")
    assert_accessible(page)

    page.get_by_role("button", name="Close the alert").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select what you found")
    assert_accessible(page)
    page.get_by_label("Spoken to: advice given").check()
    page.get_by_label("What you found and did").fill("Spoke to Pat: no case needed these four; advice given.")
    page.get_by_role("button", name="Close the alert").click()
    expect(page.locator("main")).to_contain_text("Spoken to: advice given, by Iggy")
    assert OversightAlert.objects.get().status == "closed"
    assert_accessible(page)

    page.get_by_role("link", name="Ada Quill").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ada Quill")
    expect(page.locator("main")).to_contain_text("Looked at their record")
    expect(page.locator("main")).to_contain_text("CASE-0042")
    assert_accessible(page)
