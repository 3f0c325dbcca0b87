"""What a practitioner typed into search, tidied and read: names, a date of birth however it was written
(day first, as in the UK; partial dates for their year; never a guessed two-digit year), a postcode, an NHS
number, a partner's reference — and what is wrong with any of it, in words for the person who typed it.
Kept apart from `search`, which finds and ranks people for a query, so each stays small enough to read.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, fields

from mast.feeds.validation import normalise_nhs_number
from mast.identity.matching.dates import birth_year
from mast.identity.matching.names import normalise_name
from mast.identity.matching.postcodes import normalise_postcode

# -- the query -----------------------------------------------------------------------------------------------

# Longer than any real value; a pasted paragraph is cut rather than expanded into thousands of look-ups.
MAX_LENGTH = 100


@dataclass
class SearchQuery:
    """What a practitioner typed. Any field may be empty; none is trusted to be well formed."""

    given_name: str = ""
    family_name: str = ""
    date_of_birth: str = ""
    postcode: str = ""
    address: str = ""
    nhs_number: str = ""
    reference: str = ""

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            setattr(self, f.name, "" if value is None else " ".join(str(value).split())[:MAX_LENGTH])

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))

    @property
    def birth_date(self) -> BirthDate:
        return parse_birth_date(self.date_of_birth)

    @property
    def nhs_digits(self) -> str:
        return re.sub(r"\D", "", self.nhs_number)

    @property
    def nhs_number_valid(self) -> bool:
        return normalise_nhs_number(self.nhs_digits)[1] if self.nhs_digits else False

    @property
    def normalised_postcode(self) -> str:
        return normalise_postcode(self.postcode)

    def problems(self) -> dict[str, str]:
        """Field name → what is wrong with it, in words for the person who typed it; {} when all is well.

        The service copes with every one of these (a bad field is simply not used); the form shows them.
        """
        problems: dict[str, str] = {}
        if self.date_of_birth and self.birth_date.year is None:
            problems["date_of_birth"] = (
                "Enter a date of birth like 27/03/1987, or a month and year, or a year"
            )
        if self.nhs_number and not self.nhs_number_valid:
            problems["nhs_number"] = "Enter a 10-digit NHS number, like 999 123 4578"
        if self.postcode and not self.normalised_postcode:
            problems["postcode"] = "Enter a postcode, like NS9 3AJ"
        if not problems and not self.is_empty and not self.is_specific:
            problems["__all__"] = (
                "Add a family name, a full date of birth, a postcode, an NHS number or a reference"
            )
        return problems

    @property
    def is_specific(self) -> bool:
        """Whether the query can be looked up at all: a given name or a year of birth alone cannot."""
        return bool(
            normalise_name(self.family_name)
            or self.birth_date.date
            or " " in self.normalised_postcode
            or len(self.nhs_digits) == 10
            or self.reference
        )


@dataclass(frozen=True)
class BirthDate:
    date: dt.date | None = None
    year: int | None = None
    # The same date with day and month swapped, when that is a different real date.
    swapped: dt.date | None = None


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
            ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
            ("oct", "october"), ("nov", "november"), ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_SEPARATORS = re.compile(r"[\s/.\-,]+")


def parse_birth_date(text: str) -> BirthDate:
    """A date of birth however it was typed: '27/03/1987', '27-3-1987', '1987-03-27', '27 March 1987',
    '27031987', or partial ('03/1987', 'Mar 1987', '1987'). Day first, as in the UK; a date that only reads
    month first ('03/27/1987') is read that way. Two-digit years are not guessed. Never raises."""
    parts = [p for p in _SEPARATORS.split(text.strip().casefold()) if p][:4]
    if len(parts) == 1 and parts[0].isdigit() and len(parts[0]) == 8:
        run = parts[0]
        iso = (run[:4], run[4:6], run[6:])
        parts = list(iso) if _date(*map(int, iso)) else [run[:2], run[2:4], run[4:]]
    parts = [str(_MONTHS[p]) if p in _MONTHS else p for p in parts]
    if not parts or not all(p.isdigit() for p in parts):
        return BirthDate(year=birth_year(text) if text else None)
    numbers = [int(p) for p in parts]
    years = [i for i, p in enumerate(parts) if len(p) == 4 and _plausible_year(int(p))]
    if len(years) != 1:
        return BirthDate()
    year = numbers[years[0]]
    rest = numbers[: years[0]] + numbers[years[0] + 1 :]
    if years[0] == 0:
        rest = rest[::-1]  # year first: year, month, day → day, month
    if len(rest) != 2:
        return BirthDate(year=year)
    day, month = rest
    first, second = _date(year, month, day), _date(year, day, month)
    date = first or second
    swapped = second if first and second and second != first else None
    return BirthDate(date, year, swapped)


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _plausible_year(year: int) -> bool:
    return 1880 <= year <= dt.date.today().year
