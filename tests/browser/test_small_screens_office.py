"""Issue 14, item 9, for the people who look after MAST rather than search it: on a phone (375 and 320 px
wide) the feed owner's feeds page, the review queue and a pair under review, and the IG officer's audit log
never scroll sideways — each table's rows become labelled lines."""

import pytest
from playwright.sync_api import Page

from mast.access.models import Role
from mast.feeds.services import load_file
from tests.browser.conftest import no_sideways_scroll, sign_in
from tests.factories.access import make_user
from tests.factories.identity import make_candidate, make_record, make_source
from tests.feeds.conftest import source, test_mappings, write_feed
from tests.feeds.samples import GOOD_ROWS

__all__ = ["source", "test_mappings"]  # the feed tests' partner fixtures, for the feed owner's pages


@pytest.mark.parametrize("width", [375, 320])
def test_the_feeds_page_fits_a_phone(page: Page, source, tmp_path, width):
    owner = make_user(Role.FEED_OWNER, agency=source.agency)
    source.owners.add(owner)
    load_file(source, write_feed(tmp_path / "niche-monday-with-a-long-file-name.csv", GOOD_ROWS))
    page.set_viewport_size({"width": width, "height": 740})
    sign_in(page, owner)

    page.goto("/feeds/")
    page.get_by_role("link", name="niche-monday-with-a-long-file-name.csv").wait_for()
    no_sideways_scroll(page, width)


@pytest.mark.parametrize("width", [375, 320])
def test_the_review_pages_and_the_audit_log_fit_a_phone(page: Page, width):
    police, health = make_source("Testshire Police"), make_source("Testshire NHS")
    candidate = make_candidate(
        make_record(police, given_name="Marigold"), make_record(health, given_name="Goldie")
    )
    page.set_viewport_size({"width": width, "height": 740})
    sign_in(page, make_user(Role.IG_OFFICER))

    page.goto("/identity/review/")
    page.get_by_text("Marigold Quillfeather").wait_for()
    no_sideways_scroll(page, width)

    page.goto(f"/identity/review/{candidate.pk}/")
    page.get_by_text("Are these the same person?").wait_for()
    no_sideways_scroll(page, width)

    page.goto("/audit/")
    page.get_by_role("heading", name="Audit log").wait_for()
    no_sideways_scroll(page, width)
