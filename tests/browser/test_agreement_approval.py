"""The agreement's life in the browser: with none in force a practitioner is stopped and told why; the IG
officer drafts a version, two partners' approvers approve it, it is in force and the practitioner searches;
when it lapses the practitioner is stopped again. Every page passes axe."""

from datetime import date, timedelta

from playwright.sync_api import Page, expect

from mast.access.models import Role
from mast.governance.models import SharingAgreement
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories.access import make_agency, make_user
from tests.factories.governance import make_agreement, make_partner


def _sign_out(page: Page) -> None:
    page.context.clear_cookies()


def test_draft_approved_by_two_partners_in_force_then_lapsed(page: Page):
    police, childrens = make_agency("Testshire Police"), make_agency("Testshire Children's Services")
    ended = make_agreement(
        end_date=date.today() - timedelta(days=1), start_date=date.today() - timedelta(days=400)
    )
    make_partner(ended, police, approver=make_user(Role.IG_OFFICER, agency=police, username="police.dpo"))
    make_partner(ended, childrens, approver=make_user(Role.IG_OFFICER, agency=childrens, username="csc.dpo"))
    make_user(Role.IG_OFFICER, agency=make_agency("Testshire MAST"), username="ig.officer")
    make_user(Role.PRACTITIONER, agency=police, username="pc.search")

    # No version in force: the practitioner is stopped, told why and whom to ask.
    sign_in(page, "pc.search")
    page.goto("/search/")
    expect(page.get_by_role("heading", name="No data-sharing agreement is in force")).to_be_visible()
    expect(page.get_by_text("ig@testshire.example")).to_be_visible()
    assert_accessible(page)
    _sign_out(page)

    # The IG officer drafts version 1.1 from the one that ended, starting today.
    sign_in(page, "ig.officer")
    page.goto("/governance/versions/")
    expect(page.get_by_text("No version is in force today")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Draft a new version").click()
    expect(page.get_by_role("heading", name="TS-ISA version 1.1")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Change the agreement's terms").click()
    page.get_by_label("Start date").fill(date.today().isoformat())
    page.get_by_label("Review date").fill((date.today() - timedelta(days=1)).isoformat())
    page.get_by_label("Retention period in months").fill("24")
    page.get_by_role("button", name="Save the terms").click()
    expect(page.get_by_role("link", name="The review date must be after the start date")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Review date").fill((date.today() + timedelta(days=365)).isoformat())
    page.get_by_label("What this version changes, and why").fill("Keep data for 24 months, not 36.")
    page.get_by_role("button", name="Save the terms").click()
    expect(page.get_by_text("The agreement's terms are saved.")).to_be_visible()
    page.get_by_role("button", name="Send for approval").click()
    expect(page.get_by_text("has been sent to 2 approvers")).to_be_visible()
    assert_accessible(page)
    _sign_out(page)

    # Each partner's approver approves it; the second approval puts it in force.
    for approver in ("police.dpo", "csc.dpo"):
        sign_in(page, approver)
        page.goto("/governance/versions/")
        page.get_by_role("link", name="Approve or reject version 1.1").click()
        assert_accessible(page)
        page.get_by_label("Yes, approve it").check()
        page.get_by_role("button", name="Send my decision").click()
        said = "it is in force from" if approver == "csc.dpo" else "You approved version 1.1"
        expect(page.get_by_text(said)).to_be_visible()
        _sign_out(page)
    version = SharingAgreement.objects.get(version="1.1")
    assert version.status == "approved" and version.retention_months == 24

    # The IG officer compares it with the one it replaced.
    sign_in(page, "ig.officer")
    page.goto(f"/governance/versions/{version.pk}/")
    page.get_by_label("Compare version 1.1 with").select_option(str(ended.pk))
    page.get_by_role("button", name="Show what changed").click()
    expect(page.get_by_role("cell", name="Retention (months)")).to_be_visible()
    assert_accessible(page)
    _sign_out(page)

    # In force: the practitioner can search.
    sign_in(page, "pc.search")
    page.goto("/search/")
    expect(page.get_by_role("heading", name="No data-sharing agreement is in force")).to_have_count(0)

    # It lapses: searching stops again.
    SharingAgreement.objects.filter(pk=version.pk).update(end_date=date.today() - timedelta(days=1))
    page.goto("/search/")
    expect(page.get_by_role("heading", name="No data-sharing agreement is in force")).to_be_visible()
