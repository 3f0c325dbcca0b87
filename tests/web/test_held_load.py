"""A held load's preview and its one confirmation, on the feed owner's load page (issue 13, item 2)."""

import pytest
from django.urls import reverse

from mast.access.models import Role
from mast.audit.models import AuditEvent
from mast.feeds.models import Involvement, Load
from mast.feeds.services import load_file
from tests.factories.access import make_user
from tests.factories.feeds import rows
from tests.feeds.conftest import write_feed
from tests.signing_in import signed_in_with_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(source, client):
    user = make_user(Role.FEED_OWNER, agency=source.agency)
    source.owners.add(user)
    signed_in_with_factor(client, user)
    return user


@pytest.fixture
def held(source, tmp_path, settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    load_file(source, write_feed(tmp_path / "day1.csv", rows(100)))
    load = load_file(source, write_feed(tmp_path / "day2.csv", rows(10))).load
    assert load.status == Load.Status.HELD
    return load


def open_count(source) -> int:
    return Involvement.objects.filter(source=source, removed_at__isnull=True).count()


def test_the_held_load_page_shows_what_it_would_do(owner, held, client):
    page = client.get(reverse("web:feed-load", args=[held.pk])).content.decode()

    assert "This file is held: nothing of it has been applied" in page
    assert "It would remove 90 of the feed&#x27;s 100 involvements (90 %)" in page
    assert "Examples of involvements it would remove" in page and ">K10<" in page
    assert "Apply this file" in page and "upload a corrected file" in page


def test_applying_needs_the_box_ticked_then_applies_and_is_audited(owner, held, client, source):
    url = reverse("web:feed-load-apply", args=[held.pk])

    unticked = client.post(url, {})
    assert unticked.status_code == 400
    assert "Confirm that you have checked what this file will remove" in unticked.content.decode()
    assert open_count(source) == 100

    response = client.post(url, {"confirm": "yes"})

    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == Load.Status.LOADED and open_count(source) == 10
    events = {e.action: e for e in AuditEvent.objects.filter(target=f"load:{held.pk}")}
    assert {"hold_feed_load", "confirm_held_feed_load", "apply_held_feed_load"} <= set(events)
    assert events["confirm_held_feed_load"].username == owner.username
    assert events["apply_held_feed_load"].detail["confirmed_by"] == "feed owner's page"
    # Once applied, it cannot be applied again.
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    assert AuditEvent.objects.filter(action="apply_held_feed_load").count() == 1


def test_a_held_load_overtaken_by_a_later_file_can_no_longer_be_applied(
    owner, held, client, source, tmp_path
):
    load_file(source, write_feed(tmp_path / "day3.csv", rows(99)))

    page = client.get(reverse("web:feed-load", args=[held.pk])).content.decode()
    assert "A later file from this feed has been loaded since" in page
    client.post(reverse("web:feed-load-apply", args=[held.pk]), {"confirm": "yes"})
    assert (
        open_count(source) == 99 and not AuditEvent.objects.filter(action="confirm_held_feed_load").exists()
    )


def test_only_the_feeds_owners_may_apply_it(held, client, source):
    signed_in_with_factor(client, make_user(Role.FEED_OWNER, agency=source.agency))  # owns no feed
    assert client.post(reverse("web:feed-load-apply", args=[held.pk]), {"confirm": "yes"}).status_code == 403
    signed_in_with_factor(client, make_user(Role.PRACTITIONER, agency=source.agency))
    assert client.post(reverse("web:feed-load-apply", args=[held.pk]), {"confirm": "yes"}).status_code == 403
    assert open_count(source) == 100


def test_the_feed_owner_can_undo_a_load_from_its_page(owner, held, client, source, tmp_path):
    applied = load_file(source, write_feed(tmp_path / "day3.csv", rows(96))).load
    url = reverse("web:feed-load-undo", args=[applied.pk])
    assert "Undo this load" in client.get(reverse("web:feed-load", args=[applied.pk])).content.decode()

    client.post(url, {})  # not confirmed: nothing happens
    assert open_count(source) == 96

    assert client.post(url, {"confirm": "yes"}).status_code == 302
    assert open_count(source) == 100
    event = AuditEvent.objects.get(action="undo_feed_load")
    assert event.username == owner.username and event.detail["by"] == "feed owner's page"
