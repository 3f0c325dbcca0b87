"""A feed owner whose partner pushes records all day can still undo yesterday's file, and undoing it undoes
the pushes made since (issue 18: pushes no longer crowd files out of the undo window)."""

import json
import os
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, expect

from mast.access.models import Role
from mast.api import keys
from mast.feeds.models import Involvement, Load
from mast.ingest.intake import ingest_file
from tests.api.conftest import record
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories.access import make_user
from tests.factories.feeds import rows
from tests.feeds.conftest import source, test_mappings, write_feed

__all__ = ["source", "test_mappings"]  # the feed tests' partner fixtures
SHOTS = os.environ.get("MAST_SCREENSHOTS")  # a directory to keep screenshots in, when looking by eye


def _push(base: str, secret: str, record_id: str) -> int:
    body = {"records": [record(record_id, f"N{record_id}", start_date="2026-11-02")]}
    request = urllib.request.Request(  # noqa: S310 (the test's own live server)
        f"{base}/api/v1/records/",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (the test's own server)
        return json.loads(response.read())["load"]


def _shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_yesterdays_file_can_be_undone_after_more_pushes_than_the_window_and_takes_them_with_it(
    page: Page, source, live_server, tmp_path, monkeypatch, settings
):
    monkeypatch.setattr("mast.api.push.incoming_dir", lambda: tmp_path / "incoming")
    monkeypatch.setattr("mast.identity.model_files.models_dir", lambda: tmp_path / "identity-models")
    monkeypatch.setattr("mast.identity.record_store.store_path", lambda: tmp_path / "records.arrow")
    settings.MAST_UNDO_LOADS = 2
    owner = make_user(Role.FEED_OWNER, agency=source.agency)
    source.owners.add(owner)
    ingest_file(source, write_feed(tmp_path / "monday.csv", rows(12)))
    tuesday = ingest_file(source, write_feed(tmp_path / "tuesday.csv", rows(15))).load
    secret = keys.create_key(owner, source, "push", "Niche RMS live").secret
    pushed = [_push(live_server.url, secret, f"API{n}") for n in range(3)]
    assert Involvement.objects.filter(source=source, removed_at=None).count() == 18

    sign_in(page, owner)
    page.goto(f"/feeds/loads/{tuesday.pk}/")
    # Three pushes since, more than the two loads the window holds: Tuesday's file can still be undone.
    page.get_by_text("Undo this load").first.click()
    expect(page.get_by_text("any later file or partner API push is undone too")).to_be_visible()
    _shot(page, "undo-file-after-pushes")
    assert_accessible(page)

    page.get_by_label("Undo this load and any later ones").check()
    page.get_by_role("button", name="Undo this load").click()
    expect(page.locator(".govuk-summary-list .govuk-tag")).to_have_text("Undone")
    _shot(page, "file-undone")
    assert_accessible(page)
    # Back to Monday's twelve; the pushes made on top of Tuesday's file were undone with it.
    assert Involvement.objects.filter(source=source, removed_at=None).count() == 12
    assert set(Load.objects.filter(pk__in=pushed).values_list("status", flat=True)) == {Load.Status.UNDONE}
