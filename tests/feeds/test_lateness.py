"""A late feed is told to its feed owners and the IG officers, once per missed deadline (issue 13, item 7)."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from mast.access.models import Role
from mast.feeds.lateness import raise_late_notices
from mast.feeds.models import LateNotice, Load
from mast.feeds.services import load_file
from tests.factories.access import make_user
from tests.feeds.conftest import write_feed
from tests.feeds.samples import GOOD_ROWS
from tests.signing_in import signed_in_with_factor

LONDON = ZoneInfo("Europe/London")


def test_a_late_feed_is_told_once_to_its_owners_and_the_ig_officers(source, tmp_path, settings, client):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    owner = make_user(Role.FEED_OWNER, agency=source.agency, email="owner@police.example")
    source.owners.add(owner)
    make_user(Role.IG_OFFICER, email="ig@mast.example")
    make_user(Role.PRACTITIONER, agency=source.agency, email="pc@police.example")
    load = load_file(source, write_feed(tmp_path / "feed.csv", GOOD_ROWS)).load
    Load.objects.filter(pk=load.pk).update(finished_at=datetime(2026, 11, 27, 5, 10, tzinfo=LONDON))

    assert raise_late_notices(now=datetime(2026, 11, 27, 9, tzinfo=LONDON)) == []  # on time
    [notice] = raise_late_notices(now=datetime(2026, 11, 28, 7, 30, tzinfo=LONDON))

    assert notice.source == source and notice.emails_sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["ig@mast.example", "owner@police.example"]
    assert all("late" in m.subject and "Zoë" not in m.body for m in mail.outbox)
    # Told once for this deadline, again for the next one missed.
    assert raise_late_notices(now=datetime(2026, 11, 28, 9, tzinfo=LONDON)) == []
    assert len(raise_late_notices(now=datetime(2026, 11, 29, 7, 30, tzinfo=LONDON))) == 1
    assert LateNotice.objects.count() == 2

    signed_in_with_factor(client, owner)
    page = client.get(reverse("web:feeds")).content.decode()
    assert "test-partner is late" in page and "27 Nov 05:10" in page


def test_the_command_says_which_feeds_are_newly_late(source):
    out = StringIO()
    call_command("check_freshness", stdout=out)
    assert "late: test-partner" in out.getvalue()
    out = StringIO()
    call_command("check_freshness", stdout=out)
    assert "No feed newly late." in out.getvalue()
