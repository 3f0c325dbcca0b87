"""How fresh each agency's data is, for the practitioner pages: "Police data as of 27 Nov 05:10 (late)"."""

from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mast.feeds.freshness import agency_freshness, due_since
from mast.feeds.mapping import Schedule, load_schedule
from mast.feeds.models import Load
from mast.feeds.services import load_file, source_for_mapping
from tests.feeds.conftest import write_feed
from tests.feeds.samples import GOOD_ROWS

LONDON = ZoneInfo("Europe/London")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=LONDON)


def loaded_at(source, tmp_path, when: datetime, rows=GOOD_ROWS, name="feed.csv") -> Load:
    load = load_file(source, write_feed(tmp_path / name, rows)).load
    Load.objects.filter(pk=load.pk).update(started_at=when, finished_at=when)
    return load


def test_a_file_that_came_before_the_deadline_is_on_time_and_says_when(source, tmp_path, settings):
    settings.TIME_ZONE = "Europe/London"
    loaded_at(source, tmp_path, at(27, 5, 10))

    [police] = agency_freshness(now=at(27, 9))

    assert (police.agency_id, police.late, police.last_load_refused_or_held) == (
        source.agency_id,
        False,
        False,
    )
    assert police.as_of == at(27, 5, 10)
    assert police.label == "Testshire Police data as of 27 Nov 05:10"
    # Before 07:00 the next day, the next file is not yet due.
    assert not agency_freshness(now=at(28, 6, 59))[0].late


def test_no_file_since_the_last_deadline_is_late(source, tmp_path, settings):
    settings.TIME_ZONE = "Europe/London"
    loaded_at(source, tmp_path, at(27, 5, 10))

    [police] = agency_freshness(now=at(28, 7, 1))

    assert police.late
    assert police.label == "Testshire Police data as of 27 Nov 05:10 (late)"


def test_a_held_or_refused_latest_file_leaves_the_previous_data_and_says_so(source, tmp_path, settings):
    settings.TIME_ZONE = "Europe/London"
    loaded_at(source, tmp_path, at(27, 5, 10))
    refused = load_file(source, write_feed(tmp_path / "bad.csv", [], header="Wrong,Header")).load
    assert refused.status == Load.Status.REFUSED

    [police] = agency_freshness(now=at(27, 9))

    assert police.last_load_refused_or_held and police.as_of == at(27, 5, 10)
    assert police.label == (
        "Testshire Police data as of 27 Nov 05:10 (latest file not loaded; showing the one before)"
    )


def test_an_agency_with_no_file_yet_is_late_and_says_so(source):
    [police] = agency_freshness()
    assert police.late and police.as_of is None
    assert police.label == "Testshire Police: no data received yet"


def test_an_agency_is_as_fresh_as_its_stalest_feed_and_can_be_asked_for_alone(source, tmp_path, settings):
    settings.TIME_ZONE = "Europe/London"
    other = source_for_mapping("test-partner-jsonl")  # the same agency's second feed
    loaded_at(source, tmp_path, at(27, 5, 10))
    Load.objects.create(
        source=other, file_name="x.jsonl", sha256="0" * 64, status=Load.Status.LOADED, finished_at=at(25, 4)
    )

    [police] = agency_freshness(agency_ids=[source.agency_id], now=at(27, 9))

    assert police.as_of == at(25, 4) and police.late
    assert agency_freshness(agency_ids=[], now=at(27, 9)) == []


def test_every_feeds_freshness_is_read_in_one_statement(source, tmp_path, settings):
    """Every search and person page shows it: three statements there were one too many (ADR 0043)."""
    settings.TIME_ZONE = "Europe/London"
    other = source_for_mapping("test-partner-jsonl")
    loaded_at(source, tmp_path, at(26, 5))
    held = loaded_at(source, tmp_path, at(27, 5), name="second.csv")
    Load.objects.filter(pk=held.pk).update(status=Load.Status.HELD)
    Load.objects.create(
        source=other, file_name="x.jsonl", sha256="0" * 64, status=Load.Status.LOADED, finished_at=at(27, 4)
    )

    with CaptureQueriesContext(connection) as queries:
        [police] = agency_freshness(now=at(27, 9))

    assert len(queries) == 1
    # The held file is the latest, so the data shown is the one before it, and the page says so.
    assert police.as_of == at(26, 5) and police.last_load_refused_or_held


@pytest.mark.parametrize(
    ("schedule", "now", "expected"),
    [
        (Schedule(), at(28, 8), at(27, 7)),
        (Schedule(), at(28, 6), at(26, 7)),
        # Monday 30 Nov at 08:00: the weekday file due Monday may have come any time after Friday's deadline.
        (Schedule(every="weekdays", by=time(6, 30)), at(30, 8), at(27, 6, 30)),
        (Schedule(every="weekly", day="wednesday"), at(30, 8), at(18, 7)),
    ],
)
def test_each_schedule_says_since_when_a_file_is_due(schedule, now, expected, settings):
    settings.TIME_ZONE = "Europe/London"
    assert due_since(schedule, now) == expected


def test_an_edited_schedule_counts_from_the_next_page(tmp_path):
    """Each source's schedule is parsed once per version of its mapping file, not once per page."""
    mapping = (Path(__file__).parent / "mappings" / "test-partner.toml").read_text(encoding="utf-8")
    copy = tmp_path / "test-partner.toml"
    copy.write_text(f'{mapping}\n[schedule]\nevery = "daily"\nby = "07:00"\n', encoding="utf-8")
    assert load_schedule("test-partner", tmp_path) == Schedule("daily", time(7, 0))

    copy.write_text(f'{mapping}\n[schedule]\nevery = "weekdays"\nby = "09:30"\n', encoding="utf-8")

    assert load_schedule("test-partner", tmp_path) == Schedule("weekdays", time(9, 30))
