"""Issue 14, "the game changer": a police officer refers a child whose case is open with children's services,
and the referral reaches the allocated worker named in the partner's record — assigned to her in MAST, emailed
to her, and first in her inbox — and the officer is told truthfully who has it."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from mast.access.models import AgencyKind, Role
from mast.requests.models import Request
from tests.browser import region as journey
from tests.browser.conftest import sign_in
from tests.factories.access import make_agency, make_user

__all__ = ["mash_region"]
mash_region = journey.mash_region


def test_police_refer_and_the_allocated_worker_sees_it_first(page: Page, mash_region, mailoutbox):
    police = make_agency("Northshire Police", code="northshire-police-test", kind=AgencyKind.POLICE)
    officer = make_user(Role.PRACTITIONER, agency=police, username="police.officer", first_name="Priya",
                        last_name="Constable")  # fmt: skip
    # The allocated worker the children's services feed names, with the email it gives for her.
    rowan = make_user(
        Role.PRACTITIONER,
        agency=mash_region.csc.agency,
        username="rowan.ashdown",
        first_name="Rowan",
        last_name="Ashdown",
        email="Rowan.Ashdown@childrens.northshire.example",
        team=journey.TEAM,
    )
    # Her team's inbox already holds an older, more urgent request for nobody in particular.
    Request.objects.create(
        kind=Request.Kind.INFORMATION, person=mash_region.child, from_user=officer, from_agency=police,
        to_agency=mash_region.csc.agency, to_team=journey.TEAM, purpose_code="mash_triage",
        purpose_reference="OP-1", question="Earlier question.", priority=Request.Priority.RED,
        due_at=timezone.now() + timedelta(hours=1),
    )  # fmt: skip

    sign_in(page, officer)
    page.goto(f"/people/{mash_region.child.public_id}/")
    journey.state_purpose(page, "OP-ROSE-12")
    page.locator(".govuk-notification-banner").get_by_role(
        "button", name="Send this referral to the allocated worker"
    ).click()
    expect(page.locator("#route")).to_contain_text(
        "Rowan Ashdown, the allocated worker, uses MAST: the referral will be assigned to them"
    )
    page.get_by_label("What is the referral about?").fill(
        "Kayleigh was found alone at the bus station at 2am."
    )
    page.get_by_label("Amber").check()
    page.get_by_role("button", name="Send referral").click()
    expect(page.locator(".govuk-panel")).to_contain_text(f"Referral sent to Rowan Ashdown, {journey.TEAM}")
    expect(page.locator("#who-has-it")).to_contain_text(
        "It is assigned to Rowan Ashdown, the allocated worker"
    )

    referral = Request.objects.get(kind=Request.Kind.REFERRAL)
    assert referral.assignee == rowan
    assert rowan.email in [address for message in mailoutbox for address in message.to]

    page.context.clear_cookies()
    sign_in(page, rowan)
    page.goto("/requests/inbox/")
    first = page.locator("table.mast-requests tbody tr").first
    expect(first).to_contain_text("Referral about an open case")
    expect(first).to_contain_text("Rowan Ashdown")
    expect(first).to_contain_text("Priya Constable")

    # And on her phone, the inbox fits the screen.
    page.set_viewport_size({"width": 375, "height": 740})
    page.reload()
    expect(page.locator("table.mast-requests tbody tr").first).to_contain_text("Referral about an open case")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
