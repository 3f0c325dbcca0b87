import pytest
from django.core.management import call_command

from mast.access.models import AgencyKind, Role, User
from mast.feeds.models import Involvement, Load, PartnerRecord
from mast.identity.models import Person
from mast.requests.demo import DEMO_REQUESTS
from mast.synth import demo, demo_users


@pytest.fixture
def demo_dirs(tmp_path, monkeypatch):
    monkeypatch.setattr(demo, "region_dir", lambda people, seed, as_of: tmp_path / f"region-{people}-{seed}")
    monkeypatch.setattr("mast.feeds.services.archive_dir", lambda: tmp_path / "archive")


def table_sizes():
    return (
        PartnerRecord.objects.count(),
        Involvement.objects.count(),
        Person.objects.count(),
        User.objects.count(),
    )


@pytest.mark.django_db
def test_the_demo_sets_up_a_region_and_users_and_can_be_run_again(demo_dirs, capsys):
    call_command("demo", people=300, seed=11)
    first = capsys.readouterr().out
    sizes = table_sizes()

    call_command("demo", people=300, seed=11)
    again = capsys.readouterr().out

    assert sizes[0] > 50 and sizes[1] > sizes[0] and sizes[2] > 0
    assert table_sizes() == sizes
    # Six feeds and two relationships files, loaded once and found unchanged the second time.
    assert Load.objects.filter(status=Load.Status.LOADED).count() == 8
    assert Load.objects.filter(status=Load.Status.UNCHANGED).count() == 8
    for output in (first, again):
        # Requests in every state between the demo practitioners (tests/requests/test_demo.py), made once.
        assert f"Requests between the demo practitioners: {len(DEMO_REQUESTS)}" in output
        assert demo_users.DEFAULT_PASSWORD in output
        assert all(spec.username in output for spec in demo_users.DEMO_USERS)


@pytest.mark.django_db
def test_there_is_a_practitioner_for_every_kind_of_agency_and_each_other_role(demo_dirs):
    call_command("demo", people=100, seed=11)

    practitioners = User.objects.filter(role=Role.PRACTITIONER)
    assert {u.agency.kind for u in practitioners} == set(AgencyKind.values)
    assert {u.role for u in User.objects.all()} == set(Role.values)
    feed_owner = User.objects.get(username="feed.owner")
    assert feed_owner.owned_sources.exists()
    assert User.objects.get(username="mash.worker").check_password(demo_users.DEFAULT_PASSWORD)
