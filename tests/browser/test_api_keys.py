"""A feed owner makes an API key, sees it once, a partner's system pushes with it, and revoking it stops the
next push at once; an IG officer decides a question held for review; the API's docs page (issue 18)."""

import json
import urllib.error
import urllib.request

from playwright.sync_api import Page, expect

from mast.access.models import Role
from mast.api import keys
from mast.api.models import ApiKey, MatchQuery
from mast.feeds.models import Involvement
from tests.api.conftest import record
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories.access import make_user
from tests.feeds.conftest import source, test_mappings

__all__ = ["source", "test_mappings"]  # the feed tests' partner fixtures


def _push(base: str, secret: str) -> int:
    body = {"records": [record(involvement_type="DOMESTIC", start_date="2026-11-02")]}
    request = urllib.request.Request(  # noqa: S310 (the test's own live server)
        f"{base}/api/v1/records/",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (the test's own server)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_key_is_shown_once_used_by_a_partner_system_and_revoked_at_once(
    page: Page, source, live_server, tmp_path, monkeypatch
):
    monkeypatch.setattr("mast.api.push.incoming_dir", lambda: tmp_path / "incoming")
    monkeypatch.setattr("mast.identity.model_files.models_dir", lambda: tmp_path / "identity-models")
    monkeypatch.setattr("mast.identity.record_store.store_path", lambda: tmp_path / "records.arrow")
    owner = make_user(Role.FEED_OWNER, agency=source.agency)
    source.owners.add(owner)
    sign_in(page, owner)

    page.get_by_role("link", name="Manage your systems' API keys").click()
    expect(page.get_by_role("heading", name="API keys")).to_be_visible()
    page.get_by_role("button", name="Make key").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select whether the key pushes records or asks whether a person is known"
    )
    assert_accessible(page)

    page.get_by_label("Push records").check()
    page.get_by_label("Name the system that will hold it").fill("Niche RMS live")
    page.get_by_role("button", name="Make key").click()
    expect(page.get_by_role("heading", name="Key made")).to_be_visible()
    secret = page.locator("#new-key-secret").inner_text().strip()
    assert secret.startswith("mast_")
    assert_accessible(page)

    assert _push(live_server.url, secret) == 200
    assert Involvement.objects.filter(source=source, record_id="P1").exists()

    page.goto("/api/keys/")
    expect(page.get_by_text(secret)).to_have_count(0)  # never shown again
    key = ApiKey.objects.get()
    row = page.get_by_role("row").filter(has_text=key.key_id)
    expect(row).to_contain_text("Live")
    expect(row).not_to_contain_text("Never")  # its last use is shown
    row.get_by_role("button", name=f"Revoke key {key.key_id}").click()
    expect(page.get_by_role("row").filter(has_text=key.key_id)).to_contain_text("Revoked")
    assert _push(live_server.url, secret) == 401
    assert_accessible(page)


def test_an_ig_officer_permits_a_question_held_for_review(page: Page, source):
    officer = make_user(Role.IG_OFFICER)
    key = keys.create_key(make_user(Role.ADMINISTRATOR), source, "query", "Mosaic").key
    held = MatchQuery.objects.create(
        api_key=key,
        requesting_organisation="Testshire Council",
        requesting_user="Dana Worker (MASH)",
        reason="https://www.legislation.gov.uk/ukpga/2017/16/section/1",
        decision="REVIEW",
        decision_reason="Held",
    )
    sign_in(page, officer)
    page.get_by_role("link", name="Decide partner systems' questions held for review").click()
    waiting = page.get_by_role("table", name="Waiting for a decision")
    expect(waiting).to_contain_text("Dana Worker (MASH), Testshire Council")
    assert_accessible(page)
    waiting.get_by_role("button", name=f"Permit question {held.pk}").click()
    expect(page.get_by_text(f"Question {held.pk} from Testshire Council: permitted")).to_be_visible()
    held.refresh_from_db()
    assert held.review_decision == "PERMIT" and held.reviewed_by == officer
    assert_accessible(page)


def test_the_api_documentation_page_reads_the_live_description(page: Page, db):
    sign_in(page, make_user(Role.ADMINISTRATOR))
    page.goto("/api/docs/")
    expect(page.get_by_role("heading", name="Push records (one or a batch) as they happen")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Is this person known? (MAIS Data Exchange $match)")
    ).to_be_visible()
    expect(page.get_by_role("cell", name="records[].given_name")).to_be_visible()
    assert_accessible(page)
