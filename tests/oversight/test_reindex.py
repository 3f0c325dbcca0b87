"""`mast oversight_reindex`: the who-looked index rebuilt from the audit log says what the log says."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from mast.oversight.models import Shown
from tests.oversight.conftest import look, searched, state_purpose
from tests.signing_in import signed_in_with_factor


def _index():
    return sorted(Shown.objects.values_list("event_id", "user_id", "subject", "how", "at"))


def test_a_lost_index_is_rebuilt_from_the_log_and_who_looked_shows_again(region, client):
    state_purpose(client, region.practitioner)
    searched(region.practitioner, region.people[:3])
    look(client, region.people[0])
    whole = _index()
    assert len(whole) == 4
    Shown.objects.filter(subject=region.people[0].public_id).delete()
    Shown.objects.create(event_id=1, at=whole[0][4], subject=region.people[5].public_id, how="viewed")

    out = StringIO()
    call_command("oversight_reindex", "--batch", "2", stdout=out)

    assert _index() == whole
    assert "4 who-looked rows (there were 3)" in out.getvalue()
    signed_in_with_factor(client, region.ig)
    page = client.get(reverse("web:who-viewed", args=[region.people[0].public_id])).content.decode()
    assert "Looked at their record" in page and "Shown in search results" in page


def test_resuming_from_a_sequence_leaves_earlier_rows_alone(region, client):
    state_purpose(client, region.practitioner)
    first = searched(region.practitioner, region.people[:2])
    later = searched(region.practitioner, region.people[2:4])
    Shown.objects.all().delete()

    call_command("oversight_reindex", "--from", str(later.sequence), stdout=StringIO())

    assert set(Shown.objects.values_list("event_id", flat=True)) == {later.sequence}
    assert first.sequence < later.sequence


def test_a_bad_start_is_refused(db):
    with pytest.raises(CommandError, match="1 or more"):
        call_command("oversight_reindex", "--from", "0", stdout=StringIO())
