"""A feed owner watching a load in the background: the page says how far it has got, and that it has finished,
without reloading itself (which would throw a screen-reader user back to the top of the page)."""

from playwright.sync_api import Page, expect

from mast.access.models import Role
from mast.audit.models import AuditEvent
from mast.feeds.models import Load
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories.access import make_user
from tests.feeds.conftest import source, test_mappings

__all__ = ["source", "test_mappings"]  # the feed tests' partner fixtures


def test_a_running_load_reports_progress_in_place_until_it_finishes(page: Page, source):
    owner = make_user(Role.FEED_OWNER, agency=source.agency)
    source.owners.add(owner)
    load = Load.objects.create(source=source, file_name="big.csv", sha256="0" * 64, status=Load.Status.QUEUED)
    sign_in(page, owner)

    page.goto(f"/feeds/loads/{load.pk}/")
    status = page.get_by_role("status")
    expect(status).to_contain_text("Waiting for the background worker")
    assert_accessible(page)
    # Marks this document, so that a reload (which would lose the mark) fails the test.
    page.evaluate("() => { window.notReloaded = true }")

    Load.objects.filter(pk=load.pk).update(
        status=Load.Status.RUNNING, stage=Load.Stage.READING, progress_rows=1200
    )
    expect(status).to_contain_text("1,200 rows so far", timeout=10_000)
    Load.objects.filter(pk=load.pk).update(status=Load.Status.LOADED, message="Loaded 1,200 rows.")
    expect(status).to_contain_text("The load has finished.", timeout=10_000)

    assert page.evaluate("() => window.notReloaded") is True
    # Checking progress read no partner's record: only the page's own viewing is in the audit log.
    assert AuditEvent.objects.filter(target=f"load:{load.pk}").count() == 1
    page.get_by_role("link", name="Show what was loaded").click()
    expect(page.get_by_role("status")).to_contain_text("Loaded 1,200 rows.")
    assert_accessible(page)
