"""Issue 14, item 9: on a phone (375 and 320 px wide) the search, person and address pages never scroll
sideways, the open case and whom to call come first on the person page, and each passes axe's checks."""

import pytest
from playwright.sync_api import Page, expect

from mast.identity.models import Address
from tests.browser.conftest import assert_accessible, no_sideways_scroll, sign_in
from tests.browser.region import WORKER, mash_region, state_purpose

__all__ = ["mash_region"]


@pytest.mark.parametrize("width", [375, 320])
def test_search_person_and_address_fit_a_phone(page: Page, mash_region, width):
    page.set_viewport_size({"width": width, "height": 740})
    sign_in(page, mash_region.worker)
    page.goto("/search/")
    state_purpose(page)
    page.get_by_label("Last name").fill("Thornbury")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".mast-result").first).to_be_visible()
    no_sideways_scroll(page, width)
    assert_accessible(page)

    page.goto(f"/people/{mash_region.child.public_id}/")
    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text(WORKER)
    # The open case and its contact are the first thing under the name, above the identity details.
    top = banner.bounding_box()["y"]
    assert top < page.get_by_text("Date of birth", exact=True).first.bounding_box()["y"]
    assert top < 740  # on the first screen
    no_sideways_scroll(page, width)
    assert_accessible(page)

    page.goto(f"/addresses/{Address.objects.get(postcode='NS1 4HB').public_id}/")
    expect(page.get_by_role("heading", name="Living here")).to_be_visible()
    no_sideways_scroll(page, width)
    assert_accessible(page)
