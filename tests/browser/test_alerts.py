"""The alerts pages as Chromium renders them, checked by axe (WCAG 2.2 A and AA): the list with its count in
the navigation, one alert, and muting from it."""

from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.factories.alerts import world

__all__ = ["world"]


def test_the_alerts_list_an_alert_and_muting(page: Page, world):
    sign_in(page, world["dana"])
    expect(page.get_by_role("link", name="Alerts (1 new)")).to_be_visible()
    page.get_by_role("link", name="Alerts (1 new)").click()
    expect(page.get_by_role("heading", name="Alerts")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Adaline Quillfeather").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("is now involved with Adaline Quillfeather")
    expect(page.get_by_role("link", name="Alerts", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Mute alerts about Adaline Quillfeather").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You will not be alerted")
    assert_accessible(page)

    page.get_by_role("link", name="Back to alerts").click()
    expect(page.get_by_role("heading", name="People you have muted")).to_be_visible()
    assert_accessible(page)
