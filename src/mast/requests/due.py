"""When a request is due: red and amber in clock hours, green in working days.

A working day is Monday to Friday and not an England-and-Wales bank holiday. The bank holidays are GOV.UK's
list as the `govuk-bank-holidays` package ships it, read from the package and never fetched at run time; a
newer copy of https://www.gov.uk/bank-holidays.json can be named in MAST_BANK_HOLIDAYS_FILE when the shipped
one runs out (it covers the years up to its release: see `last_known_holiday`).
"""

import json
import logging
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from mast.governance.services import RequestTimes

logger = logging.getLogger(__name__)

DIVISION = "england-and-wales"
RED, AMBER, GREEN = "red", "amber", "green"


def _read(data: dict) -> frozenset[date]:
    events = data.get(DIVISION, {}).get("events", [])
    return frozenset(date.fromisoformat(event["date"]) for event in events)


def shipped_bank_holidays() -> frozenset[date]:
    """The package's own copy of GOV.UK's list (a file in the package: no network)."""
    from govuk_bank_holidays.bank_holidays import BankHolidays

    return _read(BankHolidays.load_backup_data())


def configured_bank_holidays() -> frozenset[date]:
    """England and Wales's bank holidays: MAST_BANK_HOLIDAYS_FILE if set, else the package's own copy."""
    path = getattr(settings, "MAST_BANK_HOLIDAYS_FILE", "")
    if path:
        return _read(json.loads(Path(path).read_text(encoding="utf-8")))
    return shipped_bank_holidays()


@lru_cache(maxsize=1)
def bank_holidays() -> frozenset[date]:
    """The bank holidays in use, read once per process."""
    return configured_bank_holidays()


def last_known_holiday() -> date | None:
    holidays = bank_holidays()
    return max(holidays) if holidays else None


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays()


def next_working_day(day: date) -> date:
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(day: date, count: int) -> date:
    """The `count`th working day after `day` (which need not be a working day itself)."""
    last = last_known_holiday()
    for _ in range(count):
        day = next_working_day(day)
    if last is not None and day.year > last.year:
        logger.warning(
            "Bank holidays are known only up to %s: set MAST_BANK_HOLIDAYS_FILE to a newer GOV.UK list", last
        )
    return day


def due_at(sent_at: datetime, priority: str, times: RequestTimes) -> datetime:
    """When a request of this priority, sent at `sent_at`, should be answered.

    Red and amber: that many hours later by the clock, nights, weekends and holidays included. Green: the same
    time of day (in local time, so across a change of the clocks too) that many working days later; sent on a
    weekend or bank holiday, the count starts from the next working day.
    """
    # Elapsed hours are added in UTC: added to a London time they would gain or lose the hour the clocks
    # change.
    if priority == RED:
        return sent_at.astimezone(UTC) + timedelta(hours=times.red_hours)
    if priority == AMBER:
        return sent_at.astimezone(UTC) + timedelta(hours=times.amber_hours)
    if priority == GREEN:
        local = timezone.localtime(sent_at)
        day = add_working_days(local.date(), times.green_working_days)
        return datetime.combine(day, local.time(), tzinfo=local.tzinfo)
    raise ValueError(f"Unknown priority: {priority!r}")
