"""Keying slips in what a practitioner types: a letter or digit dropped, added, changed or two swapped, in a
name, a postcode or a date of birth, or a date's separator in the wrong place ('021/1/1979' for 02/11/1979).

Search looks up the spellings, postcodes and dates one slip from those typed (`candidates`), so the records
need no more keys than `index` writes, and scores a record's date one slip from the one typed as "one keyed
digit apart", the model's own level (`find.weigh`): the model compares whole dates, so '2/03/1987' for
27/03/1987 would otherwise be simply a different date.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from mast.identity.matching.postcodes import normalise_postcode

_DIGITS = "0123456789"
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def one_slip_away(word: str, alphabet: str = _LETTERS) -> set[str]:
    """Every spelling one keying slip (deletion, swap, substitution, insertion) from a word of 3+ letters."""
    if len(word) < 3:
        return set()
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return (
        {a + b[1:] for a, b in splits if b}
        | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        | {a + c + b[1:] for a, b in splits if b for c in alphabet if c != b[0]}
        | {a + c + b for a, b in splits for c in alphabet}
    ) - {word}


def postcodes_one_slip_away(postcode: str) -> set[str]:
    """Real-looking postcodes one keying slip from a full postcode ('NS9 3AK' for 'NS9 3AJ')."""
    squashed = postcode.replace(" ", "").lower()
    if len(squashed) < 5:
        return set()
    found = {normalise_postcode(v) for v in one_slip_away(squashed, _LETTERS + _DIGITS)}
    return {p for p in found if " " in p} - {postcode}


_FIRST_YEAR = 1880


def typed_digits(text: str) -> str:
    return re.sub(r"\D", "", text or "")


def _forms(date: dt.date) -> set[str]:
    """The digits a date is typed as: day first with or without leading zeros, or year first."""
    return {f"{date:%d%m%Y}", f"{date.day}{date.month}{date.year}", f"{date:%Y%m%d}"}


def one_slip(typed: str, iso: str | None) -> bool:
    """Whether the digits typed for a date of birth are one keying slip from a recorded date (ISO, as
    standardised), or are its very digits read another way: the separators were where the slip was."""
    try:
        recorded = dt.date.fromisoformat(iso or "")
    except ValueError:
        return False
    forms = _forms(recorded)
    return typed in forms or any(typed in one_slip_away(form, _DIGITS) for form in forms)


def dates_one_slip_away(typed: str) -> frozenset[dt.date]:
    """Every real date of birth whose digits, as `_forms` writes them, are the typed digits or one slip from
    them. For eight digits typed, about fifty dates."""
    return _dates_one_slip_away(typed, dt.date.today().year)


# Kept per year as well as per digits typed: a web process running past New Year finds the new year's babies.
@lru_cache(maxsize=256)
def _dates_one_slip_away(typed: str, latest: int) -> frozenset[dt.date]:
    if not 5 <= len(typed) <= 9:
        return frozenset()
    found: set[dt.date] = set()
    for digits in one_slip_away(typed, _DIGITS) | {typed}:
        readings = []
        if len(digits) == 8:
            readings += [(digits[4:], digits[2:4], digits[:2]), (digits[:4], digits[4:6], digits[6:])]
        year, rest = digits[-4:], digits[:-4]
        # Day and month without leading zeros: '2111979' is 2/11/1979 or 21/1/1979.
        readings += [(year, rest[i:], rest[:i]) for i in range(1, len(rest)) if "0" not in (rest[0], rest[i])]
        for y, m, d in readings:
            if not (y.isdigit() and m.isdigit() and d.isdigit()) or not _FIRST_YEAR <= int(y) <= latest:
                continue
            try:
                found.add(dt.date(int(y), int(m), int(d)))
            except ValueError:
                continue
    return frozenset(date for date in found if typed in _forms(date) or one_slip(typed, date.isoformat()))
