"""Issue 5, as a MASH worker lives it: say which case you are working on, search for a child whose name the
caller misspelt, find the open case and its allocated worker and the child's siblings, and send the referral
straight to that worker.

The region is small and synthetic: a children's services feed in Northshire's own layout (a family of four
with an open child-in-need case, and unrelated children with similar names around them) and its relationships
file, loaded and matched as partners' files are.
"""

from playwright.sync_api import Page, expect

from mast.requests.models import Request
from tests.browser.conftest import sign_in
from tests.browser.region import TEAM, WORKER, mash_region, state_purpose

# The region, loaded for each test (a fixture from tests/browser/region.py).
__all__ = ["mash_region"]


def test_a_mash_worker_finds_a_misspelt_child_and_refers_to_the_allocated_worker(page: Page, mash_region):
    sign_in(page, mash_region.worker)

    # The home page sends a practitioner to search; search asks first which case this is for.
    page.get_by_role("link", name="Search for a person, family or address").click()
    state_purpose(page)
    expect(page.get_by_text("Looking for: MASH-2026-0117")).to_be_visible()

    # The caller spelt her "Kayliegh" and gave her date of birth the British way.
    page.get_by_label("First name").fill("Kayliegh")
    page.get_by_label("Last name").fill("Thornbury")
    page.get_by_label("Date of birth").fill("14/07/2014")
    page.get_by_role("button", name="Search").click()

    results = page.locator(".mast-result")
    expect(results.first).to_contain_text("Kayleigh Thornbury")
    expect(results.first).to_contain_text("Open case")
    expect(results.first).to_contain_text("Northshire Children's Services")
    # Search terms are never in the address bar.
    assert "Kayliegh" not in page.url and "Thornbury" not in page.url

    results.first.get_by_role("link", name="Kayleigh Thornbury").click()
    page.wait_for_url(f"**/people/{mash_region.child.public_id}/")

    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text("Open child in need with Northshire Children's Services")
    expect(banner).to_contain_text(WORKER)
    expect(banner).to_contain_text(TEAM)
    expect(banner).to_contain_text("01632 960417")
    family = page.locator("table", has=page.get_by_role("columnheader", name="Relationship"))
    expect(family).to_contain_text("Mason Thornbury")
    expect(family).to_contain_text("Poppy Thornbury")
    expect(family).to_contain_text("Denise Thornbury")
    expect(family.get_by_role("row", name="Sibling Mason Thornbury")).to_be_visible()

    banner.get_by_role("button", name="Send this referral to the allocated worker").click()
    expect(page.get_by_role("heading", name="Send a referral about an open case")).to_be_visible()
    expect(page.locator("main")).to_contain_text(WORKER)

    # Sent empty first: the errors say what to put right.
    page.get_by_role("button", name="Send referral").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter what the referral is about")
    page.get_by_label("What is the referral about?").fill(
        "School nurse reports Kayleigh arrived hungry three days running and says there is no food at home."
    )
    page.get_by_label("Amber").check()
    page.get_by_role("button", name="Send referral").click()

    # The worker does not use MAST here (test_referral_routing has one who does): it says where it went.
    expect(page.locator(".govuk-panel")).to_contain_text(f"Referral sent to the {TEAM} inbox")
    referral = Request.objects.get()
    assert (referral.kind, referral.to_worker, referral.to_team) == (Request.Kind.REFERRAL, WORKER, TEAM)
    assert (referral.person, referral.from_user, referral.priority) == (
        mash_region.child,
        mash_region.worker,
        Request.Priority.AMBER,
    )
    assert referral.purpose_reference == "MASH-2026-0117"
