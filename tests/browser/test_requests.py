"""Issue 6 in Chromium: a police officer asks children's services about a child's open case from the person
page; a social worker finds it in the team's inbox and replies; the officer sees the reply. axe checks every
request page on the way, and the dashboard."""

import pytest
from playwright.sync_api import Page, expect

from mast.access.models import AgencyKind, Role
from mast.requests.models import Request
from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.region import TEAM, WORKER, build_region, state_purpose
from tests.factories.access import make_agency, make_user

QUESTION = "We attended the home last night after a neighbour's call. Is there a current plan?"
REPLY = "Open to Family Support under a child in need plan. Rowan Ashdown will call the MASH police desk."


@pytest.fixture
def region(page, tmp_path, monkeypatch):
    # `page` first: it gives the test the live server's transactional database.
    region = build_region(tmp_path, monkeypatch)
    region.worker.team = TEAM
    region.worker.save(update_fields=["team"])
    police = make_agency("Northshire Police", code="northshire-police-test", kind=AgencyKind.POLICE)
    region.officer = make_user(
        Role.PRACTITIONER, agency=police, username="police.officer", first_name="Priya", last_name="Constable"
    )
    return region


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in/")


def test_police_ask_social_care_answers_and_police_see_the_reply(page: Page, region):
    child = region.child
    sign_in(page, region.officer)
    page.goto(f"/people/{child.public_id}/")
    state_purpose(page, "POL-2026-5511")
    page.wait_for_url(f"**/people/{child.public_id}/")

    # The open case's line offers a request to its agency; the form says where it will go.
    page.get_by_role(
        "link", name="Request information from Northshire Children's Services about this involvement"
    ).first.click()
    expect(page.get_by_role("heading", name="Request information")).to_be_visible()
    expect(page.locator("main")).to_contain_text(TEAM)
    expect(page.locator("main")).to_contain_text(WORKER)
    assert_accessible(page)
    page.get_by_role("button", name="Send request").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your question")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a priority")
    assert_accessible(page)
    page.get_by_label("What do you need to know?").fill(QUESTION)
    page.get_by_label("Amber").check()
    page.get_by_role("button", name="Send request").click()

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your request was sent to Northshire Children's Services."
    )
    expect(page.locator("main")).to_contain_text(QUESTION)
    expect(page.locator("main")).to_contain_text("POL-2026-5511")
    assert_accessible(page)
    request = Request.objects.get()
    assert (request.to_team, request.status, request.purpose_reference) == (TEAM, "sent", "POL-2026-5511")
    sign_out(page)

    # The social worker's team inbox has it; they acknowledge, then reply.
    sign_in(page, region.worker)
    page.goto("/requests/inbox/")
    expect(page.get_by_role("heading", name="Requests for your team")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Kayleigh Thornbury").click()
    expect(page.locator("main")).to_contain_text(QUESTION)
    assert_accessible(page)
    page.get_by_role("button", name="Acknowledge and take it on").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("You have acknowledged")
    page.get_by_role("button", name="Reply").click()
    expect(page.get_by_role("heading", name="Reply to the request")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your reply").fill(REPLY)
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Your reply has been sent.")
    history = page.locator(".mast-history")
    for step in ("Sent", "Acknowledged", "Assigned", "Replied"):
        expect(history).to_contain_text(step)
    page.goto("/requests/dashboard/")
    expect(page.get_by_role("heading", name="How quickly requests are answered")).to_be_visible()
    expect(page.locator("main")).to_contain_text(TEAM)
    assert_accessible(page)
    sign_out(page)

    # The officer sees the status and the reply.
    sign_in(page, region.officer)
    page.goto("/requests/sent/")
    row = page.get_by_role("row", name="Kayleigh Thornbury")
    expect(row).to_contain_text("Replied")
    assert_accessible(page)
    row.get_by_role("link").click()
    expect(page.locator("main")).to_contain_text(REPLY)
    expect(page.locator("main")).to_contain_text("Morgan Front")
    assert_accessible(page)
    assert Request.objects.get().status == "replied"
