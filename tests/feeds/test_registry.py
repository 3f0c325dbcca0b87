"""Sources come from mappings: on a fresh install, the first load of a mapping, or `mast sources --sync`,
creates its source and agency; an administrator assigns its feed owner (issue 13, item 8)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from mast.access.models import Agency, Role
from mast.audit.models import AuditEvent
from mast.feeds.models import Load, Source
from tests.factories.access import make_user
from tests.feeds.conftest import write_feed
from tests.feeds.samples import GOOD_ROWS


@pytest.fixture
def fresh_install(db, test_mappings, tmp_path, monkeypatch):
    monkeypatch.setattr("mast.feeds.services.archive_dir", lambda: tmp_path / "archive")
    assert not Source.objects.exists() and not Agency.objects.exists()


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_mast_sources_lists_the_mappings_before_any_source_exists(fresh_install):
    listing = run("sources")
    assert "test-partner " in listing and "test-partner.toml" in listing
    assert "no source yet" in listing


def test_the_first_load_of_a_mapping_creates_its_source_and_agency(fresh_install, tmp_path):
    output = run("load", "test-partner", str(write_feed(tmp_path / "feed.csv", GOOD_ROWS)))

    assert "Loaded" in output
    source = Source.objects.get(code="test-partner")
    assert source.agency.name == "Testshire Police" and Load.objects.get().status == Load.Status.LOADED
    with pytest.raises(CommandError, match=r"No source or mapping 'nope'\. Mappings: .*test-partner"):
        run("load", "nope", str(tmp_path / "feed.csv"))


def test_sync_creates_every_source_and_an_administrator_assigns_its_owner(fresh_install):
    run("sources", "--sync")
    assert Source.objects.filter(code="test-partner").exists()
    agency = Source.objects.get(code="test-partner").agency
    owner = make_user(Role.FEED_OWNER, agency=agency)

    listing = run("sources", "--owner", "test-partner", owner.username)

    assert f"{owner.username} now owns test-partner" in listing
    assert f"owners: {owner.username}" in listing
    assert Source.objects.get(code="test-partner").owners.get() == owner
    event = AuditEvent.objects.get(action="assign_feed_owner")
    assert event.target == "source:test-partner" and event.detail["owner"] == owner.username

    practitioner = make_user(Role.PRACTITIONER, agency=agency)
    with pytest.raises(CommandError, match="is not a feed owner"):
        run("sources", "--owner", "test-partner", practitioner.username)
    stranger = make_user(Role.FEED_OWNER)
    with pytest.raises(CommandError, match="does not work for Testshire Police"):
        run("sources", "--owner", "test-partner", stranger.username)
