"""Break glass in Chromium, checked by axe (WCAG 2.2 A and AA): a practitioner finds a person with a record
another agency restricted, opens it after giving a reason (refused first without one), and that agency's IG
officer reads the alert and finds the look, with the reason, in the person's "who viewed" and downloads the
subject-access pack."""

from playwright.sync_api import Page, expect

from mast.oversight.models import OversightAlert
from tests.browser.conftest import assert_accessible, sign_in
from tests.oversight.conftest import REASON, named, purposes, region, restricted_person

__all__ = ["named", "purposes", "region", "restricted_person"]


def test_break_glass_from_the_reason_to_the_owning_agencys_who_viewed(
    page: Page, region, restricted_person, named
):
    sign_in(page, region.practitioner)
    page.goto(f"/people/{restricted_person.public_id}/")
    page.get_by_label("Referral or case reference").fill("CASE-0042")
    page.get_by_label("Deciding what to do about a contact or referral (MASH triage)").check()
    page.get_by_role("button", name="Continue").click()
    main = page.locator("main")
    expect(main).to_contain_text("Known to Testshire NHS")
    expect(main).not_to_contain_text("Nurse Ophelia Vale")
    page.get_by_role("link", name="Open restricted records (break glass)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open restricted records")
    assert_accessible(page)
    page.get_by_role("button", name="Open the restricted records").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Say why you need to open the restricted records"
    )
    assert_accessible(page)
    page.get_by_label("Why can this not wait").fill(REASON)
    page.get_by_role("button", name="Open the restricted records").click()
    expect(main).to_contain_text("You broke the glass")
    expect(main).to_contain_text("Nurse Ophelia Vale")
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    assert OversightAlert.objects.filter(rule="broke_glass", agency=region.health.agency).count() == 1
    sign_in(page, region.health_ig)
    page.get_by_role("link", name="Oversight alerts").first.click()
    page.get_by_role("link", name="A restricted record opened by breaking the glass").click()
    expect(main).to_contain_text(REASON)
    assert_accessible(page)
    page.get_by_role("link", name="Dee Moss").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dee Moss")
    expect(main).to_contain_text("Opened their restricted records (break glass)")
    expect(main).to_contain_text(f"Reason given: {REASON}")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Subject-access pack: everything MAST holds").click()
    assert download.value.suggested_filename == f"subject-access-{restricted_person.public_id}.pdf"
    page.goto("/oversight/our-records/")
    expect(page.get_by_role("heading", level=1)).to_have_text("How your agency's records were used")
    assert_accessible(page)


def test_the_public_transparency_page_needs_no_sign_in(page: Page, region):
    page.goto("/transparency/")
    expect(page.get_by_role("heading", level=1)).to_have_text("How MAST uses information about you")
    assert_accessible(page)


def test_a_practitioner_nobody_named_is_refused_until_their_ig_officer_names_them(
    page: Page, region, restricted_person
):
    sign_in(page, region.practitioner)
    page.goto(f"/people/{restricted_person.public_id}/")
    page.get_by_label("Referral or case reference").fill("CASE-0042")
    page.get_by_label("Deciding what to do about a contact or referral (MASH triage)").check()
    page.get_by_role("button", name="Continue").click()
    main = page.locator("main")
    expect(main).to_contain_text("Known to Testshire NHS")
    expect(page.get_by_role("link", name="Open restricted records (break glass)")).to_have_count(0)
    page.goto(f"/people/{restricted_person.public_id}/break-glass/")
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot open restricted records")
    expect(main).to_contain_text("ig@police.example")
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, region.ig)
    page.get_by_role("link", name="Who may break glass").click()
    expect(main).to_contain_text("Nobody may break glass in Testshire Police yet")
    assert_accessible(page)
    page.get_by_label("Practitioner").select_option(label="Pat Quill (Testshire Police, MASH)")
    page.get_by_label("Why their work needs it").fill("Emergency duty team, out of hours")
    page.get_by_role("button", name="Let them break glass").click()
    expect(main).to_contain_text("Pat Quill may now break glass")
    assert_accessible(page)
    page.goto("/")
    page.get_by_role("link", name="Your users' homes and working hours").click()
    page.get_by_role("link", name="Change Pat Quill's home or hours").click()
    page.get_by_label("Home postcode").fill("ZZ1")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a full postcode, like ZZ1 1AB")
    assert_accessible(page)
    page.get_by_label("Home postcode").fill("ZZ1 9ZZ")
    page.get_by_role("button", name="Save").click()
    expect(main).to_contain_text("Pat Quill: Saved.")
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, region.practitioner)
    page.goto(f"/people/{restricted_person.public_id}/")
    page.get_by_label("Referral or case reference").fill("CASE-0042")
    page.get_by_label("Deciding what to do about a contact or referral (MASH triage)").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="Open restricted records (break glass)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open restricted records")
