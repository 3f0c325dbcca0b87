"""What an analyst narrows the figures to: a month range, an agency, a category, an area, an age band, a sex.

Checked at the edge by web's form; here it is a plain value the figures take, with the window's defaults.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone


@dataclass(frozen=True)
class Filters:
    first_month: date
    last_month: date
    agency_id: int | None = None
    category: str = ""
    district: str = ""
    age_band: str = ""
    sex: str = ""

    @property
    def months(self) -> list[date]:
        months, month = [], self.first_month
        while month <= self.last_month:
            months.append(month)
            month = next_month(month)
        return months

    @property
    def starts(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.first_month, time.min))

    @property
    def ends(self) -> datetime:
        """The first moment after the last month."""
        return timezone.make_aware(datetime.combine(next_month(self.last_month), time.min))

    def described(self) -> dict:
        """For the audit event: what was asked for (no one's details are ever among them)."""
        return {k: str(v) for k, v in self.__dict__.items() if v not in (None, "")}


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def month_label(month: date) -> str:
    return month.strftime("%b %Y")
