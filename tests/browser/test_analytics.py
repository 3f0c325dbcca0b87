"""The partnership's dashboard as an analyst uses it in Chromium, checked by axe (WCAG 2.2 A and AA): from
home to the trends, the numbers behind a chart, a filter, the other two sections, and a table as CSV."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from mast.access.models import Role
from mast.analytics import facts
from mast.analytics.refresh import refresh
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories.access import make_user
from tests.factories.analytics import region

__all__ = ["region"]


@pytest.fixture
def analyst(region):
    refresh()  # the region's facts as of today, as the pages read them, with today's feed snapshot
    assert facts.facts_path().exists()
    return make_user(Role.ANALYST, agency=region["sources"][0].agency)


def test_an_analyst_reads_the_trends_filters_them_and_downloads_a_table(page: Page, analyst):
    sign_in(page, analyst)
    expect(page.get_by_text("Coming soon")).to_have_count(0)
    page.get_by_role("link", name="See trends over three years").click()
    expect(page.get_by_role("heading", level=1, name="People and involvements")).to_be_visible()
    expect(
        page.get_by_role("img", name="People known to one, two, or three or more agencies, by month")
    ).to_be_visible()
    expect(page.get_by_text("people were known to any agency")).to_be_visible()
    assert_accessible(page)

    page.get_by_text("The numbers in this chart").first.click()
    table = page.locator("table").first
    expect(table.get_by_role("columnheader", name="3 or more agencies")).to_be_visible()
    expect(table).to_contain_text("[c]")

    page.get_by_text("Filter the figures").click()
    page.get_by_label("Area (postcode district)").select_option("ZZ2")
    page.get_by_role("button", name="Show figures").click()
    expect(page.get_by_label("Area (postcode district)")).to_have_value("ZZ2")
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download this table as CSV.*People known to one")).click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("Month,1 agency,2 agencies,3 or more agencies,People known")
    assert "[c] means the number is hidden" in text

    page.get_by_role("link", name="Requests, referrals and alerts").click()
    expect(page.get_by_role("heading", level=1, name="Requests, referrals and alerts")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Data quality").click()
    expect(
        page.get_by_role("table", name="Completeness and matching of each feed's records today")
    ).to_be_visible()
    assert_accessible(page)


def test_a_month_range_the_wrong_way_round_is_explained(page: Page, analyst):
    sign_in(page, analyst)
    page.goto(
        page.url.split("/", 3)[0] + "//" + page.url.split("/")[2] + "/analytics/?first=2026-10&last=2026-01"
    )
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The last month must be the same as or after"
    )
    assert_accessible(page)


def test_an_analyst_filters_by_category_and_makes_the_boards_report(page: Page, analyst):
    sign_in(page, analyst)
    page.get_by_role("link", name="See trends over three years").click()
    page.get_by_text("Filter the figures").click()
    page.get_by_label("Category", exact=True).select_option(label="Police attendance")
    page.get_by_role("button", name="Show figures").click()
    expect(page.get_by_label("Category", exact=True)).to_have_value("police_attendance")
    expect(page.get_by_text("people were known to any agency")).to_be_visible()

    page.get_by_role("link", name="Board reports").click()
    expect(
        page.get_by_role("heading", level=1, name="Monthly reports for the partnership board")
    ).to_be_visible()
    assert_accessible(page)
    month = page.get_by_label("Month").locator("option").first.inner_text()
    # Drawing the PDF takes seconds, more on a busy machine.
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name="Make the report (PDF)").click(timeout=120_000)
    assert download.value.suggested_filename.startswith("mast-board-report-")
    pages = PdfReader(download.value.path()).pages
    assert f"report to the safeguarding partnership board, {month}" in pages[0].extract_text().replace(
        "\n", " "
    )
