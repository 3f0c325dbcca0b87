"""Every page, as Chromium renders it with GOV.UK Frontend's styles and scripts, passes axe's WCAG 2.2 A and
AA checks; and the check itself catches a violation, so a broken checker cannot pass everything."""

import pytest
from playwright.sync_api import Page

from mast.access.models import Role
from mast.feeds.services import load_file
from mast.identity.models import Person, PersonLink
from mast.synth.demo import ensure_partners
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories.access import make_user
from tests.factories.identity import make_candidate, make_record, make_source
from tests.feeds.conftest import source, test_mappings, write_feed
from tests.feeds.samples import GOOD_ROWS

# One row with no person reference and one with no start date, so the load page has rejected rows to show.
BAD_ROWS = [
    "OC9,,Ann,Lee,01/01/2001,F,,,,DOMESTIC,02/02/2026,,OPEN,,,N",
    "OC10,N9,Bea,Evans,01/01/2000,F,,,,DOMESTIC,,,OPEN,,,N",
]
__all__ = ["source", "test_mappings"]  # the feed tests' partner fixtures, for the feed owner's pages


def test_the_check_finds_a_violation(page: Page):
    page.goto("/sign-in/")
    # Grey on white fails colour contrast only if GOV.UK's stylesheet put the text on a known background.
    page.evaluate(
        """() => {
          const p = document.createElement('p');
          p.className = 'govuk-body';
          p.textContent = 'Hard to read';
          p.style.color = '#b1b4b6';
          document.querySelector('main').append(p);
          document.querySelector('input[name=username]').removeAttribute('id');
        }"""
    )

    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)

    assert "color-contrast" in str(failure.value)
    assert "label" in str(failure.value)


def test_the_sign_in_page(page: Page):
    page.goto("/sign-in/")
    assert_accessible(page)


def test_the_sign_in_page_with_errors(page: Page):
    page.goto("/sign-in/")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("There is a problem").wait_for()
    assert_accessible(page)


@pytest.mark.parametrize("role", Role.values)
def test_the_home_page_for_each_role(page: Page, role: str):
    sign_in(page, make_user(role))
    page.get_by_role("heading", name="What you can do in MAST").wait_for()
    assert_accessible(page)


@pytest.mark.parametrize("path", ["/cookies/", "/accessibility/", "/no-such-page/"])
def test_the_public_pages_and_page_not_found(page: Page, path: str):
    page.goto(path)
    assert_accessible(page)


def test_page_not_found_when_signed_in(page: Page):
    sign_in(page, make_user())
    response = page.goto("/no-such-page/")
    assert response is not None and response.status == 404
    assert_accessible(page)


def test_the_feed_owners_pages(page: Page, source, tmp_path):
    owner = make_user(Role.FEED_OWNER, agency=source.agency)
    source.owners.add(owner)
    load = load_file(source, write_feed(tmp_path / "niche-monday.csv", GOOD_ROWS + BAD_ROWS)).load
    assert load.rows_rejected == len(BAD_ROWS)
    sign_in(page, owner)

    page.goto("/feeds/")
    page.get_by_role("link", name="niche-monday.csv").wait_for()
    assert_accessible(page)

    page.get_by_role("link", name="niche-monday.csv").click()
    page.get_by_text("OC10").wait_for()
    assert_accessible(page)

    # The upload form with its error summary.
    page.goto("/feeds/")
    page.get_by_role("button", name="Upload and load").click()
    page.get_by_text("There is a problem").wait_for()
    assert_accessible(page)


def test_the_review_queue_and_a_candidate(page: Page):
    police, health = make_source("Testshire Police"), make_source("Testshire NHS")
    candidate = make_candidate(
        make_record(police, given_name="Marigold"), make_record(health, given_name="Goldie")
    )
    sign_in(page, make_user(Role.IG_OFFICER))

    page.goto("/identity/review/")
    page.get_by_text("Marigold Quillfeather").wait_for()
    assert_accessible(page)

    page.goto(f"/identity/review/{candidate.pk}/")
    page.get_by_text("Are these the same person?").wait_for()
    assert_accessible(page)

    # The decision form sent empty, with its error summary.
    page.get_by_role("button", name="Continue").click()
    page.get_by_text("There is a problem").wait_for()
    assert_accessible(page)

    # What the decision will change, then the decision on its way (the worker applies it).
    page.get_by_label("Yes, the same person").check()
    page.get_by_label("Why?").fill("Same GP and school records.")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="What will change").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Confirm and save the decision").click()
    page.get_by_role("button", name="Undo this decision").wait_for()
    assert_accessible(page)


def test_unlinking_a_record(page: Page):
    police, health = make_source("Testshire Police"), make_source("Testshire NHS")
    person = Person.objects.create()
    record = make_record(police, given_name="Marigold")
    link = PersonLink.objects.create(partner_record=record, person=person, method=PersonLink.Method.MODEL)
    PersonLink.objects.create(
        partner_record=make_record(health, given_name="Goldie"), person=person, method=PersonLink.Method.MODEL
    )
    sign_in(page, make_user(Role.IG_OFFICER))

    page.goto(f"/identity/links/{link.pk}/unlink/")
    page.get_by_text("Marigold Quillfeather").first.wait_for()
    assert_accessible(page)

    page.get_by_role("button", name="Unlink this record").click()
    page.get_by_text("There is a problem").wait_for()
    assert_accessible(page)


def test_the_data_sharing_agreement(page: Page):
    ensure_partners()  # the demo's agencies, feeds and their agreement
    sign_in(page, make_user(Role.IG_OFFICER))

    page.get_by_role("link", name="Read the data-sharing agreement").click()
    page.get_by_role("heading", name="What each partner shares").wait_for()
    assert_accessible(page)
