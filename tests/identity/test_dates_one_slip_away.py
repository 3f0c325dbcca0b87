"""The dates of birth one keying slip from the digits a practitioner typed (`slips.dates_one_slip_away`):
worked out once per digits typed, and again when the year turns, since a date in the new year is a real
date of birth from its first day."""

import datetime as dt
from types import SimpleNamespace

from mast.identity.search import slips


def on(monkeypatch, day: dt.date) -> None:
    class Today(dt.date):
        @classmethod
        def today(cls):
            return cls(day.year, day.month, day.day)

    monkeypatch.setattr(slips, "dt", SimpleNamespace(date=Today))


def test_a_date_typed_one_digit_out_is_found_among_about_fifty():
    found = slips.dates_one_slip_away("02112019")

    assert dt.date(2019, 11, 2) in found and dt.date(2018, 11, 2) in found
    assert 20 < len(found) < 100


def test_a_process_running_past_new_year_finds_the_new_years_babies(monkeypatch):
    on(monkeypatch, dt.date(2026, 12, 31))
    assert dt.date(2027, 1, 1) not in slips.dates_one_slip_away("01012027")

    on(monkeypatch, dt.date(2027, 1, 1))
    assert dt.date(2027, 1, 1) in slips.dates_one_slip_away("01012027")
