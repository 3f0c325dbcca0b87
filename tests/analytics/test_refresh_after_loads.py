"""A load asks for the figures to be refreshed on the background worker; a run of loads gets one refresh."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from mast.analytics import facts
from mast.analytics.refresh import refresh_after_load
from mast.analytics.tasks import refresh_after_loads

pytestmark = pytest.mark.django_db


def test_a_load_asked_for_before_the_current_figures_were_read_needs_no_second_refresh():
    asked_before = timezone.now()
    assert refresh_after_loads.call(asked_before.isoformat()) == "refreshed"
    first = facts.as_of()
    assert first is not None and first >= asked_before

    # A second load from the same run asked before the refresh began: the figures already include it.
    assert refresh_after_loads.call(asked_before.isoformat()) == "already up to date"
    assert facts.as_of() == first

    # A load after the refresh read the data is not in the figures yet: it gets its refresh.
    asked_after = timezone.now()
    assert refresh_after_loads.call(asked_after.isoformat()) == "refreshed"
    assert facts.as_of() >= asked_after


def test_the_nightly_command_says_once_what_it_refreshed(capsys, caplog):
    call_command("analytics_refresh")
    printed = capsys.readouterr()
    said = printed.out + printed.err + caplog.text
    assert said.count("Analytics refreshed") == 1
    assert "involvements" in printed.out


def test_a_refresh_after_a_load_is_logged_for_the_operator(caplog):
    caplog.set_level("INFO", logger="mast.analytics.refresh")
    refresh_after_load()
    assert caplog.text.count("Analytics refreshed") == 1
