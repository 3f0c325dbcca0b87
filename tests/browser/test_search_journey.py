"""Issue 14, as a MASH worker meets it: a family name shared by more people than fit on a page is listed in
full, page by page, and the results survive Back, refresh and "Back to search" without resubmitting anything
or putting the terms in the address bar."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser import region as journey
from tests.browser.conftest import sign_in

# 25 more children called Pickering, each with a closed contact: more than one page of 20. All invented.
GIVEN = [
    "Amelia",
    "Ava",
    "Ben",
    "Caleb",
    "Daisy",
    "Evie",
    "Finley",
    "Grace",
    "Harry",
    "Isla",
    "Jacob",
    "Lily",
    "Mia",
    "Noah",
    "Oliver",
    "Phoebe",
    "Quinn",
    "Ruby",
    "Sienna",
    "Theo",
    "Una",
    "Violet",
    "Willow",
    "Xander",
    "Zara",
]


def _pickerings() -> list[str]:
    return [
        journey._row(
            f"WS95{n:02d}",
            (f"LCS5{n:02d}", given, "Pickering", (date(2010, 1, 1) + timedelta(days=97 * n)).isoformat(), ""),
            "Contact",
            journey._days_ago(60),
            journey._days_ago(59),
            AddressLine1=f"{n} Moor Lane",
            Postcode="NS1 3XY",
        )
        for n, given in enumerate(GIVEN, start=1)
    ]


@pytest.fixture
def crowded_region(page, tmp_path, monkeypatch):
    rows = journey._csc_rows()
    monkeypatch.setattr(journey, "_csc_rows", lambda: rows + _pickerings())
    return journey.build_region(tmp_path, monkeypatch)


def test_everyone_of_a_shared_name_is_listed_page_by_page_and_back_returns_to_the_results(
    page: Page, crowded_region
):
    sign_in(page, crowded_region.worker)
    page.goto("/search/")
    journey.state_purpose(page)
    page.get_by_label("Last name").fill("Pickering")
    page.get_by_role("button", name="Search").click()

    # The original neighbour and the 25 added: 26 people, over two pages, and it says so.
    expect(page.locator("#people-found")).to_contain_text("26 people found")
    expect(page.locator("#people-found")).to_contain_text("showing 1 to 20")
    expect(page.locator(".mast-result")).to_have_count(20)
    results_url = page.url
    assert "Pickering" not in results_url

    page.get_by_role("link", name="Next page").click()
    expect(page.locator("#people-found")).to_contain_text("showing 21 to 26")
    expect(page.locator(".mast-result")).to_have_count(6)
    names = [n for n in page.locator(".mast-result h4 a").all_inner_texts()]
    # A refresh reads the same page again: nothing is resubmitted.
    page.reload()
    expect(page.locator(".mast-result")).to_have_count(6)

    page.locator(".mast-result h4 a").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(names[0])
    page.get_by_role("link", name="Back to search").click()
    expect(page.locator("#people-found")).to_contain_text("26 people found")
    assert page.url.startswith(results_url.split("?")[0])

    # The browser's Back button too.
    page.locator(".mast-result h4 a").first.click()
    page.go_back()
    expect(page.locator("#people-found")).to_contain_text("26 people found")
    # The form keeps the name, to add one more detail.
    expect(page.get_by_label("Last name")).to_have_value("Pickering")
