"""A feed owner finds a snapshot held because it would remove most of the feed: the page shows what it would
do, refuses to apply it until the box is ticked, then applies it (issue 13, item 2)."""

from playwright.sync_api import Page, expect

from mast.access.models import Role
from mast.feeds.models import Involvement, Load
from mast.feeds.services import load_file
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories.access import make_user
from tests.factories.feeds import rows
from tests.feeds.conftest import source, test_mappings, write_feed

__all__ = ["source", "test_mappings"]  # the feed tests' partner fixtures


def test_a_held_snapshot_is_previewed_then_applied_with_one_confirmation(
    page: Page, source, settings, tmp_path
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    owner = make_user(Role.FEED_OWNER, agency=source.agency)
    source.owners.add(owner)
    load_file(source, write_feed(tmp_path / "day1.csv", rows(100)))
    held = load_file(source, write_feed(tmp_path / "day2.csv", rows(10)), user=owner).load
    assert held.status == Load.Status.HELD
    sign_in(page, owner)

    page.goto(f"/feeds/loads/{held.pk}/")
    expect(page.get_by_text("This file is held: nothing of it has been applied")).to_be_visible()
    expect(page.get_by_text("It would remove 90 of the feed's 100 involvements (90 %)")).to_be_visible()
    removed = page.get_by_role("table", name="Examples of involvements it would remove")
    expect(removed.get_by_role("row")).to_have_count(6)  # a header and five examples
    assert_accessible(page)

    page.get_by_role("button", name="Apply this file").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Confirm that you have checked what this file will remove"
    )
    assert_accessible(page)
    assert Involvement.objects.filter(source=source, removed_at__isnull=True).count() == 100

    page.get_by_label("I have checked this file").check()
    page.get_by_role("button", name="Apply this file").click()
    expect(page.locator(".govuk-summary-list .govuk-tag")).to_have_text("Loaded")
    assert Involvement.objects.filter(source=source, removed_at__isnull=True).count() == 10
    assert_accessible(page)
