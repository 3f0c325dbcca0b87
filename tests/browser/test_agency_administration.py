"""An administrator's agency pages in Chromium: switching an agency off only after a page that says how many
users it stops and how many live sessions it ends, and setting up the agency's single sign-on. Each page
checked with axe."""

import pytest
from playwright.sync_api import Page, expect

from mast.access.models import Agency, Role, SingleSignOn
from mast.audit.models import AuditEvent
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories.access import make_agency, make_user

SCREENSHOTS = "var/screenshots"


def test_switching_an_agency_off_says_what_it_ends_first_then_ends_it(page: Page, browser, live_server):
    home = make_agency("Southshire Council", code="southshire")
    fire = make_agency("Northshire Fire and Rescue", code="northshire-fire")
    admin = make_user(Role.ADMINISTRATOR, agency=home)
    crew = [make_user(Role.PRACTITIONER, agency=fire) for _ in range(3)]
    make_user(Role.PRACTITIONER, agency=fire, is_active=False)
    # Two of the fire service's people are signed in now, in browsers of their own.
    others = [browser.new_context(base_url=live_server.url) for _ in range(2)]
    for context, person in zip(others, crew, strict=False):
        sign_in(context.new_page(), person)

    sign_in(page, admin)
    page.goto(f"/administration/agencies/{fire.pk}/")
    page.get_by_role("link", name="Switch off Northshire Fire and Rescue").click()
    expect(page.get_by_role("heading", name="Switch off Northshire Fire and Rescue?")).to_be_visible()
    consequences = page.get_by_test_id("consequences")
    expect(consequences).to_contain_text("3 users will not be able to sign in")
    expect(consequences).to_contain_text("2 people are signed in now and will be signed out at once")
    assert_accessible(page)
    page.screenshot(path=f"{SCREENSHOTS}/agency-switch-off.png", full_page=True)
    assert Agency.objects.get(pk=fire.pk).is_active, "nothing changes before the administrator says yes"

    page.get_by_role("button", name="Yes, switch off Northshire Fire and Rescue").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Sessions ended: 2")
    assert not Agency.objects.get(pk=fire.pk).is_active
    signed_out = others[0].pages[0]
    signed_out.goto("/")
    assert "/sign-in/" in signed_out.url
    for context in others:
        context.close()


def test_an_administrator_cannot_switch_off_their_own_agency_from_the_confirmation_page(page: Page):
    home = make_agency("Southshire Council", code="southshire")
    sign_in(page, make_user(Role.ADMINISTRATOR, agency=home))
    page.goto(f"/administration/agencies/{home.pk}/switch-off/")
    expect(page.get_by_text("You cannot switch off your own agency")).to_be_visible()
    expect(page.get_by_role("button", name="Yes, switch off Southshire Council")).to_have_count(0)


@pytest.mark.parametrize("width", [1280, 375])
def test_an_administrator_sets_up_an_agencys_single_sign_on(page: Page, monkeypatch, width):
    page.set_viewport_size({"width": width, "height": 900})
    police = make_agency("Northshire Police", code="northshire-police")
    admin = make_user(Role.ADMINISTRATOR, agency=police)
    monkeypatch.setenv("MAST_SSO_SECRET_POLICE", "set by the server's administrator")
    sign_in(page, admin)
    page.goto(f"/administration/agencies/{police.pk}/")
    page.get_by_role("link", name="Set up single sign-on").click()
    assert_accessible(page)

    page.get_by_label("Issuer").fill("http://login.example/tenant/v2.0")
    page.get_by_label("Client ID").fill("0f2c5d1e-mast")
    page.get_by_label("Environment variable with the client secret").fill("the secret itself")
    page.get_by_label("Allowed email domains").fill("police.example, not a domain")
    page.get_by_role("button", name="Save single sign-on").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The issuer must start with https://")
    expect(summary).to_contain_text("Use capital letters, numbers and underscores")
    expect(summary).to_contain_text("“not a domain” is not an email domain")
    assert_accessible(page)
    page.screenshot(path=f"{SCREENSHOTS}/single-sign-on-errors-{width}.png", full_page=True)

    page.get_by_label("Issuer").fill("https://login.example/tenant/v2.0/")
    page.get_by_label("Environment variable with the client secret").fill("MAST_SSO_SECRET_POLICE")
    page.get_by_label("Allowed email domains").fill("Police.Example, @northshire.police.example")
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Save single sign-on").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Single sign-on for Northshire Police saved"
    )
    sso = SingleSignOn.objects.get(agency=police)
    assert (sso.issuer, sso.domains) == (
        "https://login.example/tenant/v2.0",
        ["police.example", "northshire.police.example"],
    )
    recorded = AuditEvent.objects.filter(action="single_sign_on_set_up").last()
    assert (
        "the secret" not in str(recorded.detail)
        and recorded.detail["changes"]["client_id"]["to"] == "0f2c5d1e-mast"
    )

    page.get_by_role("link", name="Change single sign-on").click()
    expect(page.get_by_test_id("secret-status")).to_have_text("This server has MAST_SSO_SECRET_POLICE set.")
